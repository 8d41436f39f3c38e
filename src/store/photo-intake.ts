import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { fail, ok } from "../domain/errors.ts";
import type { Result } from "../domain/errors.ts";

/**
 * Photo intake: every uploaded photo passes through {@link processPhoto} before it is stored.
 *
 * - The type is detected from the bytes (magic numbers via `file-type`, then decoded by
 *   sharp); the client's declared Content-Type and file name are never consulted.
 * - The original bytes are kept unchanged for staff/evidence use only (they carry EXIF,
 *   possibly GPS — treat as personal data). Only `publicCopy` may be shown to the public:
 *   it is re-encoded from decoded pixels with every metadata block dropped.
 * - A few EXIF fields of the original are parsed so validators can compare a follow-up
 *   photo's capture time and place with the report.
 */

export const DEFAULT_MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_PHOTO_PIXELS = 40_000_000;
/** Long edge of the public copy, in pixels. */
export const PUBLIC_MAX_EDGE = 2048;
const PUBLIC_QUALITY = 82;
/** Hard cap on decode + re-encode time for one photo. */
const PROCESS_TIMEOUT_SECONDS = 30;

export type PhotoContentType = "image/jpeg" | "image/png" | "image/webp" | "image/heic" | "image/heif";
export type PublicPhotoContentType = "image/jpeg" | "image/png" | "image/webp";

export interface PhotoExif {
  /**
   * EXIF DateTimeOriginal as ISO 8601 `YYYY-MM-DDTHH:MM:SS`, local camera time; suffixed with
   * the UTC offset (`+07:00`) when the photo has OffsetTimeOriginal. `null` if absent/invalid.
   */
  takenAt: string | null;
  /** Decimal degrees, WGS 84 (south / west negative). `null` if absent, invalid or exactly 0,0. */
  gps: { lat: number; lon: number } | null;
  make: string | null;
  model: string | null;
}

export interface ProcessedPhoto {
  /** Content type detected from the bytes of the original. */
  contentType: PhotoContentType;
  /** The uploaded bytes, unchanged. Contains all metadata (incl. GPS): keep private. */
  original: Buffer;
  /** Re-encoded, orientation applied, ≤ {@link PUBLIC_MAX_EDGE} px long edge, no EXIF/GPS/XMP/IPTC/ICC. */
  publicCopy: Buffer;
  publicContentType: PublicPhotoContentType;
  /** Dimensions of the original as displayed, i.e. after applying the EXIF orientation. */
  width: number;
  height: number;
  /** Dimensions of `publicCopy`. */
  publicWidth: number;
  publicHeight: number;
  exif: PhotoExif;
}

export interface ProcessPhotoOptions {
  /** Maximum size of the uploaded file in bytes (default 10 MiB). */
  maxBytes?: number;
  /** Maximum width × height of the decoded image (default 40 million). */
  maxPixels?: number;
}

const SHARP_FORMAT: Record<PhotoContentType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heif",
  "image/heif": "heif",
};

