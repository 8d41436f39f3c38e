import { describe, expect, it } from "vitest";
import { smpp } from "./smpp-wire.ts";
import { DATA_CODING, decodeGsm7, decodeText, decodeUcs2, encodeGsm7, encodeUcs2, isGsm7, segmentText } from "./sms-text.ts";

describe("GSM 03.38", () => {
  it("maps the basic table and the extension table (ESC sequences) both ways", () => {
    const text = "Jl. Kebon Sirih @ 12: got mampet! €5 {tes} [x] ~^|\\ Ñ£¥";
    const bytes = encodeGsm7(text);
    expect(bytes[0]).toBe(0x4a); // "J"
    expect(encodeGsm7("@£$")).toEqual(Buffer.from([0x00, 0x01, 0x02]));
    expect(encodeGsm7("€")).toEqual(Buffer.from([0x1b, 0x65]));
    expect(encodeGsm7("[]")).toEqual(Buffer.from([0x1b, 0x3c, 0x1b, 0x3e]));
    expect(decodeGsm7(bytes)).toBe(text);
  });

  it("agrees with the smpp package's own GSM table", () => {
    const text = "Laporan: lampu jalan mati di RT 03/RW 05, Kel. Gambir. Ä ö ñ ü à É Δ Ω € {}";
    expect(encodeGsm7(text)).toEqual(smpp.encodings.ASCII.encode(text));
    expect(decodeGsm7(smpp.encodings.ASCII.encode(text))).toBe(text);
  });

  it("reads an ESC before an unknown code as the basic character, and an octet above 0x7F as ?", () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41, 0x42]))).toBe("AB");
    expect(decodeGsm7(Buffer.from([0x41, 0x80]))).toBe("A?");
  });

  it("tells which texts fit the alphabet", () => {
    expect(isGsm7("Sampah menumpuk di pasar, mohon diangkut [segera] €")).toBe(true);
    expect(isGsm7("Banjir 🙏")).toBe(false);
    expect(isGsm7("ç")).toBe(false); // only the capital Ç is in the table
    expect(() => encodeGsm7("🙏")).toThrow(/GSM 03.38/);
  });
});

describe("UCS-2 and the other codings", () => {
  it("keeps emoji (surrogate pairs) and Indonesian text", () => {
    const text = "Jalan rusak 🙏 di Cempaka Putih — tolong";
    const bytes = encodeUcs2(text);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x4a]));
    expect(bytes.length).toBe(text.length * 2);
    expect(decodeUcs2(bytes)).toBe(text);
    expect(decodeUcs2(Buffer.concat([bytes, Buffer.from([0x00])]))).toBe(text);
  });

  it("decodes by data_coding: GSM, IA5, Latin-1, UCS-2; binary is no text; others are refused", () => {
    expect(decodeText(0x00, encodeGsm7("Halo €"))).toBe("Halo €");
    expect(decodeText(0xf1, encodeGsm7("Kelas 1"))).toBe("Kelas 1");
    expect(decodeText(0x01, Buffer.from("plain ascii"))).toBe("plain ascii");
    expect(decodeText(0x03, Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe("café");
    expect(decodeText(0x08, encodeUcs2("Ω ok"))).toBe("Ω ok");
    expect(decodeText(0x04, Buffer.from([0xde, 0xad]))).toBeNull();
    expect(decodeText(0xf5, Buffer.from([0x01]))).toBeNull();
    expect(() => decodeText(0x05, Buffer.from("x"))).toThrow(/unsupported data_coding 0x05/);
  });
});

describe("segmenting an answer", () => {
  it("sends up to 160 GSM septets as one SMS, more as parts of 153", () => {
    expect(segmentText("a".repeat(160), 10)).toEqual({ dataCoding: DATA_CODING.GSM, segments: [Buffer.alloc(160, 0x61)] });
    const long = segmentText("b".repeat(161), 10);
    expect(long.segments.map((s) => s.length)).toEqual([153, 8]);
    expect(segmentText("c".repeat(153 * 3), 10).segments.map((s) => s.length)).toEqual([153, 153, 153]);
  });

  it("counts an extension character as two septets and never splits its escape", () => {
    // 152 plain characters then "€": the euro's two septets do not fit the first part's last septet.
    const { segments } = segmentText("d".repeat(152) + "€" + "e".repeat(10), 10);
    expect(segments[0]!.length).toBe(152);
    expect(segments[1]!.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x65]));
    expect(segmentText("€".repeat(80), 10).segments).toHaveLength(1);
    expect(segmentText("€".repeat(81), 10).segments).toHaveLength(2);
  });

  it("uses UCS-2 for any other character: 70 in one SMS, parts of 67, a surrogate pair kept whole", () => {
    expect(segmentText("🙏".repeat(35), 10)).toMatchObject({ dataCoding: DATA_CODING.UCS2, segments: [expect.any(Buffer)] });
    const parts = segmentText("x".repeat(66) + "🙏" + "y".repeat(10), 10);
    expect(parts.dataCoding).toBe(DATA_CODING.UCS2);
    expect(parts.segments.map((s) => s.length / 2)).toEqual([66, 12]);
    expect(decodeUcs2(Buffer.concat(parts.segments))).toBe("x".repeat(66) + "🙏" + "y".repeat(10));
  });

  it("cuts what does not fit maxParts and says so with ...", () => {
    const cut = segmentText("f".repeat(1000), 2);
    expect(cut.segments.map((s) => s.length)).toEqual([153, 153]);
    expect(decodeGsm7(cut.segments[1]!).endsWith("fff...")).toBe(true);
  });
});
