import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { BlobStore } from "../store/blob-store.ts";
import { ReferenceCache } from "./reference-cache.ts";
import { TicketAllocator } from "./tickets.ts";

/** What every use case needs: the database, the blob store, the clock and the reference data. */
export interface AppContext {
  pool: pg.Pool;
  blobs: BlobStore;
  reference: ReferenceCache;
  tickets: TicketAllocator;
  now(): Date;
  newId(): string;
  /** externally visible base URL, for links in messages */
  publicBaseUrl: string;
}

export function createAppContext(opts: { pool: pg.Pool; blobs: BlobStore; publicBaseUrl: string; now?: () => Date }): AppContext {
  return {
    pool: opts.pool,
    blobs: opts.blobs,
    reference: new ReferenceCache(opts.pool),
    tickets: new TicketAllocator(opts.pool),
    now: opts.now ?? (() => new Date()),
    newId: randomUUID,
    publicBaseUrl: opts.publicBaseUrl,
  };
}
