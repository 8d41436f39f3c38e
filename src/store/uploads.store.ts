import type { Queryable } from "./db.ts";

export interface UploadRecord {
  id: string;
  originalKey: string;
  publicKey: string;
  contentType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  exif: Record<string, unknown> | null;
  uploadedByUserId: string | null;
  reportId: string | null;
  eventId: number | null;
  createdAt: Date;
}

interface Row {
  id: string;
  original_key: string;
  public_key: string;
  content_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  exif: Record<string, unknown> | null;
  uploaded_by_user_id: string | null;
  report_id: string | null;
  event_id: number | null;
  created_at: Date;
}

const toUpload = (r: Row): UploadRecord => ({
  id: r.id,
  originalKey: r.original_key,
  publicKey: r.public_key,
  contentType: r.content_type,
  sizeBytes: r.size_bytes,
  width: r.width,
  height: r.height,
  exif: r.exif,
  uploadedByUserId: r.uploaded_by_user_id,
  reportId: r.report_id,
  eventId: r.event_id,
  createdAt: r.created_at,
});

export async function insertUpload(q: Queryable, u: Omit<UploadRecord, "createdAt" | "eventId">): Promise<UploadRecord> {
  const { rows } = await q.query<Row>(
    `insert into uploads (id, original_key, public_key, content_type, size_bytes, width, height, exif, uploaded_by_user_id, report_id)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) returning *`,
    [u.id, u.originalKey, u.publicKey, u.contentType, u.sizeBytes, u.width, u.height, u.exif ? JSON.stringify(u.exif) : null, u.uploadedByUserId, u.reportId],
  );
  return toUpload(rows[0]!);
}

export async function findUploads(q: Queryable, ids: string[]): Promise<UploadRecord[]> {
  const { rows } = await q.query<Row>("select * from uploads where id = any($1::uuid[])", [ids]);
  return rows.map(toUpload);
}

export async function findUpload(q: Queryable, id: string): Promise<UploadRecord | null> {
  const { rows } = await q.query<Row>("select * from uploads where id = $1", [id]);
  return rows[0] ? toUpload(rows[0]) : null;
}

/** Attaches uploads to a report (and the event that used them as evidence). */
export async function attachUploads(q: Queryable, ids: string[], reportId: string, eventId: number | null): Promise<void> {
  if (!ids.length) return;
  await q.query("update uploads set report_id = $2, event_id = coalesce($3, event_id) where id = any($1::uuid[])", [ids, reportId, eventId]);
}

export async function listReportUploads(q: Queryable, reportId: string): Promise<UploadRecord[]> {
  const { rows } = await q.query<Row>("select * from uploads where report_id = $1 order by created_at", [reportId]);
  return rows.map(toUpload);
}
