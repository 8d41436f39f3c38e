/**
 * Evidence integrity of a follow-up (TL) photo (issue #4): is it a photo already used on another
 * report, and do its EXIF capture time and place fit the report? The answers are flags for the
 * validator, never a refusal: EXIF can be missing or wrong, and a fix may serve two reports.
 *
 * The perceptual hash (pHash): the photo reduced to 32x32 grey levels (by the caller), its 2D DCT,
 * the 8x8 lowest frequencies without DC, each bit = coefficient above the median of those 63.
 * Low frequencies survive re-encoding, resizing and small crops, so copies stay a few bits apart
 * while different photos land near 32 bits apart (see evidence.test.ts for the measured margins).
 *
 * Pure: no I/O, no clock; "now" is a parameter.
 */

/** Side of the grey image the hash is computed from. */
export const HASH_INPUT_SIZE = 32;
const LOW = 8;
/**
 * Hashes within this many bits are "the same photo". Measured on 24 generated street scenes
 * (evidence.test.ts asserts the cases on 12): re-encoded, resized, WebP, brightened or EXIF-rotated
 * copies 0-4 bits; a 1% crop per side 0-8, 2% 2-10 (23 of 24 within 8), 3% 4-12 (18 of 24);
 * different streets of the same layout 12 at the least (one pair of 276), otherwise 16 or more;
 * the same street after the repair, shot a step aside, 10-24. On real photos: 1-2% crops 0-12; two
 * shots of one object from one tripod position 14. Two shots from exactly the same framing (only
 * the pothole changed) can fall within 8: to pHash that is the same picture. Hashes have 31 of 63
 * bits set by construction, so distances are even: 8 = "at most 4 coefficients crossed the median".
 */
export const REUSE_MAX_DISTANCE = 8;
/**
 * Below this RMS of the 63 coefficients (grey levels) the picture is blank or uniform: its bits
 * would be rounding noise and every blank photo would "match" every other, so it gets no hash.
 */
const MIN_AC_RMS = 1;
/**
 * GPS more than this from the report's point is "elsewhere". A phone fix in Jakarta's streets is
 * off by 5-50 m (up to ~100 m between towers), the report's own pin by as much again; 300 m is
 * beyond both errors together and still less than one block of a kelurahan.
 */
export const FAR_METRES = 300;
/** Beyond this the photo was certainly taken somewhere else: the flag is serious. */
const VERY_FAR_METRES = 1_000;
/**
 * A camera clock may be a few minutes off the server's, and an officer may photograph the spot while
 * the citizen is still typing: only earlier than this counts as "before the report".
 */
const CLOCK_TOLERANCE_MS = 15 * 60_000;
/**
 * A follow-up is submitted when the work is done; a photo older than this at submission is not the
 * record of that work (SLA targets are days, and crews submit the same day or the next).
 */
export const LONG_AGO_MS = 7 * 86_400_000;
const EARTH_RADIUS_M = 6_371_008.8;

/**
 * The 64-bit pHash of a {@link HASH_INPUT_SIZE}² grey image (row-major, one byte per pixel), as 16
 * hex digits; null when the image is too uniform to hash. Bit 63 (the DC position) is always 0.
 */
export function perceptualHash(grey: ArrayLike<number>): string | null {
  const n = HASH_INPUT_SIZE;
  if (grey.length !== n * n) throw new RangeError(`expected ${n * n} grey pixels, got ${grey.length}`);
  const cos = dctTable(n);
  // Separable DCT-II, only the LOW x LOW lowest frequencies: rows first, then columns.
  const rows = new Float64Array(n * LOW);
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += grey[y * n + x]! * cos[u * n + x]!;
      rows[y * LOW + u] = s;
    }
  }
  const ac: number[] = [];
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      if (u === 0 && v === 0) continue;
      let s = 0;
      for (let y = 0; y < n; y++) s += rows[y * LOW + u]! * cos[v * n + y]!;
      ac.push(s);
    }
  }
  const rms = Math.sqrt(ac.reduce((sum, c) => sum + c * c, 0) / ac.length);
  if (rms < MIN_AC_RMS) return null;
  const median = [...ac].sort((a, b) => a - b)[(ac.length - 1) / 2]!;
  let hash = 0n;
  for (let i = 0; i < ac.length; i++) if (ac[i]! > median) hash |= 1n << BigInt(62 - i);
  return hash.toString(16).padStart(16, "0");
}

let cachedTable: { n: number; table: Float64Array } | undefined;

