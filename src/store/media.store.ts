/**
 * The queue of media that came with channel messages (table inbound_media): queued with the
 * message's report or thread entry, claimed by fetchers with a lease (SKIP LOCKED, so several
 * workers share the work), and marked with the outcome. A mark only lands while the claim it
 * follows is still the latest one, so a row taken over after an expired lease is never doubled.
 */
import type { Queryable } from "./db.ts";
import { bumpReportVersion } from "./reports.store.ts";

export type MediaStatus = "pending" | "fetched" | "failed" | "refused";

export interface NewMedia {
  reportId: string;
  eventId: number;
  channel: string;
  url: string | null;
  data: Buffer | null;
  contentType: string | null;
  filename: string | null;
}

export interface MediaRow extends NewMedia {
  id: number;
  status: MediaStatus;
  /** attempts so far, this claim included */
  attempts: number;
  nextAttemptAt: Date;
  uploadId: string | null;
  lastError: string | null;
  createdAt: Date;
}

interface Row {
  id: number;
  report_id: string;
  event_id: number;
  channel: string;
  url: string | null;
  data: Buffer | null;
  content_type: string | null;
  filename: string | null;
  status: MediaStatus;
  attempts: number;
  next_attempt_at: Date;
  upload_id: string | null;
  last_error: string | null;
  created_at: Date;
}

const toMedia = (r: Row): MediaRow => ({
  id: r.id,
  reportId: r.report_id,
  eventId: r.event_id,
  channel: r.channel,
  url: r.url,
  data: r.data,
  contentType: r.content_type,
  filename: r.filename,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  uploadId: r.upload_id,
  lastError: r.last_error,
  createdAt: r.created_at,
});

/** Queues media to fetch, due now; runs in the caller's transaction. */
export async function queueMedia(q: Queryable, items: NewMedia[], now: Date): Promise<void> {
  for (const m of items) {
    await q.query(
      `insert into inbound_media (report_id, event_id, channel, url, data, content_type, filename, next_attempt_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [m.reportId, m.eventId, m.channel, m.url, m.data, m.contentType, m.filename, now],
    );
  }
}

/**
 * Claims due pending rows: counts the attempt and hides them until `leaseUntil`, in one statement
 * that commits at once (no transaction is held while they are fetched). A worker that dies
 * mid-fetch leaves them to be claimed again when the lease ends.
 */
export async function claimDueMedia(q: Queryable, now: Date, limit: number, leaseUntil: Date): Promise<MediaRow[]> {
  const { rows } = await q.query<Row>(
    `update inbound_media set attempts = attempts + 1, next_attempt_at = $3
     where id in (
       select id from inbound_media where status = 'pending' and next_attempt_at <= $1
       order by next_attempt_at, id limit $2 for update skip locked)
     returning *`,
    [now, limit, leaseUntil],
  );
  return rows.map(toMedia).sort((a, b) => a.id - b.id);
}

/** Locks a claimed row for the transaction that completes it; false when another claim took it over. */
export async function lockClaimedMedia(tx: Queryable, row: Pick<MediaRow, "id" | "attempts">): Promise<boolean> {
  const { rowCount } = await tx.query(
    "select 1 from inbound_media where id = $1 and status = 'pending' and attempts = $2 for update",
    [row.id, row.attempts],
  );
  return rowCount === 1;
}

/**
 * Records the outcome of a claim: pending again (with the time of the next attempt), failed or
 * refused. False when the claim was taken over meanwhile (nothing is written then).
 */
export async function markMedia(
  q: Queryable,
  row: Pick<MediaRow, "id" | "attempts">,
  outcome: { status: "pending"; nextAttemptAt: Date; error: string } | { status: "failed" | "refused"; error: string },
  at: Date,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update inbound_media set status = $3, last_error = $4,
       next_attempt_at = coalesce($5::timestamptz, next_attempt_at),
       done_at = case when $3 = 'pending' then null else $6::timestamptz end
     where id = $1 and status = 'pending' and attempts = $2`,
    [row.id, row.attempts, outcome.status, outcome.error, outcome.status === "pending" ? outcome.nextAttemptAt : null, at],
  );
  return rowCount === 1;
}

/**
 * The media became an upload: the row points at it and drops its inline bytes (they are in the
 * blob store now), and the report's version moves so cached public views show the new photo.
 * Runs in the transaction that holds the row (lockClaimedMedia).
 */
export async function markMediaFetched(tx: Queryable, row: Pick<MediaRow, "id" | "reportId">, uploadId: string, at: Date): Promise<void> {
  await tx.query(
    "update inbound_media set status = 'fetched', upload_id = $2, data = null, last_error = null, done_at = $3 where id = $1",
    [row.id, uploadId, at],
  );
  await bumpReportVersion(tx, row.reportId);
}
