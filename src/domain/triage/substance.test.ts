import { describe, expect, it } from "vitest";
import { substanceFlags } from "./substance.ts";

const kinds = (text: string) => substanceFlags(text).map((f) => f.kind);

describe("substanceFlags", () => {
  it("flags nothing in an ordinary report, formal or SMS", () => {
    for (const text of [
      "Jalan di depan SDN 03 berlubang, tolong diperbaiki",
      "got dpn rmh mampet, air ga ngalir, bau",
      "Terima kasih, jalannya sudah diperbaiki",
      "TOLONG JALAN DI DEPAN RUMAH SAYA BANJIR",
      "Anjing liar menggigit anak di Gang Mawar",
      "ada monyet lepas dari rumah warga, sudah mencakar anak kecil",
      "Harga cabe di pasar 120rb sekilo, pemerintah ngapain aja",
      "sy diteror debt collector pinjol ilegal, data kontak sy disebar",
      "jukir maksa minta 5rb padahal parkir gratis",
    ]) {
      expect(kinds(text), text).toEqual([]);
    }
  });

  it.each(["tes", "p", "halo min", "Selamat pagi.", "🙏🙏🙏", "@dkijakarta @DLHDKI", "?", "test test 123", "ok makasih", "wkwkwk"])(
    "flags %j as empty",
    (text) => {
      expect(kinds(text)).toEqual(["empty"]);
    },
  );

  it.each([
    ["jalan rusak anjing bgt dinas gk becus, jl haji nawi", "anjing"],
    ["anj*ng lu semua", "anj*ng"],
    ["b4ngsat pejabatnya", "b4ngsat"],
    ["g0bl0k", "g0bl0k"],
    ["dasar kont*l", "kont*l"],
    ["bngst bgt", "bngst"],
    ["petugasnya goblokkk", "goblokkk"],
  ])("flags %j as abusive, quoting %s", (text, word) => {
    const flag = substanceFlags(text).find((f) => f.kind === "abusive");
    expect(flag?.reason).toContain(`"${word}"`);
  });

  it("keeps the report when it is abusive: the flag is for a person, the text is not censored", () => {
    const flags = substanceFlags("Banjir lagi di Cipinang Melayu, bangs4t emang");
    expect(flags.map((f) => f.kind)).toEqual(["abusive"]);
  });

  it.each([
    "Slot gacor hari ini maxwin daftar sekarang bit.ly/gacor88",
    "PINJAMAN CEPAT CAIR TANPA JAMINAN, hub WA 0812-3456-7890",
    "promo diskon 50% servis AC hubungi wa 081298765432",
    "Jual rumah murah DP 0%, info 0857-1111-2222 https://rumahmurah.id",
    "aaaaaaaaaaaaaaaaaaaa",
    "laporan laporan laporan laporan",
    "jalan rusak jalan rusak jalan rusak",
    "WOIIII!!!!! BALES DONG!!!!",
  ])("flags %j as spam", (text) => {
    expect(kinds(text)).toEqual(["spam"]);
  });

  it.each([
    "pemprov payah",
    "Gubernur tidak becus ngurus Jakarta",
    "Saya sangat kecewa dengan kinerja Pemerintah Provinsi DKI Jakarta.",
    "jakarta makin semrawut, pejabatnya cuma pencitraan",
    "pokoknya ganti aja semua pejabatnya, udh gk bener",
  ])("flags %j as subjective", (text) => {
    const flags = substanceFlags(text);
    expect(flags.map((f) => f.kind)).toEqual(["subjective"]);
    expect(flags[0]!.reason).toMatch(/^Hanya pendapat/);
  });

  it("does not call an opinion subjective when it names an object, a place or an event", () => {
    expect(kinds("dinas tidak becus, lampu jalan mati terus")).toEqual([]);
    expect(kinds("pelayanan lambat di kantor kelurahan kemarin")).toEqual([]);
    expect(kinds("Pelayanan di Puskesmas Tebet payah")).toEqual([]);
    expect(kinds("kecewa, sudah 3 minggu tidak ada tindak lanjut")).toEqual([]);
  });

  it("gives every flag a reason in Indonesian", () => {
    for (const text of ["tes", "anj*ng", "promo diskon hubungi wa 081298765432", "pemprov payah"]) {
      for (const f of substanceFlags(text)) expect(f.reason).toMatch(/^(Tidak ada|Mengandung|Promosi|Hanya pendapat)/);
    }
  });
});
