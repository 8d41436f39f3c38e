import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { BlobStore } from "../store/blob-store.ts";
import { ReferenceCache } from "./reference-cache.ts";
import { TicketAllocator } from "./tickets.ts";
import { LruCache } from "./lru-cache.ts";
import { DEFAULT_SENDER_LIMITS, type SenderLimits } from "./sender-limits.ts";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "./rate-limits.ts";

/** What every use case needs: the database, the blob store, the clock and the reference data. */
export interface AppContext {
  pool: pg.Pool;
  blobs: BlobStore;
  reference: ReferenceCache;
  tickets: TicketAllocator;
  /** rendered public views by ticket and language, checked against the report's version */
  publicViews: LruCache<string, { stamp: string; view: unknown }>;
  now(): Date;
  newId(): string;
  /** externally visible base URL, for links in messages */
  publicBaseUrl: string;
  /** how much one sender may ask of us through the channels (src/app/sender-limits.ts) */
  senderLimits: SenderLimits;
  /** how much an Open311 client or an open-data downloader may ask (src/app/rate-limits.ts) */
  rateLimits: RateLimits;
}

export function createAppContext(opts: { pool: pg.Pool; blobs: BlobStore; publicBaseUrl: string; now?: () => Date; senderLimits?: Partial<SenderLimits>; rateLimits?: Partial<RateLimits> }): AppContext {
  return {
    pool: opts.pool,
    blobs: opts.blobs,
    reference: new ReferenceCache(opts.pool),
    tickets: new TicketAllocator(opts.pool),
    publicViews: new LruCache(20_000),
    now: opts.now ?? (() => new Date()),
    newId: randomUUID,
    publicBaseUrl: opts.publicBaseUrl,
    senderLimits: { ...DEFAULT_SENDER_LIMITS, ...opts.senderLimits },
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits },
  };
}
