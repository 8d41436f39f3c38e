import sharp from "sharp";
import { checkEvidence, hammingDistance, HASH_INPUT_SIZE, perceptualHash, REUSE_MAX_DISTANCE, type EvidenceMatch, type EvidencePhoto } from "../domain/evidence.ts";
import type { Report } from "../domain/report.ts";
import type { Queryable } from "../store/db.ts";
import { findEvidenceUploads, findNearPhotos, listEvidenceUploads, saveEvidenceFlags, saveUploadHash, type EvidenceUpload } from "../store/evidence.store.ts";
import { DEFAULT_MAX_PHOTO_PIXELS } from "../store/photo-intake.ts";
import type { AppContext } from "./context.ts";

/**
 * Evidence integrity of a follow-up (issue #4), run in the submit_follow_up transaction before its
 * photos are attached (so "already on this report" still means before this follow-up). Each
 * submitted photo is hashed from its private original (once; the hash is kept) and compared with
 * the photos of other reports and with this report's own photos that were never evidence (the
 * citizen's, one attached on taking it up: a "before" picture); its EXIF time and place are
 * compared with the report's. The flags are stored on the photo for the validator. Nothing is
 * refused here: a flag informs, the validator decides.
 *
 * Hashing happens here rather than at intake so that the paths that store photos (uploads, portal,
 * channel media) stay untouched: a photo is hashed when it first matters, when it or another photo
 * of its report is submitted as follow-up evidence. Photos never near a follow-up are not searched.
 */
export async function checkFollowUpEvidence(ctx: AppContext, tx: Queryable, report: Report, photoIds: string[]): Promise<void> {
  const ref = await ctx.reference.get();
  const now = ctx.now();
  const submitted = await findEvidenceUploads(tx, photoIds);
  const before = (await listEvidenceUploads(tx, report.id)).filter((u) => !u.checked);
  const hashes = new Map<string, string | null>();
  for (const u of [...submitted, ...before]) {
    if (!hashes.has(u.id)) hashes.set(u.id, u.phash ?? (await hashUpload(ctx, tx, u)));
  }

  for (const upload of submitted) {
    const phash = hashes.get(upload.id) ?? null;
    const matches: EvidenceMatch[] = [];
    if (phash !== null) {
      matches.push(...(await findNearPhotos(tx, phash, report.id, REUSE_MAX_DISTANCE)));
      for (const b of before) {
        const other = hashes.get(b.id) ?? null;
        if (other !== null) matches.push({ ticket: report.ticket, distance: hammingDistance(phash, other), lat: report.lat, lon: report.lon, sameReport: true });
      }
    }
    const flags = checkEvidence(evidencePhoto(upload, phash), report, matches, now, { utcOffsetMinutes: ref.calendar.utcOffsetMinutes });
    await saveEvidenceFlags(tx, upload.id, flags);
  }
}

/** Hashes a photo from its private original and keeps the hash; null for a blank picture. */
async function hashUpload(ctx: AppContext, tx: Queryable, upload: EvidenceUpload): Promise<string | null> {
  const blob = await ctx.blobs.get(upload.originalKey);
  if (!blob) throw new Error(`photo ${upload.id} has no stored original`);
  const phash = perceptualHash(await greyThumbnail(blob.data));
  if (phash !== null) await saveUploadHash(tx, upload.id, phash);
  return phash;
}

/**
 * The photo as HASH_INPUT_SIZE² grey levels, one byte per pixel, as displayed (EXIF orientation
 * applied, transparency on white). Exported for the hash's tests.
 */
export async function greyThumbnail(image: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(image, { failOn: "error", limitInputPixels: DEFAULT_MAX_PHOTO_PIXELS })
    .timeout({ seconds: 30 })
    .rotate()
    .flatten({ background: "#ffffff" })
    .greyscale()
    .resize(HASH_INPUT_SIZE, HASH_INPUT_SIZE, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
  return data;
}

function evidencePhoto(upload: EvidenceUpload, phash: string | null): EvidencePhoto {
  const exif = upload.exif ?? {};
  const gps = exif.gps as { lat?: unknown; lon?: unknown } | null | undefined;
  const lat = typeof gps?.lat === "number" ? gps.lat : null;
  const lon = typeof gps?.lon === "number" ? gps.lon : null;
  return {
    phash,
    exifTakenAt: typeof exif.takenAt === "string" ? exif.takenAt : null,
    exifLat: lon === null ? null : lat,
    exifLon: lat === null ? null : lon,
  };
}