function isAcceptedMime(mime: string): mime is PhotoContentType {
  return Object.hasOwn(SHARP_FORMAT, mime);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function decodeFailure(err: unknown, isHeif: boolean, maxPixels: number): Result<never> {
  const reason = errorMessage(err);
  // sharp enforces limitInputPixels from the header, before decoding pixels.
  if (/pixel limit/i.test(reason)) {
    return fail("VALIDATION_FAILED", "image dimensions exceed the pixel limit", { maxPixels });
  }
  // HEIC (HEVC) is not decodable by sharp's prebuilt libvips: that's "unsupported", not "corrupt".
  if (isHeif) return fail("UNSUPPORTED_MEDIA_TYPE", "HEIC/HEIF photos are not supported; please upload JPEG");
  return fail("VALIDATION_FAILED", "image could not be decoded", { reason });
}

export async function processPhoto(input: Buffer, opts?: ProcessPhotoOptions): Promise<Result<ProcessedPhoto>> {
  const maxBytes = opts?.maxBytes ?? DEFAULT_MAX_PHOTO_BYTES;
  const maxPixels = opts?.maxPixels ?? DEFAULT_MAX_PHOTO_PIXELS;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError("maxBytes must be a positive integer");
  if (!Number.isSafeInteger(maxPixels) || maxPixels <= 0) throw new RangeError("maxPixels must be a positive integer");

  if (input.length > maxBytes) {
    return fail("PAYLOAD_TOO_LARGE", `photo exceeds ${maxBytes} bytes`, { size: input.length, maxBytes });
  }
  if (input.length === 0) return fail("UNSUPPORTED_MEDIA_TYPE", "empty file is not an image");

  const detected = await fileTypeFromBuffer(input);
  if (detected === undefined || !isAcceptedMime(detected.mime)) {
    return fail("UNSUPPORTED_MEDIA_TYPE", "file is not a supported image (JPEG, PNG or WebP)", {
      detected: detected?.mime ?? null,
    });
  }
  const contentType = detected.mime;
  const isHeif = contentType === "image/heic" || contentType === "image/heif";
  const sharpOptions = {
    limitInputPixels: maxPixels,
    // Reject truncated / corrupt pixel data; tolerate mere decoder warnings (common in phone JPEGs).
    failOn: "error",
  } as const;

  // Header only: dimensions, orientation, raw EXIF. Cheap, no pixel decode.
  let meta: sharp.Metadata;
  try {
    meta = await sharp(input, sharpOptions).metadata();
  } catch (err) {
    return decodeFailure(err, isHeif, maxPixels);
  }
  if (meta.format !== SHARP_FORMAT[contentType]) {
    return fail("UNSUPPORTED_MEDIA_TYPE", "image content is ambiguous", { detected: contentType, decoded: meta.format ?? null });
  }
  const rawWidth = meta.width;
  const rawHeight = meta.pageHeight ?? meta.height;
  if (!Number.isInteger(rawWidth) || !Number.isInteger(rawHeight) || rawWidth <= 0 || rawHeight <= 0) {
    return fail("VALIDATION_FAILED", "image has invalid dimensions");
  }
  if (rawWidth * rawHeight > maxPixels) {
    return fail("VALIDATION_FAILED", "image dimensions exceed the pixel limit", {
      width: rawWidth,
      height: rawHeight,
      maxPixels,
    });
  }

  const publicContentType: PublicPhotoContentType =
    contentType === "image/png" ? "image/png" : contentType === "image/webp" ? "image/webp" : "image/jpeg";

  let publicCopy: Buffer;
  let publicWidth: number;
  let publicHeight: number;
  try {
    // Default sharp output drops EXIF, XMP, IPTC and ICC (pixels are converted to sRGB);
    // never call keepExif/keepMetadata/withMetadata here.
    let pipeline = sharp(input, sharpOptions)
      .timeout({ seconds: PROCESS_TIMEOUT_SECONDS })
      .rotate()
      .resize({ width: PUBLIC_MAX_EDGE, height: PUBLIC_MAX_EDGE, fit: "inside", withoutEnlargement: true });
    if (publicContentType === "image/png") {
      pipeline = pipeline.png();
    } else if (publicContentType === "image/webp") {
      pipeline = pipeline.webp({ quality: PUBLIC_QUALITY });
    } else {
      pipeline = pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: PUBLIC_QUALITY });
    }
    const out = await pipeline.toBuffer({ resolveWithObject: true });
    publicCopy = out.data;
    publicWidth = out.info.width;
    publicHeight = out.info.height;
  } catch (err) {
    return decodeFailure(err, isHeif, maxPixels);
  }

  // EXIF orientations 5–8 swap the axes.
  const swapped = meta.orientation !== undefined && meta.orientation >= 5 && meta.orientation <= 8;
  return ok({
    contentType,
    original: input,
    publicCopy,
    publicContentType,
    width: swapped ? rawHeight : rawWidth,
    height: swapped ? rawWidth : rawHeight,
    publicWidth,
    publicHeight,
    exif: meta.exif ? parseExif(meta.exif) : emptyExif(),
  });
}

// ---------------------------------------------------------------------------------------------
// Minimal EXIF (TIFF) reader. Only follows IFD0 -> Exif IFD and IFD0 -> GPS IFD (no chains,
// hence no loops); every read is bounds-checked; anything odd yields null for that field.
// ---------------------------------------------------------------------------------------------

