import { describe, expect, it } from "vitest";
import { STOPWORDS, isStopword } from "./stopwords.ts";

describe("stopwords", () => {
  it("covers function words, greetings and their SMS forms", () => {
    for (const w of ["yang", "dengan", "tidak", "sudah", "tolong", "mohon", "min", "yg", "dgn", "gk", "udh", "tlg", "assalamualaikum"]) {
      expect(isStopword(w), w).toBe(true);
    }
  });

  it("keeps the words a category is recognised by", () => {
    for (const w of ["jalan", "lubang", "sampah", "banjir", "got", "lampu", "pohon", "parkir", "trotoar", "air", "listrik", "ktp", "kali", "malam"]) {
      expect(STOPWORDS.has(w), w).toBe(false);
    }
  });

  it("treats one-letter tokens as stopwords", () => {
    expect(isStopword("x")).toBe(true);
  });
});
