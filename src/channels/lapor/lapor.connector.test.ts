import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { laporItem } from "./fake-lapor.ts";
import { LAPOR_CATEGORY_CODES, LaporConnector, laporCategoryCode } from "./lapor.connector.ts";

const connector = new LaporConnector();
const parse = (item: unknown) => connector.parse(Buffer.from(JSON.stringify(item)));
const parseOne = (item: unknown) => {
  const messages = parse(item);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};

describe("LaporConnector.parse", () => {
  it("turns a disposed complaint into one message with LAPOR!'s deadlines from tanggal_disposisi", () => {
    const m = parseOne(laporItem(1, { lampiran: [{ url: "https://lapor.example/lampiran/1.jpg", mime: "image/jpeg" }] }));
    expect(m).toEqual({
      channel: "lapor",
      externalId: "laporan:5300001",
      kind: "message",
      sender: { kind: "lapor_user", value: "u-1", name: "Warga 1" },
      subject: "Laporan nomor 1",
      text: "Isi laporan warga nomor 1\nLokasi: Jl. Medan Merdeka Barat, Gambir\nNomor LAPOR!: LPR-2505-0000001",
      sentAt: new Date("2025-05-27T12:12:04Z"),
      location: { lat: -6.1754, lon: 106.8272 },
      attachments: [{ url: "https://lapor.example/lampiran/1.jpg", contentType: "image/jpeg" }],
      thread: { externalReportId: "5300001" },
      reportKind: "pengaduan",
      categoryCode: "jalan_rusak",
      partnerDeadlines: [
        { name: "lapor_verify", workingDays: 3, from: new Date("2025-05-28T03:00:00Z") },
        { name: "lapor_answer", workingDays: 5, from: new Date("2025-05-28T03:00:00Z") },
      ],
    });
  });

  it("an anonymous reporter gets a per-report identity and no name, whatever LAPOR! sends", () => {
    const a = parseOne(laporItem(2, { pelapor: { id: "u-77", nama: "Rahasia Sekali", anonim: true, rahasia: false } }));
    const b = parseOne(laporItem(3, { pelapor: { id: "u-77", nama: null, anonim: true, rahasia: true } }));
    expect(a.sender).toEqual({ kind: "lapor_user", value: "anonim:5300002", name: null });
    expect(b.sender).toEqual({ kind: "lapor_user", value: "anonim:5300003", name: null });
    expect(JSON.stringify(a)).not.toContain("Rahasia Sekali");
    expect(JSON.stringify(a)).not.toContain("u-77");
  });

  it("reads the three kinds; a suggestion without a place has no location", () => {
    expect(parseOne(laporItem(4, { klasifikasi: "aspirasi", lokasi: null })).reportKind).toBe("aspirasi");
    const info = parseOne(laporItem(5, { klasifikasi: "permintaan_informasi", lokasi: { lat: null, lon: null, alamat: "Kantor Walikota" } }));
    expect(info).toMatchObject({ reportKind: "permintaan_informasi", location: null });
    expect(info.text).toContain("Lokasi: Kantor Walikota");
  });

  it("accepts integer ids, only a title or only a text, no tracking id, no tanggal_laporan", () => {
    const m = parseOne(laporItem(6, { id: 998877, isi: "", tracking_id: null, tanggal_laporan: null, pelapor: { id: 4411, nama: null, anonim: false } }));
    expect(m).toMatchObject({ externalId: "laporan:998877", subject: "Laporan nomor 6", sentAt: null, thread: { externalReportId: "998877" } });
    expect(m.sender).toEqual({ kind: "lapor_user", value: "4411", name: null });
    expect(m.text).not.toContain("Nomor LAPOR!");
    expect(parseOne(laporItem(7, { judul: " " })).subject).toBeNull();
  });

  it.each<[string, Record<string, unknown>]>([
    ["no id", { id: undefined }],
    ["an id with spaces", { id: "53 1" }],
    ["an unknown klasifikasi", { klasifikasi: "keluhan" }],
    ["no text at all", { judul: "", isi: "  " }],
    ["a latitude off the globe", { lokasi: { lat: -96, lon: 106.8, alamat: null } }],
    ["only one coordinate", { lokasi: { lat: -6.2, lon: null, alamat: null } }],
    ["coordinates as strings", { lokasi: { lat: "-6.2", lon: "106.8" } }],
    ["a javascript: attachment", { lampiran: [{ url: "javascript:alert(1)", mime: null }] }],
    ["lampiran not an array", { lampiran: "https://x.example/1.jpg" }],
    ["no pelapor", { pelapor: null }],
    ["anonim not a boolean", { pelapor: { id: "u-1", anonim: "ya" } }],
    ["a named reporter without id", { pelapor: { nama: "Budi", anonim: false } }],
    ["no tanggal_disposisi", { tanggal_disposisi: undefined }],
    ["a timestamp without offset", { tanggal_disposisi: "2025-05-28T10:00:00" }],
    ["a date that is not a date", { tanggal_laporan: "kemarin" }],
    ["kategori not a string", { kategori: 12 }],
  ])("refuses %s (the payload is kept as malformed)", (_what, overrides) => {
    expect(() => parse(laporItem(9, overrides))).toThrow(/laporan/);
  });

  it("is deterministic: the same item fetched again is the same message (stored once by its externalId)", () => {
    expect(parse(laporItem(10))).toEqual(parse(JSON.parse(JSON.stringify(laporItem(10)))));
  });

  it("refuses what is not a JSON object", () => {
    for (const raw of ["\u0000\u0001not a payload{{{", "null", "[]", "42"]) expect(() => connector.parse(Buffer.from(raw))).toThrow(/LAPOR!|laporan/);
  });

  it("never verifies a webhook: LAPOR! is polled", () => {
    expect(connector.verify()).toBe(false);
  });
});

describe("LAPOR! categories", () => {
  it("map names regardless of case, spacing and '&'", () => {
    expect(laporCategoryCode("Jalan Rusak")).toBe("jalan_rusak");
    expect(laporCategoryCode("  PENDIDIKAN   dan Kebudayaan ")).toBe("pendidikan");
    expect(laporCategoryCode("Sosial & Kesejahteraan")).toBe("sosial");
    expect(laporCategoryCode("Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat")).toBe("ketertiban_umum");
  });

  it("leave broad or unknown categories to triage", () => {
    expect(laporCategoryCode("Infrastruktur")).toBeNull();
    expect(laporCategoryCode("Lingkungan Hidup dan Kehutanan")).toBeNull();
    expect(laporCategoryCode(null)).toBeNull();
    expect(parseOne(laporItem(8, { kategori: "Topik Khusus" })).categoryCode).toBeNull();
  });

  it("name only codes the Jakarta deployment has", () => {
    const file = JSON.parse(fs.readFileSync("data/reference/deployments/jakarta/categories.json", "utf8")) as { categories: { code: string }[] };
    const ours = new Set(file.categories.map((c) => c.code));
    for (const code of Object.values(LAPOR_CATEGORY_CODES)) expect(ours, code).toContain(code);
  });
});
