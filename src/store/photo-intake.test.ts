import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Result } from "../domain/errors.ts";
import { parseExif, processPhoto } from "./photo-intake.ts";
import type { ProcessedPhoto } from "./photo-intake.ts";

// --- helpers ---------------------------------------------------------------------------------

function expectOk(r: Result<ProcessedPhoto>): ProcessedPhoto {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

function expectFail(r: Result<ProcessedPhoto>, code: string): void {
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.code).toBe(code);
}

/** Noisy pixels so JPEGs have a realistic, non-trivial entropy-coded body. */
function noise(width: number, height: number, channels: 3 | 4 = 3): sharp.Sharp {
  const px = Buffer.alloc(width * height * channels);
  let seed = 12345;
  for (let i = 0; i < px.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    px[i] = seed & 0xff;
  }
  return sharp(px, { raw: { width, height, channels } });
}

const GPS_EXIF = {
  IFD0: { Make: "AcmeCam", Model: "Model-X9" },
  IFD2: { DateTimeOriginal: "2024:05:06 07:08:09", OffsetTimeOriginal: "+07:00" },
  IFD3: {
    GPSLatitudeRef: "S",
    GPSLatitude: "6/1 12/1 3456/100",
    GPSLongitudeRef: "E",
    GPSLongitude: "106/1 49/1 30/1",
  },
};
// 6°12'34.56" S, 106°49'30" E (central Jakarta)
const EXPECTED_LAT = -(6 + 12 / 60 + 34.56 / 3600);
const EXPECTED_LON = 106 + 49 / 60 + 30 / 3600;

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A ~100-byte PNG whose header claims `width`×`height` pixels (a decompression bomb's shape). */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Raw value bytes in the target byte order. */
  value: Buffer;
}

/** Builds a TIFF/EXIF block in either byte order: IFD0 with optional Exif and GPS sub-IFDs. */
function buildTiff(
  le: boolean,
  ifd0: TiffEntry[],
  exif: TiffEntry[] | null,
  gps: TiffEntry[] | null,
): Buffer {
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const ifdSize = (n: number) => 2 + n * 12 + 4;
  const ifd0Entries = [...ifd0];
  if (exif) ifd0Entries.push({ tag: 0x8769, type: 4, count: 1, value: Buffer.alloc(4) });
  if (gps) ifd0Entries.push({ tag: 0x8825, type: 4, count: 1, value: Buffer.alloc(4) });
  const ifd0Off = 8;
  const exifOff = ifd0Off + ifdSize(ifd0Entries.length);
  const gpsOff = exifOff + (exif ? ifdSize(exif.length) : 0);
  let dataOff = gpsOff + (gps ? ifdSize(gps.length) : 0);
  const dataParts: Buffer[] = [];

  const encodeIfd = (entries: TiffEntry[]): Buffer => {
    const parts: Buffer[] = [u16(entries.length)];
    for (const e of entries) {
      let value = e.value;
      if (e.tag === 0x8769) value = u32(exifOff);
      if (e.tag === 0x8825) value = u32(gpsOff);
      parts.push(u16(e.tag), u16(e.type), u32(e.count));
      if (value.length <= 4) {
        parts.push(Buffer.concat([value, Buffer.alloc(4 - value.length)]));
      } else {
        parts.push(u32(dataOff));
        dataParts.push(value);
        dataOff += value.length;
      }
    }
    parts.push(u32(0));
    return Buffer.concat(parts);
  };
  const header = Buffer.concat([Buffer.from(le ? "II" : "MM", "latin1"), u16(42), u32(ifd0Off)]);
  const blocks = [encodeIfd(ifd0Entries)];
  if (exif) blocks.push(encodeIfd(exif));
  if (gps) blocks.push(encodeIfd(gps));
  return Buffer.concat([header, ...blocks, ...dataParts]);
}

function asciiEntry(tag: number, s: string): TiffEntry {
  const value = Buffer.from(`${s}\0`, "latin1");
  return { tag, type: 2, count: value.length, value };
}

