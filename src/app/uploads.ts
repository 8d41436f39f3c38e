import { canSeeReport, type Actor } from "../domain/access-policy.ts";
import { findReportById } from "../store/reports.store.ts";
import { DomainError } from "../domain/errors.ts";
import { processPhoto, type ProcessedPhoto } from "../store/photo-intake.ts";
import { findUpload, insertUpload, type UploadRecord } from "../store/uploads.store.ts";
import type { AppContext } from "./context.ts";

/** Checks photos by their content and prepares the EXIF-free public copies; writes nothing. */
export async function checkPhotos(photos: Buffer[]): Promise<ProcessedPhoto[]> {
  const checked: ProcessedPhoto[] = [];
  for (const data of photos) {
    const processed = await processPhoto(data);
    if (!processed.ok) throw processed.error;
    checked.push(processed.value);
  }
  return checked;
}

/**
 * Keeps the originals private and stores public copies without EXIF (no GPS, no device) in the
 * blob store; returns the upload rows for the caller to write with its change.
 */
export async function storePhotoBlobs(ctx: AppContext, photos: ProcessedPhoto[], userId: string | null): Promise<Array<Omit<UploadRecord, "createdAt" | "eventId" | "reportId">>> {
  const rows: Array<Omit<UploadRecord, "createdAt" | "eventId" | "reportId">> = [];
  for (const p of photos) {
    const id = ctx.newId();
    const row = {
      id,
      originalKey: `uploads/${id}/original`,
      publicKey: `uploads/${id}/public`,
      contentType: p.contentType,
      sizeBytes: p.original.length,
      width: p.width,
      height: p.height,
      exif: { ...p.exif },
      uploadedByUserId: userId,
    };
    rows.push(row);
    try {
      await ctx.blobs.put(row.originalKey, p.original, p.contentType);
      await ctx.blobs.put(row.publicKey, p.publicCopy, p.publicContentType);
    } catch (err) {
      await discardBlobs(ctx, rows.flatMap((r) => [r.originalKey, r.publicKey]));
      throw err;
    }
  }
  return rows;
}

/** Removes blobs of a write that did not commit. */
export async function discardBlobs(ctx: AppContext, keys: string[]): Promise<void> {
  await Promise.all(keys.map((k) => ctx.blobs.delete(k).catch(() => undefined)));
}

/** An officer uploads follow-up evidence; executives have read-only access. */
export async function uploadEvidence(ctx: AppContext, actor: Actor, data: Buffer): Promise<UploadRecord> {
  if (actor.role === "executive") throw new DomainError("FORBIDDEN", "executives have read-only access");
  return storePhoto(ctx, data, actor.userId);
}

/** One photo, referenced later by its id. */
export async function storePhoto(ctx: AppContext, data: Buffer, userId: string | null): Promise<UploadRecord> {
  const [row] = await storePhotoBlobs(ctx, await checkPhotos([data]), userId);
  try {
    return await insertUpload(ctx.pool, { ...row!, reportId: null });
  } catch (err) {
    await discardBlobs(ctx, [row!.originalKey, row!.publicKey]);
    throw err;
  }
}

/** The EXIF-free copy of a photo attached to a report, for anyone. */
export async function publicPhoto(ctx: AppContext, id: string): Promise<{ data: Buffer; contentType: string }> {
  const upload = await findUpload(ctx.pool, id);
  if (!upload || !upload.reportId) throw new DomainError("NOT_FOUND", "no such photo");
  const blob = await ctx.blobs.get(upload.publicKey);
  if (!blob) throw new DomainError("NOT_FOUND", "no such photo");
  return blob;
}

/** The original photo, for its uploader or an officer who may see the report it belongs to. */
export async function officerPhoto(ctx: AppContext, actor: Actor, id: string): Promise<{ data: Buffer; contentType: string }> {
  const upload = await findUpload(ctx.pool, id);
  if (!upload) throw new DomainError("NOT_FOUND", "no such photo");
  let allowed = upload.uploadedByUserId === actor.userId;
  if (!allowed && upload.reportId) {
    const report = await findReportById(ctx.pool, upload.reportId);
    allowed = !!report && canSeeReport(actor, report, (await ctx.reference.get()).units);
  }
  if (!allowed) throw new DomainError("FORBIDDEN", "this photo is outside your scope");
  const blob = await ctx.blobs.get(upload.originalKey);
  if (!blob) throw new DomainError("NOT_FOUND", "no such photo");
  return blob;
}