/** Orthonormal DCT-II basis: table[k * n + x] = a(k) cos((2x + 1) k pi / 2n). */
function dctTable(n: number): Float64Array {
  if (cachedTable?.n === n) return cachedTable.table;
  const table = new Float64Array(LOW * n);
  for (let k = 0; k < LOW; k++) {
    const a = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let x = 0; x < n; x++) table[k * n + x] = a * Math.cos(((2 * x + 1) * k * Math.PI) / (2 * n));
  }
  cachedTable = { n, table };
  return table;
}

const HEX64 = /^[0-9a-f]{16}$/;

/** Number of differing bits between two 64-bit hashes in hex. */
export function hammingDistance(a: string, b: string): number {
  if (!HEX64.test(a) || !HEX64.test(b)) throw new RangeError("hashes must be 16 lower-case hex digits");
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x) {
    x &= x - 1n;
    bits++;
  }
  return bits;
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type EvidenceSeverity = "info" | "medium" | "high";

interface FlagBase {
  severity: EvidenceSeverity;
  message: { id: string; en: string };
}

export type EvidenceFlag =
  | (FlagBase & { code: "reused_photo"; matches: Array<{ ticket: string; distance: number; reportsApartMetres: number | null }> })
  | (FlagBase & { code: "same_as_report_photo"; distance: number })
  | (FlagBase & { code: "taken_before_report"; takenAt: string; minutesBefore: number })
  | (FlagBase & { code: "taken_long_ago"; takenAt: string; daysBeforeFollowUp: number })
  | (FlagBase & { code: "far_from_report"; distanceMetres: number })
  | (FlagBase & { code: "no_exif"; missing: Array<"time" | "gps"> });

export type EvidenceFlagCode = EvidenceFlag["code"];

export interface EvidencePhoto {
  phash: string | null;
  /** EXIF DateTimeOriginal as photo-intake gives it: ISO local time, with an offset when the camera wrote one. */
  exifTakenAt: string | null;
  exifLat: number | null;
  exifLon: number | null;
}

export interface EvidenceReport {
  createdAt: Date;
  lat: number | null;
  lon: number | null;
}

/** A photo whose hash is near this one's: on another report, or an earlier photo of this one. */
export interface EvidenceMatch {
  ticket: string;
  distance: number;
  /** that report's point, to tell "the same place reported twice" from a photo taken elsewhere */
  lat: number | null;
  lon: number | null;
  /**
   * The match is this report's own photo that was never follow-up evidence (the citizen's photo,
   * or one attached on taking it up): the "before" picture handed in as the "after".
   */
  sameReport?: boolean;
}

export interface EvidenceOptions {
  /** offset of camera times written without one (the deployment's zone; Jakarta 420) */
  utcOffsetMinutes?: number;
}

/**
 * The flags of one follow-up photo, most serious kinds first; clean evidence gives []. Only matches
 * within {@link REUSE_MAX_DISTANCE} count; `now` is when the follow-up is submitted.
 */
