/**
 * Media from channels becomes the report's photos. The inbound job queues a message's attachments
 * with the report or thread entry it made (queueMessageMedia, same transaction); the worker then
 * fetches them (fetchPendingMedia) through a per-channel MediaFetcher, or takes the bytes the
 * payload carried, and runs them through the same photo intake as a portal upload: type sniffed
 * from the bytes, original kept private with its EXIF, public copy re-encoded without it. The
 * upload is attached to the report and to the message's event, so the officer and public views
 * show it like a portal photo.
 *
 * Outcomes: fetched (an upload); refused (not an image, too large, undecodable: the message's
 * event keeps the url, so nothing is lost); failed (the channel said no, or temporary failures
 * (5xx, timeout, network) outlasted the attempts, retried with backoff until then).
 */
import type { InboundMessage } from "../channels/connector.ts";
import { withTransaction, type Queryable } from "../store/db.ts";
import { claimDueMedia, lockClaimedMedia, markMedia, markMediaFetched, queueMedia, type MediaRow } from "../store/media.store.ts";
import { processPhoto, type ProcessedPhoto } from "../store/photo-intake.ts";
import { attachUploads, insertUpload } from "../store/uploads.store.ts";
import type { AppContext } from "./context.ts";
import { discardBlobs, storePhotoBlobs } from "./uploads.ts";

export interface FetchedMedia {
  bytes: Buffer;
  /** what the server declared (the bytes decide) */
  contentType: string | null;
}

/**
 * Downloads one attachment url of a channel. Reads at most `maxBytes` (more is a "too_large"
 * MediaFetchError), stops when `signal` aborts, and rejects with a MediaFetchError that says
 * whether trying again later may help.
 */
export interface MediaFetcher {
  fetch(url: string, limits: FetchLimits): Promise<FetchedMedia>;
}

export interface FetchLimits {
  maxBytes: number;
  /** aborts when the fetch's deadline passes */
  signal: AbortSignal;
}

/** temporary: try again later (5xx, timeout, network); permanent: it will not work (4xx, bad url); too_large: over the limit. */
export type MediaFailureKind = "temporary" | "permanent" | "too_large";

export class MediaFetchError extends Error {
  constructor(readonly kind: MediaFailureKind, message: string) {
    super(message);
    this.name = "MediaFetchError";
  }
}

/** The fetchers by channel, and the limits every fetch runs under. */
export interface MediaFetchers {
  byChannel: ReadonlyMap<string, MediaFetcher>;
  /** the largest attachment that may become a photo (MEDIA_MAX_BYTES) */
  maxBytes: number;
  /** the deadline of one fetch, every request of it included */
  timeoutMs: number;
  /** attempts before a temporarily failing fetch is given up */
  maxAttempts: number;
}

export const MEDIA_DEFAULTS = { maxBytes: 10 * 1024 * 1024, timeoutMs: 15_000, maxAttempts: 6 } as const;

/** A claim's lease covers, per row, the fetch's deadline plus this (the photo intake caps its own work at 30 s). */
const INTAKE_ALLOWANCE_MS = 45_000;

/** Backoff after a temporary failure: 30 s, 2 min, 8 min, 32 min ... capped at 6 h. */
export function mediaBackoffMs(attempt: number): number {
  return Math.min(30_000 * 4 ** Math.max(0, attempt - 1), 6 * 3600_000);
}

/** Queues the attachments of a message that made a report or a thread entry, in the caller's transaction. */
export async function queueMessageMedia(ctx: AppContext, tx: Queryable, m: InboundMessage, reportId: string, eventId: number): Promise<void> {
  const items = m.attachments
    .filter((a) => a.url || a.data?.length)
    .map((a) => ({
      reportId,
      eventId,
      channel: m.channel,
      url: a.data?.length ? null : a.url!,
      data: a.data?.length ? a.data : null,
      contentType: a.contentType,
      filename: a.filename ?? null,
    }));
  if (items.length) await queueMedia(tx, items, ctx.now());
}

/**
 * The media job: claims due rows, turns each into a photo of its report or records why not.
 * One row's failure never stops the others, and nothing here throws for a bad attachment.
 * Returns how many rows it claimed.
 */
