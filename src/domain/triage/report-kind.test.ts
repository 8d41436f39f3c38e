import { describe, expect, it } from "vitest";
import { classifyKind } from "./report-kind.ts";

describe("classifyKind", () => {
  it.each([
    ["Jalan di depan pasar berlubang dan sudah memakan korban, mohon segera diperbaiki.", "pengaduan"],
    ["lampu jln mati smua udh 5 hari, gelap bgt", "pengaduan"],
    ["Usul ada taman bermain di lahan kosong RW 05", "aspirasi"],
    ["saran trotoar dibuat lebih lebar, sekarang sempit", "aspirasi"],
    ["Sebaiknya jadwal angkut sampah ditambah jadi dua kali sehari", "aspirasi"],
    ["Mohon informasi syarat membuat akta kelahiran", "permintaan_informasi"],
    ["mau tny cara daftar kjp gmn y", "permintaan_informasi"],
    ["Apakah RPTRA buka hari Minggu?", "permintaan_informasi"],
    ["jadwal fogging di kel duri kepa kpn ya?", "permintaan_informasi"],
  ] as const)("%s -> %s", (text, kind) => {
    const guess = classifyKind(text);
    expect(guess.kind).toBe(kind);
    expect(guess.evidence.length).toBeGreaterThan(0);
    expect(guess.confidence).toBeGreaterThan(1 / 3);
    expect(guess.confidence).toBeLessThanOrEqual(1);
  });

  it("reads a rhetorical question as a complaint", () => {
    const guess = classifyKind("Sudah 3 bulan jalan rusak, kapan diperbaiki??");
    expect(guess.kind).toBe("pengaduan");
    expect(guess.evidence).toContain("pertanyaan retoris");
  });

  it("names the suggestion cue it found", () => {
    expect(classifyKind("Kami mengusulkan penambahan halte").evidence).toContain("usul");
  });

  it("defaults to a complaint when nothing points elsewhere", () => {
    expect(classifyKind("pohon tumbang").kind).toBe("pengaduan");
  });
});