function rationalEntry(le: boolean, tag: number, pairs: [number, number][]): TiffEntry {
  const value = Buffer.alloc(pairs.length * 8);
  pairs.forEach(([n, d], i) => {
    if (le) {
      value.writeUInt32LE(n, i * 8);
      value.writeUInt32LE(d, i * 8 + 4);
    } else {
      value.writeUInt32BE(n, i * 8);
      value.writeUInt32BE(d, i * 8 + 4);
    }
  });
  return { tag, type: 5, count: pairs.length, value };
}

function sampleTiff(le: boolean): Buffer {
  return buildTiff(
    le,
    [asciiEntry(0x010f, "BigEndianCo"), asciiEntry(0x0110, "M2")],
    [asciiEntry(0x9003, "2023:12:31 23:59:58")],
    [
      asciiEntry(0x0001, "N"),
      rationalEntry(le, 0x0002, [[1, 1], [30, 1], [0, 1]]),
      asciiEntry(0x0003, "W"),
      rationalEntry(le, 0x0004, [[2, 1], [15, 1], [36, 10]]),
    ],
  );
}

/** Inserts an APP1 "Exif" segment right after the SOI marker of a JPEG. */
function injectExifSegment(jpeg: Buffer, tiff: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const seg = Buffer.alloc(4);
  seg[0] = 0xff;
  seg[1] = 0xe1;
  seg.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, payload, jpeg.subarray(2)]);
}

function containsBytes(haystack: Buffer, needle: Buffer | string): boolean {
  return haystack.indexOf(typeof needle === "string" ? Buffer.from(needle, "latin1") : needle) !== -1;
}

// --- fixtures --------------------------------------------------------------------------------

let tmp: string;
let gpsJpeg: Buffer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "aspirasi-photo-"));
  // 64×32 landscape pixels stored with EXIF orientation 6 (display: rotate 90° CW -> 32×64 portrait).
  gpsJpeg = await noise(64, 32).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).withExifMerge(GPS_EXIF).toBuffer();
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// --- tests -----------------------------------------------------------------------------------