export async function fetchPendingMedia(ctx: AppContext, fetchers: MediaFetchers, limit = 10): Promise<number> {
  const now = ctx.now();
  const leaseUntil = new Date(now.getTime() + limit * (fetchers.timeoutMs + INTAKE_ALLOWANCE_MS));
  const rows = await claimDueMedia(ctx.pool, now, limit, leaseUntil);
  for (const row of rows) {
    try {
      await fetchOne(ctx, fetchers, row);
    } catch (err) {
      // Only recording the outcome can get here (the database went away): the lease brings the row back.
      console.error(`[media] row ${row.id}:`, errorText(err));
    }
  }
  return rows.length;
}

async function fetchOne(ctx: AppContext, fetchers: MediaFetchers, row: MediaRow): Promise<void> {
  const refuse = (error: string) => markMedia(ctx.pool, row, { status: "refused", error }, ctx.now());
  try {
    if (!row.data && isDeclaredNonImage(row.contentType)) {
      await refuse(`not an image (declared ${row.contentType})`);
      return;
    }
    const bytes = row.data ?? (await download(fetchers, row)).bytes;
    const processed = await processPhoto(bytes, { maxBytes: fetchers.maxBytes });
    if (!processed.ok) {
      const detected = (processed.error.details as { detected?: unknown } | undefined)?.detected;
      await refuse(typeof detected === "string" ? `${processed.error.message} (detected ${detected})` : processed.error.message);
      return;
    }
    await storeUpload(ctx, row, processed.value);
  } catch (err) {
    await fetchFailed(ctx, fetchers, row, err);
  }
}

async function download(fetchers: MediaFetchers, row: MediaRow) {
  const fetcher = fetchers.byChannel.get(row.channel);
  if (!fetcher) throw new MediaFetchError("permanent", `no media fetcher configured for channel ${row.channel}`);
  return fetcher.fetch(row.url!, { maxBytes: fetchers.maxBytes, signal: AbortSignal.timeout(fetchers.timeoutMs) });
}

/** Stores the blobs, then the upload and the row's outcome in one transaction (only while the claim is ours). */
async function storeUpload(ctx: AppContext, row: MediaRow, photo: ProcessedPhoto): Promise<void> {
  const [upload] = await storePhotoBlobs(ctx, [photo], null);
  const keys = [upload!.originalKey, upload!.publicKey];
  let stored = false;
  try {
    stored = await withTransaction(ctx.pool, async (tx) => {
      if (!(await lockClaimedMedia(tx, row))) return false;
      await insertUpload(tx, { ...upload!, reportId: row.reportId });
      await attachUploads(tx, [upload!.id], row.reportId, row.eventId);
      await markMediaFetched(tx, row, upload!.id, ctx.now());
      return true;
    });
  } finally {
    if (!stored) await discardBlobs(ctx, keys);
  }
}

/** Temporary failures (and unexpected ones) are retried with backoff until the attempts run out. */
async function fetchFailed(ctx: AppContext, fetchers: MediaFetchers, row: MediaRow, err: unknown): Promise<void> {
  const now = ctx.now();
  const kind: MediaFailureKind = err instanceof MediaFetchError ? err.kind : "temporary";
  const error = errorText(err);
  if (kind === "too_large") await markMedia(ctx.pool, row, { status: "refused", error }, now);
  else if (kind === "temporary" && row.attempts < fetchers.maxAttempts)
    await markMedia(ctx.pool, row, { status: "pending", error, nextAttemptAt: new Date(now.getTime() + mediaBackoffMs(row.attempts)) }, now);
  else await markMedia(ctx.pool, row, { status: "failed", error: kind === "temporary" ? `gave up after ${row.attempts} attempts: ${error}` : error }, now);
}

/** A declared type that is no photo (video, audio, PDF ...); a missing or generic one is sniffed instead. */
function isDeclaredNonImage(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]!.trim().toLowerCase() ?? "";
  return type !== "" && !type.startsWith("image/") && type !== "application/octet-stream" && type !== "binary/octet-stream";
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
