/**
 * Pulls the reports LAPOR! disposed to us (./README.md, "How we poll"). Each page's items and the
 * page's next cursor are stored in one transaction (acceptPulled), one payload per item: a crash
 * after a page resumes from that page's cursor, and an item fetched twice is stored once. The
 * worker's inbound step turns the stored items into reports through LaporConnector.
 *
 * The loop polls at once, then every intervalMs; a failed poll is logged and retried with
 * exponential backoff (at least the server's Retry-After, at most maxBackoffMs). It never throws.
 */
import { acceptPulled } from "../../app/inbound.ts";
import type { AppContext } from "../../app/context.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { readCursor } from "../../store/cursors.store.ts";
import type { LaporClient } from "./lapor-client.ts";
import { LAPOR_CHANNEL } from "./lapor.connector.ts";

export const LAPOR_CURSOR = "lapor:disposisi";
/** One poll reads at most this many pages; the rest waits for the next poll. */
export const MAX_PAGES_PER_POLL = 200;
const DEFAULT_MAX_BACKOFF_MS = 15 * 60_000;

export interface LaporPollerOptions {
  ctx: AppContext;
  client: LaporClient;
  /** pause between polls (LAPOR_POLL_SECONDS) */
  intervalMs: number;
  /** the longest pause after failures; default 15 minutes */
  maxBackoffMs?: number;
  /** where failures are reported; default console.error */
  log?: (line: string) => void;
}

export interface LaporPoller {
  /** Polls now (after any poll in flight); resolves with how many new items were stored, rejects when a page fails. */
  pollOnce(): Promise<number>;
  /** Ends the loop after the page in flight. */
  stop(): Promise<void>;
}

export function startLaporPoller(opts: LaporPollerOptions): LaporPoller {
  const maxBackoffMs = opts.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const log = opts.log ?? ((line: string) => console.error(line));
  let stopped = false;
  let wake: (() => void) | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const pollOnce = (): Promise<number> => {
    const run = queue.then(() => pollPages(opts.ctx, opts.client, () => !stopped));
    queue = run.catch(() => undefined);
    return run;
  };

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let delay = opts.intervalMs;
      try {
        await pollOnce();
        failures = 0;
      } catch (err) {
        failures++;
        delay = pollDelayMs(opts.intervalMs, failures, err, maxBackoffMs);
        const kind = err instanceof DeliveryError ? err.kind : "error";
        const message = err instanceof Error ? err.message : String(err);
        log(`[lapor] poll failed (${kind}, ${failures} in a row; next try in ${Math.round(delay / 1000)} s): ${message}`);
      }
      if (!stopped) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    pollOnce,
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}

/**
 * The pause before the next poll after `failures` failures in a row: intervalMs doubled per
 * failure, at least a rate limit's Retry-After, at most maxBackoffMs; a revoked token waits the
 * longest (it will not fix itself in seconds).
 */
export function pollDelayMs(intervalMs: number, failures: number, err: unknown, maxBackoffMs: number): number {
  if (err instanceof DeliveryError && err.kind === "auth_revoked") return maxBackoffMs;
  const backoff = Math.min(intervalMs * 2 ** failures, maxBackoffMs);
  return Math.max(backoff, err instanceof DeliveryError ? (err.retryAfterMs ?? 0) : 0);
}

/** Fetches from the stored cursor until has_more is false, storing each page with its cursor. */
async function pollPages(ctx: AppContext, client: LaporClient, going: () => boolean): Promise<number> {
  let cursor = await readCursor<string>(ctx.pool, LAPOR_CURSOR);
  let stored = 0;
  for (let page = 0; page < MAX_PAGES_PER_POLL && going(); page++) {
    const { items, nextCursor, hasMore } = await client.fetchDisposisi(cursor);
    const payloads = items.map((item) => ({ body: Buffer.from(JSON.stringify(item), "utf8"), contentType: "application/json" }));
    stored += await acceptPulled(ctx, LAPOR_CHANNEL, payloads, nextCursor === null ? null : { name: LAPOR_CURSOR, value: nextCursor });
    if (!hasMore) break;
    cursor = nextCursor;
  }
  return stored;
}