export function checkEvidence(photo: EvidencePhoto, report: EvidenceReport, matches: readonly EvidenceMatch[], now: Date, options: EvidenceOptions = {}): EvidenceFlag[] {
  const flags: EvidenceFlag[] = [];
  const near = matches.filter((m) => m.distance <= REUSE_MAX_DISTANCE);
  const own = near.filter((m) => m.sameReport).sort((a, b) => a.distance - b.distance)[0];
  if (own) {
    flags.push({
      code: "same_as_report_photo", severity: "high", distance: own.distance,
      message: {
        id: "Foto ini sama dengan foto yang sudah ada pada laporan ini sebelum tindak lanjut: mungkin foto kondisi sebelum perbaikan.",
        en: "This photo is the same as one already on this report before the follow-up: possibly the \"before\" photo.",
      },
    });
  }
  const reused = reusedFlag(report, near.filter((m) => !m.sameReport));
  if (reused) flags.push(reused);

  const takenAt = photo.exifTakenAt === null ? null : parseCameraTime(photo.exifTakenAt, options.utcOffsetMinutes ?? 420);
  if (takenAt !== null && photo.exifTakenAt !== null) {
    const beforeReport = report.createdAt.getTime() - takenAt;
    const age = now.getTime() - takenAt;
    if (beforeReport > CLOCK_TOLERANCE_MS) {
      const minutesBefore = Math.round(beforeReport / 60_000);
      const d = duration(beforeReport);
      flags.push({
        code: "taken_before_report", severity: "high", takenAt: photo.exifTakenAt, minutesBefore,
        message: {
          id: `Foto diambil ${d.id} sebelum laporan dibuat (${photo.exifTakenAt}): mungkin foto kondisi sebelum perbaikan.`,
          en: `Photo taken ${d.en} before the report was made (${photo.exifTakenAt}): possibly a "before" photo.`,
        },
      });
    } else if (age > LONG_AGO_MS) {
      const days = Math.floor(age / 86_400_000);
      flags.push({
        code: "taken_long_ago", severity: "medium", takenAt: photo.exifTakenAt, daysBeforeFollowUp: days,
        message: {
          id: `Foto diambil ${days} hari sebelum tindak lanjut dikirim (${photo.exifTakenAt}).`,
          en: `Photo taken ${days} days before the follow-up was submitted (${photo.exifTakenAt}).`,
        },
      });
    }
  }

  if (photo.exifLat !== null && photo.exifLon !== null && report.lat !== null && report.lon !== null) {
    const metres = Math.round(distanceMetres({ lat: photo.exifLat, lon: photo.exifLon }, { lat: report.lat, lon: report.lon }));
    if (metres > FAR_METRES) {
      const d = distanceText(metres);
      flags.push({
        code: "far_from_report", severity: metres > VERY_FAR_METRES ? "high" : "medium", distanceMetres: metres,
        message: {
          id: `Lokasi GPS foto ${d.id} dari titik laporan.`,
          en: `The photo's GPS position is ${d.en} from the report's location.`,
        },
      });
    }
  }

  const missing: Array<"time" | "gps"> = [];
  if (takenAt === null) missing.push("time");
  if (photo.exifLat === null || photo.exifLon === null) missing.push("gps");
  if (missing.length) {
    const what = missing.length === 2 ? { id: "waktu dan lokasi", en: "time and location" } : missing[0] === "time" ? { id: "waktu", en: "time" } : { id: "lokasi", en: "location" };
    flags.push({
      code: "no_exif", severity: "info", missing,
      message: {
        id: `Foto tanpa data ${what.id} (EXIF): tidak dapat diperiksa. Ini bukan tuduhan; banyak aplikasi menghapus EXIF.`,
        en: `Photo has no ${what.en} data (EXIF): cannot be checked. Not an accusation; many apps strip EXIF.`,
      },
    });
  }
  return flags;
}

function reusedFlag(report: EvidenceReport, matches: readonly EvidenceMatch[]): EvidenceFlag | null {
  const near = matches
    .map((m) => ({
      ticket: m.ticket,
      distance: m.distance,
      reportsApartMetres: m.lat !== null && m.lon !== null && report.lat !== null && report.lon !== null
        ? Math.round(distanceMetres({ lat: m.lat, lon: m.lon }, { lat: report.lat, lon: report.lon }))
        : null,
    }))
    .sort((a, b) => a.distance - b.distance || a.ticket.localeCompare(b.ticket));
  if (!near.length) return null;
  const tickets = near.map((m) => m.ticket).join(", ");
  // Two reports of one pothole may share one fix and one photo: serious only when a match is elsewhere.
  const samePlace = near.every((m) => m.reportsApartMetres !== null && m.reportsApartMetres <= FAR_METRES);
  return {
    code: "reused_photo",
    severity: samePlace ? "medium" : "high",
    matches: near,
    message: samePlace
      ? {
          id: `Foto yang sama sudah dipakai pada laporan ${tickets}, di lokasi yang sama: periksa apakah itu masalah yang sama.`,
          en: `The same photo was already used on report ${tickets}, at the same place: check whether it is the same problem.`,
        }
      : {
          id: `Foto yang sama sudah dipakai pada laporan lain: ${tickets}.`,
          en: `The same photo was already used on another report: ${tickets}.`,
        },
  };
}

const CAMERA_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-]\d{2}:\d{2})?$/;

/** Epoch millis of a camera time; one without an offset is read in the deployment's zone. */
function parseCameraTime(value: string, utcOffsetMinutes: number): number | null {
  const m = CAMERA_TIME.exec(value);
  if (!m) return null;
  const ms = m[2] ? Date.parse(value) : Date.parse(`${m[1]}Z`) - utcOffsetMinutes * 60_000;
  return Number.isFinite(ms) ? ms : null;
}

function duration(ms: number): { id: string; en: string } {
  const hours = Math.round(ms / 3_600_000);
  if (hours < 1) {
    const minutes = Math.round(ms / 60_000);
    return { id: `${minutes} menit`, en: `${minutes} minutes` };
  }
  if (hours < 48) return { id: `${hours} jam`, en: `${hours} hours` };
  const days = Math.floor(ms / 86_400_000);
  return { id: `${days} hari`, en: `${days} days` };
}

function distanceText(metres: number): { id: string; en: string } {
  if (metres < 1_000) return { id: `${metres} m`, en: `${metres} m` };
  const km = (metres / 1_000).toFixed(1);
  return { id: `${km.replace(".", ",")} km`, en: `${km} km` };
}