const TAG_MAKE = 0x010f;
const TAG_MODEL = 0x0110;
const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const TAG_GPS_LAT_REF = 0x0001;
const TAG_GPS_LAT = 0x0002;
const TAG_GPS_LON_REF = 0x0003;
const TAG_GPS_LON = 0x0004;

const TYPE_BYTE = 1;
const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_RATIONAL = 5;
const TYPE_UNDEFINED = 7;
const TYPE_SLONG = 9;
const TYPE_SRATIONAL = 10;
const TYPE_IFD = 13;

const TYPE_SIZES: Readonly<Record<number, number>> = {
  [TYPE_BYTE]: 1,
  [TYPE_ASCII]: 1,
  [TYPE_SHORT]: 2,
  [TYPE_LONG]: 4,
  [TYPE_RATIONAL]: 8,
  6: 1, // SBYTE
  [TYPE_UNDEFINED]: 1,
  8: 2, // SSHORT
  [TYPE_SLONG]: 4,
  [TYPE_SRATIONAL]: 8,
  11: 4, // FLOAT
  12: 8, // DOUBLE
  [TYPE_IFD]: 4,
};

/** A real IFD never has anywhere near this many entries; caps work on garbage input. */
const MAX_IFD_ENTRIES = 512;
const MAX_STRING_LENGTH = 128;

interface IfdEntry {
  type: number;
  count: number;
  /** Absolute offset of the value bytes within the TIFF block (already bounds-checked). */
  valueOffset: number;
}

class TiffReader {
  constructor(
    private readonly buf: Buffer,
    private readonly le: boolean,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  u16(off: number): number | null {
    if (!Number.isInteger(off) || off < 0 || off + 2 > this.buf.length) return null;
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }

  u32(off: number): number | null {
    if (!Number.isInteger(off) || off < 0 || off + 4 > this.buf.length) return null;
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }

  i32(off: number): number | null {
    if (!Number.isInteger(off) || off < 0 || off + 4 > this.buf.length) return null;
    return this.le ? this.buf.readInt32LE(off) : this.buf.readInt32BE(off);
  }

  bytes(off: number, len: number): Buffer | null {
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > this.buf.length) {
      return null;
    }
    return this.buf.subarray(off, off + len);
  }

  /** Reads one IFD's entries; later duplicates of a tag are ignored. Returns null if the IFD itself is out of bounds. */
  readIfd(offset: number): Map<number, IfdEntry> | null {
    const count = this.u16(offset);
    if (count === null || count > MAX_IFD_ENTRIES) return null;
    const entries = new Map<number, IfdEntry>();
    for (let i = 0; i < count; i++) {
      const entryOff = offset + 2 + i * 12;
      const tag = this.u16(entryOff);
      const type = this.u16(entryOff + 2);
      const n = this.u32(entryOff + 4);
      if (tag === null || type === null || n === null) break; // truncated IFD: keep what we have
      if (entries.has(tag)) continue;
      const size = TYPE_SIZES[type];
      if (size === undefined) continue;
      const total = size * n;
      let valueOffset: number;
      if (total <= 4) {
        valueOffset = entryOff + 8;
      } else {
        const ptr = this.u32(entryOff + 8);
        if (ptr === null) continue;
        valueOffset = ptr;
      }
      if (this.bytes(valueOffset, total) === null) continue;
      entries.set(tag, { type, count: n, valueOffset });
    }
    return entries;
  }

  ascii(entry: IfdEntry | undefined): string | null {
    if (entry === undefined || (entry.type !== TYPE_ASCII && entry.type !== TYPE_UNDEFINED && entry.type !== TYPE_BYTE)) {
      return null;
    }
    const raw = this.bytes(entry.valueOffset, Math.min(entry.count, MAX_STRING_LENGTH));
    if (raw === null) return null;
    const nul = raw.indexOf(0);
    const text = new TextDecoder("utf-8", { fatal: false })
      .decode(nul === -1 ? raw : raw.subarray(0, nul))
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, "")
      .trim();
    return text.length > 0 ? text : null;
  }

  /** First value of a pointer-like (LONG / IFD / SHORT) entry. */
  pointer(entry: IfdEntry | undefined): number | null {
    if (entry === undefined || entry.count < 1) return null;
    if (entry.type === TYPE_LONG || entry.type === TYPE_IFD) return this.u32(entry.valueOffset);
    if (entry.type === TYPE_SHORT) return this.u16(entry.valueOffset);
    return null;
  }

  rationals(entry: IfdEntry | undefined, n: number): number[] | null {
    if (entry === undefined || entry.count < n) return null;
    if (entry.type !== TYPE_RATIONAL && entry.type !== TYPE_SRATIONAL) return null;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const off = entry.valueOffset + i * 8;
      const num = entry.type === TYPE_RATIONAL ? this.u32(off) : this.i32(off);
      const den = entry.type === TYPE_RATIONAL ? this.u32(off + 4) : this.i32(off + 4);
      if (num === null || den === null || den === 0) return null;
      const v = num / den;
      if (!Number.isFinite(v) || v < 0) return null;
      out.push(v);
    }
    return out;
  }
}

