import { canSeeReport, type Actor } from "../domain/access-policy.ts";
import { findReportById } from "../store/reports.store.ts";
import { DomainError } from "../domain/errors.ts";
import { processPhoto } from "../store/photo-intake.ts";
import { findUpload, insertUpload, type UploadRecord } from "../store/uploads.store.ts";
import type { AppContext } from "./context.ts";

/**
 * Checks a photo by its content, keeps the original private and stores a public copy without
 * EXIF (no GPS, no device). Returns the upload record; nothing is written for a bad photo.
 */
export async function storePhoto(ctx: AppContext, data: Buffer, userId: string | null): Promise<UploadRecord> {
  const processed = await processPhoto(data);
  if (!processed.ok) throw processed.error;
  const p = processed.value;
  const id = ctx.newId();
  const originalKey = `uploads/${id}/original`;
  const publicKey = `uploads/${id}/public`;
  await ctx.blobs.put(originalKey, p.original, p.contentType);
  await ctx.blobs.put(publicKey, p.publicCopy, p.publicContentType);
  return insertUpload(ctx.pool, {
    id,
    originalKey,
    publicKey,
    contentType: p.contentType,
    sizeBytes: p.original.length,
    width: p.width,
    height: p.height,
    exif: { ...p.exif },
    uploadedByUserId: userId,
    reportId: null,
  });
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
