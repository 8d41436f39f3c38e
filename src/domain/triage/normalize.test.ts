import { describe, expect, it } from "vitest";
import { SLANG, normalize, normalizeText } from "./normalize.ts";

describe("normalize", () => {
  it("expands SMS and tweet spellings to standard Indonesian", () => {
    expect(normalizeText("jln dpn rmh sy udh 2 bln gk diperbaiki, tlg dgn segera bgt")).toBe(
      "jalan depan rumah saya sudah bulan tidak diperbaiki tolong dengan segera banget",
    );
    expect(normalizeText("yg blm krn dr org mhn tdk ga gak nggak")).toBe("yang belum karena dari orang mohon tidak tidak tidak tidak");
  });

  it("has a table of at least 80 spellings, each mapped to lowercase words", () => {
    expect(Object.keys(SLANG).length).toBeGreaterThanOrEqual(80);
    for (const [from, to] of Object.entries(SLANG)) {
      expect(from, from).toMatch(/^[a-z0-9]+$/);
      expect(to, from).toMatch(/^[a-z]+( [a-z]+)*$/);
    }
  });

  it("removes URLs, e-mail addresses, mentions and phone numbers, and counts them", () => {
    const n = normalize("@dkijakarta hub WA 0812-3456-7890 atau +62 813 7778 8899, info di bit.ly/promo88 https://t.co/xYz ke admin@contoh.co.id");
    expect(n.tokens).toEqual(["hub", "wa", "atau", "info", "di", "ke"]);
    expect(n.stripped).toEqual({ urls: 2, emails: 1, mentions: 1, phones: 2 });
  });

  it("keeps amounts and times out of the phone numbers", () => {
    expect(normalize("tagihan Rp1.620.000.000 jam 07.15 tanggal 12").stripped.phones).toBe(0);
  });

  it("folds reduplication and collapses repeated letters", () => {
    expect(normalizeText("bolong2 retak-retak ugal-ugalan anak2nya")).toBe("lubang retak ugalan anaknya");
    expect(normalizeText("parahhh bgttt sampahhh maaaaf woiiii")).toBe("parah banget sampah maaf woi");
    expect(normalizeText("kk")).toBe("kk");
  });

  it("splits a glued di/ke before a place noun only", () => {
    expect(normalizeText("dijalan didpn kepasar dirt")).toBe("di jalan di depan ke pasar di rt");
    expect(normalizeText("dipakai diperbaiki ketahuan dinas")).toBe("dipakai diperbaiki ketahuan dinas");
  });

  it("keeps hashtags as words, split at capitals or into known words", () => {
    expect(normalizeText("#JalanRusak #banjirjakarta #parkirliar #kjpplus")).toBe("jalan rusak banjir jakarta parkir liar kjpplus");
  });

  it("drops numbers, emoji and punctuation but keeps a unit glued to a number", () => {
    expect(normalizeText("RT 05/RW 03 no. 12 😡😡 minta 200rb!!!")).toBe("rt rw no minta ribu");
  });

  it("gives nothing for a message of emoji and mentions", () => {
    expect(normalize("🙏🙏 @dkijakarta @DLHDKI").tokens).toEqual([]);
  });
});