describe("processPhoto", () => {
  it("fixture sanity: the generated JPEG really carries EXIF, GPS and orientation", async () => {
    const m = await sharp(gpsJpeg).metadata();
    expect(m.orientation).toBe(6);
    expect(m.exif).toBeDefined();
    expect(containsBytes(gpsJpeg, "AcmeCam")).toBe(true);
  });

  it("accepts a JPEG, parses EXIF time/GPS/make/model, keeps the original unchanged", async () => {
    const p = expectOk(await processPhoto(gpsJpeg));
    expect(p.contentType).toBe("image/jpeg");
    expect(p.publicContentType).toBe("image/jpeg");
    expect(p.original.equals(gpsJpeg)).toBe(true);
    expect(p.exif.takenAt).toBe("2024-05-06T07:08:09+07:00");
    expect(p.exif.make).toBe("AcmeCam");
    expect(p.exif.model).toBe("Model-X9");
    expect(p.exif.gps).not.toBeNull();
    expect(p.exif.gps?.lat).toBeCloseTo(EXPECTED_LAT, 6);
    expect(p.exif.gps?.lon).toBeCloseTo(EXPECTED_LON, 6);
  });

  it("applies the EXIF orientation and strips every metadata block from the public copy", async () => {
    const p = expectOk(await processPhoto(gpsJpeg));
    expect(p.width).toBe(32);
    expect(p.height).toBe(64);
    const m = await sharp(p.publicCopy).metadata();
    expect(m.format).toBe("jpeg");
    expect(m.width).toBe(32);
    expect(m.height).toBe(64);
    expect(p.publicWidth).toBe(32);
    expect(p.publicHeight).toBe(64);
    expect(m.exif).toBeUndefined();
    expect(m.xmp).toBeUndefined();
    expect(m.iptc).toBeUndefined();
    expect(m.icc).toBeUndefined();
    expect(m.orientation).toBeUndefined();
    for (const s of ["Exif", "AcmeCam", "Model-X9", "2024:05:06", "GPS"]) {
      expect(containsBytes(p.publicCopy, s), s).toBe(false);
    }
    // the GPS latitude seconds rational 3456/100, little-endian as sharp wrote it
    const secondsRational = Buffer.alloc(8);
    secondsRational.writeUInt32LE(3456, 0);
    secondsRational.writeUInt32LE(100, 4);
    expect(containsBytes(p.original, secondsRational)).toBe(true);
    expect(containsBytes(p.publicCopy, secondsRational)).toBe(false);
  });

  it("downsizes the public copy to a 2048 px long edge", async () => {
    const big = await noise(3000, 1200).jpeg().toBuffer();
    const p = expectOk(await processPhoto(big));
    expect(p.width).toBe(3000);
    expect(p.height).toBe(1200);
    expect(p.publicWidth).toBe(2048);
    expect(p.publicHeight).toBe(819);
    const m = await sharp(p.publicCopy).metadata();
    expect(Math.max(m.width, m.height)).toBe(2048);
  });

  it("accepts a PNG (alpha kept, same format) with null EXIF fields", async () => {
    const png = await noise(20, 10, 4).png().toBuffer();
    const p = expectOk(await processPhoto(png));
    expect(p.contentType).toBe("image/png");
    expect(p.publicContentType).toBe("image/png");
    expect(p.exif).toEqual({ takenAt: null, gps: null, make: null, model: null });
    const m = await sharp(p.publicCopy).metadata();
    expect(m.format).toBe("png");
    expect(m.hasAlpha).toBe(true);
    expect(m.exif).toBeUndefined();
  });

  it("accepts a WebP", async () => {
    const webp = await noise(20, 10).webp().withExif(GPS_EXIF).toBuffer();
    const p = expectOk(await processPhoto(webp));
    expect(p.contentType).toBe("image/webp");
    expect(p.publicContentType).toBe("image/webp");
    expect(p.exif.gps?.lat).toBeCloseTo(EXPECTED_LAT, 6);
    expect((await sharp(p.publicCopy).metadata()).exif).toBeUndefined();
    expect(containsBytes(p.publicCopy, "AcmeCam")).toBe(false);
  });

  it("rejects a text file named .jpg as UNSUPPORTED_MEDIA_TYPE (content decides, not the name)", async () => {
    const file = path.join(tmp, "holiday.jpg");
    await writeFile(file, "This is not a photo, just some text pretending to be one.\n".repeat(20));
    expectFail(await processPhoto(await readFile(file)), "UNSUPPORTED_MEDIA_TYPE");
  });

  it("rejects an empty buffer, SVG, GIF and AVIF as UNSUPPORTED_MEDIA_TYPE", async () => {
    expectFail(await processPhoto(Buffer.alloc(0)), "UNSUPPORTED_MEDIA_TYPE");
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    expectFail(await processPhoto(svg), "UNSUPPORTED_MEDIA_TYPE");
    expectFail(await processPhoto(await noise(8, 8).gif().toBuffer()), "UNSUPPORTED_MEDIA_TYPE");
    expectFail(await processPhoto(await noise(8, 8).avif().toBuffer()), "UNSUPPORTED_MEDIA_TYPE");
  });

  it("rejects a HEIC (sharp's prebuilt libvips cannot decode HEVC) as UNSUPPORTED_MEDIA_TYPE", async () => {
    // Minimal ISO-BMFF 'ftyp' box with the heic brand: file-type says image/heic, sharp cannot decode.
    const ftyp = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from("ftypheic", "latin1"),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from("mif1heic", "latin1"),
    ]);
    const heic = Buffer.concat([ftyp, Buffer.alloc(200)]);
    expectFail(await processPhoto(heic), "UNSUPPORTED_MEDIA_TYPE");
  });

  it("rejects a truncated JPEG as VALIDATION_FAILED", async () => {
    const jpeg = await noise(256, 256).jpeg({ quality: 95 }).toBuffer();
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    expectFail(await processPhoto(truncated), "VALIDATION_FAILED");
  });

  it("rejects a JPEG signature followed by garbage as VALIDATION_FAILED", async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 0x41)]);
    expectFail(await processPhoto(garbage), "VALIDATION_FAILED");
  });

  it("rejects a file over maxBytes as PAYLOAD_TOO_LARGE", async () => {
    expectFail(await processPhoto(gpsJpeg, { maxBytes: gpsJpeg.length - 1 }), "PAYLOAD_TOO_LARGE");
    expectOk(await processPhoto(gpsJpeg, { maxBytes: gpsJpeg.length }));
    // default limit is 10 MiB; size is checked before anything is parsed
    expectFail(await processPhoto(Buffer.alloc(10 * 1024 * 1024 + 1)), "PAYLOAD_TOO_LARGE");
  });

  it("rejects a tiny PNG claiming 50000×50000 pixels (decompression bomb) as VALIDATION_FAILED", async () => {
    const bomb = bombPng(50_000, 50_000);
    expect(bomb.length).toBeLessThan(200);
    // the header really says so
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(50_000);
    const r = await processPhoto(bomb);
    expectFail(r, "VALIDATION_FAILED");
    if (!r.ok) expect(r.error.message).toMatch(/pixel limit/);
  });

  it("rejects an image over maxPixels as VALIDATION_FAILED", async () => {
    const img = await noise(100, 100).png().toBuffer();
    const r = await processPhoto(img, { maxPixels: 9_999 });
    expectFail(r, "VALIDATION_FAILED");
    if (!r.ok) expect(r.error.message).toMatch(/pixel limit/);
    expectOk(await processPhoto(img, { maxPixels: 10_000 }));
  });

  it("parses a hand-built big-endian EXIF block end to end", async () => {
    const jpeg = injectExifSegment(await noise(16, 16).jpeg().toBuffer(), sampleTiff(false));
    const p = expectOk(await processPhoto(jpeg));
    expect(p.exif.make).toBe("BigEndianCo");
    expect(p.exif.model).toBe("M2");
    expect(p.exif.takenAt).toBe("2023-12-31T23:59:58");
    expect(p.exif.gps?.lat).toBeCloseTo(1.5, 9);
    expect(p.exif.gps?.lon).toBeCloseTo(-(2 + 15 / 60 + 3.6 / 3600), 9);
    expect(containsBytes(p.publicCopy, "BigEndianCo")).toBe(false);
  });

  it("still accepts a photo whose EXIF block is garbage, with null EXIF fields", async () => {
    const base = await noise(16, 16).jpeg().toBuffer();
    const junkBlocks = [
      Buffer.concat([Buffer.from("MM", "latin1"), Buffer.from([0, 42, 0xff, 0xff, 0xff, 0xf0]), Buffer.alloc(40, 0xff)]),
      Buffer.alloc(30, 0),
      Buffer.from("II*\0\x08\0\0\0\xff\xff", "latin1"),
    ];
    for (const junk of junkBlocks) {
      const p = expectOk(await processPhoto(injectExifSegment(base, junk)));
      expect(p.exif).toEqual({ takenAt: null, gps: null, make: null, model: null });
      expect((await sharp(p.publicCopy).metadata()).exif).toBeUndefined();
    }
  });
});

