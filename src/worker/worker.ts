import type { TaskList } from "graphile-worker";
import type { AppContext } from "../app/context.ts";
import { drainOutbox } from "../app/deliver-outbox.ts";
import { fetchPendingMedia, type MediaFetchers } from "../app/fetch-media.ts";
import { processInbound, type ConnectorRegistry } from "../app/inbound.ts";
import type { SenderRegistry } from "../app/outbound.ts";
import { sweepSla } from "../app/sla-sweep.ts";
import { pruneRequestCounters } from "../app/rate-limits.ts";
import { compactStatistics } from "../app/stats.ts";
import { startQueue } from "../store/queue.ts";

export interface Worker {
  stop(): Promise<void>;
}

/** Scheduled jobs in the database queue (graphile-worker): the SLA sweep every five minutes, the statistics' fold every minute, old request counters hourly. */
export function taskList(ctx: AppContext): TaskList {
  return {
    sla_sweep: async () => {
      await sweepSla(ctx);
    },
    stats_compact: async () => {
      await compactStatistics(ctx);
    },
    rate_limits_prune: async () => {
      await pruneRequestCounters(ctx);
    },
  };
}

/**
 * Runs a step over and over: again at once while it finds a full batch of work, else after a
 * short pause. Several worker processes can run the same steps (work is claimed with SKIP LOCKED).
 */
export function startPoller(name: string, step: () => Promise<{ handled: number; batch: number }>, idleMs = 250): Worker {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let full = false;
      try {
        const r = await step();
        full = r.handled >= r.batch;
      } catch (err) {
        console.error(`[${name}] failed:`, err instanceof Error ? err.message : err);
      }
      if (!full && !stopped) await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, idleMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}

export async function startWorker(
  ctx: AppContext,
  db: { connectionString: string; embedded: boolean },
  senders: SenderRegistry,
  connectors: ConnectorRegistry,
  mediaFetchers: MediaFetchers,
  concurrency = 4,
): Promise<Worker> {
  const runner = await startQueue({
    connectionString: db.connectionString,
    embedded: db.embedded,
    concurrency,
    taskList: taskList(ctx),
    crontab: "*/5 * * * * sla_sweep ?max=1&id=sla_sweep\n* * * * * stats_compact ?max=1&id=stats_compact\n17 * * * * rate_limits_prune ?max=1&id=rate_limits_prune",
  });
  // The outbox relay sends what must leave; the inbound job turns stored webhooks into reports.
  const relay = startPoller("relay", async () => ({ handled: await drainOutbox(ctx, senders, 50), batch: 50 }));
  // Several inbound loops: each claims its own batch (SKIP LOCKED); one sender's messages are serialized.
  const inbound = [1, 2, 3].map((i) => startPoller(`inbound-${i}`, async () => ({ handled: await processInbound(ctx, connectors, 10), batch: 10 })));
  // Photos and other media the channels only linked to are fetched into the report's photos.
  const media = startPoller("media", async () => ({ handled: await fetchPendingMedia(ctx, mediaFetchers, 10), batch: 10 }), 1000);
  return {
    async stop() {
      await media.stop();
      await Promise.all(inbound.map((p) => p.stop()));
      await relay.stop();
      await runner.stop();
    },
  };
}