export function emptyExif(): PhotoExif {
  return { takenAt: null, gps: null, make: null, model: null };
}

const EXIF_HEADER = Buffer.from("Exif\0\0", "latin1");

/**
 * Parses the raw EXIF block sharp reports (`metadata().exif`: "Exif\0\0" + TIFF, or bare TIFF).
 * Never throws: malformed or hostile input yields nulls for the affected fields.
 */
export function parseExif(raw: Buffer): PhotoExif {
  try {
    return parseExifUnsafe(raw);
  } catch {
    return emptyExif();
  }
}

function parseExifUnsafe(raw: Buffer): PhotoExif {
  const result = emptyExif();
  const tiff = raw.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER) ? raw.subarray(EXIF_HEADER.length) : raw;
  if (tiff.length < 8) return result;
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return result;
  const r = new TiffReader(tiff, order === "II");
  if (r.u16(2) !== 42) return result;
  const ifd0Offset = r.u32(4);
  if (ifd0Offset === null) return result;
  const ifd0 = r.readIfd(ifd0Offset);
  if (ifd0 === null) return result;

  result.make = r.ascii(ifd0.get(TAG_MAKE));
  result.model = r.ascii(ifd0.get(TAG_MODEL));

  const exifOffset = r.pointer(ifd0.get(TAG_EXIF_IFD));
  const exifIfd = exifOffset === null ? null : r.readIfd(exifOffset);
  if (exifIfd !== null) {
    result.takenAt = toIsoDateTime(
      r.ascii(exifIfd.get(TAG_DATETIME_ORIGINAL)),
      r.ascii(exifIfd.get(TAG_OFFSET_TIME_ORIGINAL)),
    );
  }

  const gpsOffset = r.pointer(ifd0.get(TAG_GPS_IFD));
  const gpsIfd = gpsOffset === null ? null : r.readIfd(gpsOffset);
  if (gpsIfd !== null) {
    const lat = toDegrees(r.rationals(gpsIfd.get(TAG_GPS_LAT), 3), r.ascii(gpsIfd.get(TAG_GPS_LAT_REF)), "N", "S", 90);
    const lon = toDegrees(r.rationals(gpsIfd.get(TAG_GPS_LON), 3), r.ascii(gpsIfd.get(TAG_GPS_LON_REF)), "E", "W", 180);
    // 0,0 is what some devices write when they have no fix; it is never a real report location.
    if (lat !== null && lon !== null && !(lat === 0 && lon === 0)) result.gps = { lat, lon };
  }
  return result;
}

function toDegrees(dms: number[] | null, ref: string | null, pos: string, neg: string, max: number): number | null {
  if (dms === null || ref === null) return null;
  const [d, m, s] = dms;
  if (d === undefined || m === undefined || s === undefined || m >= 60 || s >= 60) return null;
  const r = ref.toUpperCase();
  if (r !== pos && r !== neg) return null;
  const value = d + m / 60 + s / 3600;
  if (!Number.isFinite(value) || value > max) return null;
  const signed = r === neg ? -value : value;
  return Math.round(signed * 1e7) / 1e7;
}

const EXIF_DATETIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const EXIF_OFFSET = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

function toIsoDateTime(value: string | null, offset: string | null): string | null {
  if (value === null) return null;
  const m = EXIF_DATETIME.exec(value);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  return offset !== null && EXIF_OFFSET.test(offset) ? `${iso}${offset}` : iso;
}