describe("parseExif", () => {
  const empty = { takenAt: null, gps: null, make: null, model: null };

  it("parses both byte orders, with and without the Exif\\0\\0 prefix", () => {
    for (const le of [true, false]) {
      const tiff = sampleTiff(le);
      for (const block of [tiff, Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff])]) {
        const e = parseExif(block);
        expect(e.make).toBe("BigEndianCo");
        expect(e.takenAt).toBe("2023-12-31T23:59:58");
        expect(e.gps?.lat).toBeCloseTo(1.5, 9);
        expect(e.gps?.lon).toBeCloseTo(-2.251, 9);
      }
    }
  });

  it("returns nulls for empty, short or non-TIFF input", () => {
    expect(parseExif(Buffer.alloc(0))).toEqual(empty);
    expect(parseExif(Buffer.from("Exif\0\0", "latin1"))).toEqual(empty);
    expect(parseExif(Buffer.from("II*\0", "latin1"))).toEqual(empty);
    expect(parseExif(Buffer.from("XX*\0\x08\0\0\0\0\0", "latin1"))).toEqual(empty);
    expect(parseExif(Buffer.from("II\x2b\0\x08\0\0\0\0\0", "latin1"))).toEqual(empty);
  });

  it("never throws on any truncation of a valid block", () => {
    for (const le of [true, false]) {
      const tiff = sampleTiff(le);
      for (let n = 0; n <= tiff.length; n++) {
        const e = parseExif(tiff.subarray(0, n));
        expect(e).toBeTypeOf("object");
      }
    }
  });

  it("never throws on random mutations of a valid block", () => {
    const tiff = sampleTiff(true);
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const copy = Buffer.from(tiff);
      for (let k = 0; k < 1 + (i % 6); k++) copy[rnd() % copy.length] = rnd() & 0xff;
      const e = parseExif(copy);
      if (e.gps) {
        expect(Math.abs(e.gps.lat)).toBeLessThanOrEqual(90);
        expect(Math.abs(e.gps.lon)).toBeLessThanOrEqual(180);
      }
    }
  });

  it("yields null GPS for zero denominators, missing refs, out-of-range values and 0,0", () => {
    const le = true;
    const gpsWith = (gps: TiffEntry[]) => parseExif(buildTiff(le, [], null, gps)).gps;
    const lat = rationalEntry(le, 0x0002, [[1, 1], [0, 1], [0, 1]]);
    const lon = rationalEntry(le, 0x0004, [[2, 1], [0, 1], [0, 1]]);
    const n = asciiEntry(0x0001, "N");
    const e = asciiEntry(0x0003, "E");
    expect(gpsWith([n, lat, e, lon])).toEqual({ lat: 1, lon: 2 });
    expect(gpsWith([lat, e, lon])).toBeNull(); // no latitude ref
    expect(gpsWith([n, rationalEntry(le, 0x0002, [[1, 0], [0, 1], [0, 1]]), e, lon])).toBeNull();
    expect(gpsWith([n, rationalEntry(le, 0x0002, [[91, 1], [0, 1], [0, 1]]), e, lon])).toBeNull();
    expect(gpsWith([n, rationalEntry(le, 0x0002, [[1, 1], [0, 1]]), e, lon])).toBeNull(); // only 2 components
    expect(gpsWith([asciiEntry(0x0001, "Q"), lat, e, lon])).toBeNull();
    const zero = rationalEntry(le, 0x0002, [[0, 1], [0, 1], [0, 1]]);
    const zeroLon = rationalEntry(le, 0x0004, [[0, 1], [0, 1], [0, 1]]);
    expect(gpsWith([n, zero, e, zeroLon])).toBeNull();
  });

  it("yields null for invalid dates and keeps unrelated fields", () => {
    const parse = (dt: string) => parseExif(buildTiff(true, [asciiEntry(0x010f, "Make")], [asciiEntry(0x9003, dt)], null));
    expect(parse("2024:02:29 12:00:00").takenAt).toBe("2024-02-29T12:00:00");
    expect(parse("2023:02:29 12:00:00").takenAt).toBeNull();
    expect(parse("0000:00:00 00:00:00").takenAt).toBeNull();
    expect(parse("2024:13:01 00:00:00").takenAt).toBeNull();
    expect(parse("    :  :     :  :  ").takenAt).toBeNull();
    expect(parse("garbage").make).toBe("Make");
  });

  it("ignores IFD pointers that point outside the block and oversized counts", () => {
    const tiff = sampleTiff(true);
    // IFD0 offset far beyond the end
    const badIfd0 = Buffer.from(tiff);
    badIfd0.writeUInt32LE(0xfffffff0, 4);
    expect(parseExif(badIfd0)).toEqual(empty);
    // Make entry claims 2^32-1 ASCII bytes
    const hugeCount = Buffer.from(tiff);
    hugeCount.writeUInt32LE(0xffffffff, 8 + 2 + 4);
    const e = parseExif(hugeCount);
    expect(e.make).toBeNull();
    expect(e.model).toBe("M2");
  });

  it("strips control characters from strings", () => {
    const e = parseExif(buildTiff(true, [asciiEntry(0x010f, "Ev\x07il\x1b[31m"), asciiEntry(0x0110, "\x01\x02")], null, null));
    expect(e.make).toBe("Evil[31m");
    expect(e.model).toBeNull();
  });
});
