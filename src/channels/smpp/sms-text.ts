/**
 * SMS text on the SMPP wire: the GSM 03.38 default alphabet (data_coding 0, one septet per octet,
 * unpacked, as SMPP carries it; extension characters are ESC 0x1B + code), Latin-1 (3), IA5/ASCII
 * (1) and UCS-2 (8, big-endian UTF-16 in practice, so surrogate pairs survive), and the splitting
 * of an answer into segments: 160 septets in one SMS or 153 per part beside a 6-octet
 * concatenation header; UCS-2 70 or 67 code units. A part never ends inside an escape sequence or
 * a surrogate pair.
 */

/** GSM 03.38 basic character set, by septet value 0x00-0x7F. */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const ESC = 0x1b;
/** GSM 03.38 extension table: the septet after ESC -> character. */
const GSM_EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, "\f"], [0x14, "^"], [0x28, "{"], [0x29, "}"], [0x2f, "\\"], [0x3c, "["], [0x3d, "~"], [0x3e, "]"], [0x40, "|"], [0x65, "€"],
]);
const BASIC_CODE = new Map([...GSM_BASIC].map((ch, i) => [ch, i] as const).filter(([, i]) => i !== ESC));
const EXTENSION_CODE = new Map([...GSM_EXTENSION].map(([code, ch]) => [ch, code] as const));

export const DATA_CODING = { GSM: 0x00, IA5: 0x01, LATIN1: 0x03, UCS2: 0x08 } as const;

/** True when every character is in the GSM 03.38 default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC_CODE.has(ch) && !EXTENSION_CODE.has(ch)) return false;
  return true;
}

/** Unpacked septets (one per octet); throws on a character outside the alphabet (check isGsm7 first). */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const basic = BASIC_CODE.get(ch);
    const ext = EXTENSION_CODE.get(ch);
    if (basic !== undefined) out.push(basic);
    else if (ext !== undefined) out.push(ESC, ext);
    else throw new Error(`not in the GSM 03.38 alphabet: U+${ch.codePointAt(0)!.toString(16).padStart(4, "0")}`);
  }
  return Buffer.from(out);
}

/**
 * Unpacked septets -> text. ESC before a code the extension table lacks shows the basic
 * character (GSM 03.38 says so); an octet above 0x7F is not a septet and becomes "?".
 */
export function decodeGsm7(bytes: Buffer): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === ESC && i + 1 < bytes.length) {
      const next = bytes[++i]!;
      text += GSM_EXTENSION.get(next) ?? GSM_BASIC[next] ?? "?";
    } else if (b === ESC) {
      text += " ";
    } else {
      text += GSM_BASIC[b] ?? "?";
    }
  }
  return text;
}

export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, "utf16le").swap16();
}

export function decodeUcs2(bytes: Buffer): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString("utf16le");
}

/**
 * The text of a message body in an SMPP data_coding, or null when the coding carries no text we
 * read (8-bit binary: WAP push, SIM toolkit). Throws on a text coding we do not support.
 */
export function decodeText(dataCoding: number, bytes: Buffer): string | null {
  if (dataCoding === DATA_CODING.GSM || (dataCoding & 0xf4) === 0xf0) return decodeGsm7(bytes);
  if (dataCoding === DATA_CODING.IA5) return bytes.toString("latin1").replace(/[\u0080-\u00ff]/g, "?");
  if (dataCoding === DATA_CODING.LATIN1) return bytes.toString("latin1");
  if (dataCoding === DATA_CODING.UCS2) return decodeUcs2(bytes);
  if (dataCoding === 0x02 || dataCoding === 0x04 || (dataCoding & 0xf4) === 0xf4) return null;
  throw new Error(`unsupported data_coding 0x${dataCoding.toString(16).padStart(2, "0")}`);
}

export interface Segmented {
  dataCoding: typeof DATA_CODING.GSM | typeof DATA_CODING.UCS2;
  /** the encoded bodies, without concatenation headers */
  segments: Buffer[];
}

const LIMITS = {
  [DATA_CODING.GSM]: { single: 160, part: 153 },
  [DATA_CODING.UCS2]: { single: 70, part: 67 },
} as const;

/**
 * Splits a text for submit_sm: GSM 03.38 when every character allows it, else UCS-2; one SMS when
 * it fits, else parts sized for a concatenation header; at most maxParts, the rest cut with "...".
 */
export function segmentText(text: string, maxParts: number): Segmented {
  const dataCoding = isGsm7(text) ? DATA_CODING.GSM : DATA_CODING.UCS2;
  const encode = dataCoding === DATA_CODING.GSM ? encodeGsm7 : encodeUcs2;
  // A unit is what may not be split: a GSM character (1 or 2 septets) or a UCS-2 character (1 or 2 code units).
  const width = (b: Buffer) => (dataCoding === DATA_CODING.GSM ? b.length : b.length / 2);
  const units = [...text].map(encode);
  const total = units.reduce((n, u) => n + width(u), 0);
  const { single, part } = LIMITS[dataCoding];
  if (total <= single) return { dataCoding, segments: [Buffer.concat(units)] };
  let fitting = units;
  if (total > maxParts * part) {
    const dots = [..."..."].map(encode);
    fitting = [];
    let used = 0;
    for (const u of units) {
      if (used + width(u) > maxParts * part - dots.length) break;
      fitting.push(u);
      used += width(u);
    }
    fitting.push(...dots);
  }
  const segments: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const u of fitting) {
    if (size + width(u) > part) {
      segments.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(u);
    size += width(u);
  }
  if (current.length) segments.push(Buffer.concat(current));
  return { dataCoding, segments };
}
