import { describe, expect, it } from "vitest";
import { TWEET_URL_LENGTH, formatReplyTweet, maskPersonalData, tweetLength } from "./twitter-replies.ts";

describe("maskPersonalData", () => {
  it("masks emails and phone numbers, keeps tickets, links, dates and amounts", () => {
    const text =
      "Laporan JKT-260412-0073 dari budi.santoso@gmail.com (0812-3456-7890, +62 812 3456 7890, 021 5551234, NIK 3171234567890001) " +
      "sudah diteruskan pada 12-04-2026, biaya Rp 1.500.000. Lihat https://aspirasi.jakarta.go.id/r/JKT-260412-0073";
    const masked = maskPersonalData(text);
    expect(masked).toBe(
      "Laporan JKT-260412-0073 dari [email] ([nomor], [nomor], [nomor], NIK [nomor]) " +
        "sudah diteruskan pada 12-04-2026, biaya Rp 1.500.000. Lihat https://aspirasi.jakarta.go.id/r/JKT-260412-0073",
    );
    expect(maskPersonalData("hubungi 08111272206 atau warga@contoh.id")).toBe("hubungi [nomor] atau [email]");
    expect(maskPersonalData("telepon (021) 555-1234")).toBe("telepon ([nomor]");
    expect(maskPersonalData("https://x.example/?email=a@b.com")).not.toContain("a@b.com");
    expect(maskPersonalData("Terima kasih @budi_warga, RT 005 RW 02")).toBe("Terima kasih @budi_warga, RT 005 RW 02");
  });
});

describe("tweetLength", () => {
  it("counts a URL as 23 and wide characters as 2", () => {
    expect(tweetLength("abc")).toBe(3);
    expect(tweetLength("lihat https://aspirasi.jakarta.go.id/r/JKT-260412-0073/sangat/panjang/sekali.")).toBe(6 + TWEET_URL_LENGTH + 1);
    expect(tweetLength("x.co")).toBe(TWEET_URL_LENGTH);
    expect(tweetLength("🙂")).toBe(2);
    expect(tweetLength("日本")).toBe(4);
  });
});

describe("formatReplyTweet", () => {
  it("addresses the citizen and keeps a short reply as is", () => {
    expect(formatReplyTweet("Laporan Anda tercatat: JKT-260412-0073.", "@budi_warga")).toBe(
      "@budi_warga Laporan Anda tercatat: JKT-260412-0073.",
    );
    expect(formatReplyTweet("@budi_warga  terima kasih", "budi_warga")).toBe("@budi_warga terima kasih");
  });

  it("never includes personal data", () => {
    const out = formatReplyTweet("Petugas kami (0812 3456 7890, petugas@jakarta.go.id) akan menghubungi Anda.", "budi_warga");
    expect(out).toBe("@budi_warga Petugas kami ([nomor], [email]) akan menghubungi Anda.");
  });

  it("fits the limit, counting URLs as 23, cutting at a word and never inside a URL", () => {
    const url = "https://aspirasi.jakarta.go.id/laporan/JKT-260412-0073?utm_source=twitter&utm_medium=reply";
    const long = `${"Laporan sedang ditindaklanjuti oleh kelurahan setempat. ".repeat(4)}Pantau di ${url} ya.`;
    for (const max of [280, 140, 100, 60, 40]) {
      const out = formatReplyTweet(long, "budi_warga", max);
      expect(tweetLength(out), `${max}: ${out}`).toBeLessThanOrEqual(max);
      expect(out.startsWith("@budi_warga ")).toBe(true);
      if (out.includes("https://")) expect(out).toContain(url);
    }
    const fits = formatReplyTweet(long, "budi_warga");
    expect(fits).toContain(url);
    expect(fits.length).toBeGreaterThan(280); // the raw string is longer than the weighted length
    const cut = formatReplyTweet(long, "budi_warga", 100);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut).toMatch(/\S…$/);
    expect(cut).not.toContain("https://");
    // ends on a whole word: the kept text is followed by a space in the original
    expect(long.includes(`${cut.slice("@budi_warga ".length, -1)} `)).toBe(true);
  });

  it("does not split emoji", () => {
    const out = formatReplyTweet("👮‍♀️".repeat(100), "budi_warga", 50);
    expect(tweetLength(out)).toBeLessThanOrEqual(50);
    expect(out.slice("@budi_warga ".length, -1)).toBe("👮‍♀️".repeat((out.length - "@budi_warga ".length - 1) / "👮‍♀️".length));
  });

  it("without a screen name (Twitter addresses a v2 reply itself) masks and fits the text alone", () => {
    expect(formatReplyTweet("Laporan JKT-260412-0073 dari 0812 3456 7890 tercatat.", null)).toBe("Laporan JKT-260412-0073 dari [nomor] tercatat.");
    const long = "Laporan sedang ditindaklanjuti. ".repeat(20);
    const out = formatReplyTweet(long, null);
    expect(tweetLength(out)).toBeLessThanOrEqual(280);
    expect(tweetLength(out)).toBeGreaterThan(250);
    expect(out).toMatch(/^Laporan sedang .*\S…$/);
    expect(long.startsWith(`${out.slice(0, -1)} `)).toBe(true);
    expect(formatReplyTweet("@budi_warga tetap di teks", null)).toBe("@budi_warga tetap di teks");
    expect(() => formatReplyTweet("x", null, 1)).toThrow(/no room for a reply$/);
  });

  it("refuses an invalid screen name or a limit with no room", () => {
    expect(() => formatReplyTweet("x", "budi warga")).toThrow();
    expect(() => formatReplyTweet("x", "a_name_far_too_long")).toThrow();
    expect(() => formatReplyTweet("x", "budi", 5)).toThrow();
  });
});
