import { describe, expect, it } from "vitest";
import { ROOT_WORDS, stem } from "./stemmer.ts";

const cases: Array<[string, string]> = [
  // particles and possessives
  ["lampunya", "lampu"], ["airnya", "air"], ["rambunya", "rambu"], ["sekitarnya", "sekitar"],
  // derivational suffixes
  ["genangan", "genang"], ["tumpukan", "tumpuk"], ["bangunan", "bangun"], ["kendaraan", "kendara"],
  // di- ke- se- ter- ber-
  ["ditambal", "tambal"], ["diangkut", "angkut"], ["tergenang", "genang"], ["tersumbat", "sumbat"], ["berlubang", "lubang"],
  ["berjualan", "jual"], ["ketertiban", "tertib"],
  // me(N)- with recoding
  ["menyumbat", "sumbat"], ["menunggu", "tunggu"], ["mengangkut", "angkut"], ["mengirim", "kirim"], ["memasang", "pasang"],
  ["membuang", "buang"], ["melanggar", "langgar"], ["menyeberang", "seberang"], ["menyala", "nyala"], ["mengecat", "cat"],
  // pe(N)- with recoding
  ["penerangan", "terang"], ["pemadaman", "padam"], ["pengendara", "kendara"], ["penumpang", "tumpang"], ["pedagang", "dagang"],
  ["pelanggaran", "langgar"], ["pejalan", "jalan"], ["pepohonan", "pohon"], ["pengaspalan", "aspal"],
  // confixes and stacked prefixes
  ["kebakaran", "bakar"], ["kesehatan", "sehat"], ["kelurahan", "lurah"], ["kecamatan", "camat"], ["kemacetan", "macet"],
  ["pendidikan", "didik"], ["perbaikan", "baik"], ["diperbaiki", "baik"], ["memperbaiki", "baik"], ["kependudukan", "penduduk"],
  ["pembangunan", "bangun"], ["perizinan", "izin"],
];

describe("stem", () => {
  it.each(cases)("%s -> %s", (word, root) => {
    expect(stem(word)).toBe(root);
  });

  it("leaves listed roots that merely look affixed alone", () => {
    for (const word of ["taman", "jalan", "selokan", "sekolah", "terminal", "berisik", "kali", "masalah", "dinas", "pemerintah"]) {
      expect(stem(word), word).toBe(word === "pemerintah" ? "perintah" : word);
    }
  });

  it("does not strip a forbidden confix (di-...-an) to reach a root", () => {
    // "dimakan": di- + makan (a root), not di- + mak + -an
    expect(stem("dimakan")).toBe("makan");
  });

  it("stems unknown words consistently across their forms", () => {
    const forms = ["mencolek", "dicolek", "colekan", "pencolek"].map(stem);
    expect(new Set(forms)).toEqual(new Set(["colek"]));
  });

  it("keeps loanwords in -si whole when they are unknown", () => {
    expect(stem("evakuasi")).toBe("evakuasi");
    expect(stem("direlokasi")).toBe("relokasi");
  });

  it("is idempotent on its results and leaves short words and non-words alone", () => {
    for (const [, root] of cases) expect(stem(root)).toBe(root);
    expect(stem("rt")).toBe("rt");
    expect(stem("covid19")).toBe("covid19");
  });

  it("has a root list of several hundred words, all lowercase letters", () => {
    expect(ROOT_WORDS.size).toBeGreaterThan(500);
    for (const w of ROOT_WORDS) expect(w).toMatch(/^[a-z]+$/);
  });
});
