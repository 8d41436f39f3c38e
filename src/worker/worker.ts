import type { Runner, TaskList } from "graphile-worker";
import type { AppContext } from "../app/context.ts";
import { drainOutbox } from "../app/deliver-outbox.ts";
import type { SenderRegistry } from "../app/outbound.ts";
import { sweepSla } from "../app/sla-sweep.ts";
import { startQueue } from "../store/queue.ts";

export interface Worker {
  stop(): Promise<void>;
}

/** Scheduled jobs in the database queue (graphile-worker): the SLA sweep every five minutes. */
export function taskList(ctx: AppContext): TaskList {
  return {
    sla_sweep: async () => {
      await sweepSla(ctx);
    },
  };
}

/**
 * The outbox relay: drains due messages in batches, polling briefly when idle. Several worker
 * processes can run it at once (rows are claimed with SKIP LOCKED).
 */
export function startRelay(ctx: AppContext, senders: SenderRegistry, opts: { idleMs?: number; batch?: number } = {}): Worker {
  const idleMs = opts.idleMs ?? 250;
  const batch = opts.batch ?? 50;
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await drainOutbox(ctx, senders, batch);
      } catch (err) {
        console.error("[relay] drain failed:", err instanceof Error ? err.message : err);
      }
      if (handled < batch && !stopped) await new Promise<void>((resolve) => {
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
  concurrency = 4,
): Promise<Worker> {
  const runner: Runner = await startQueue({
    connectionString: db.connectionString,
    embedded: db.embedded,
    concurrency,
    taskList: taskList(ctx),
    crontab: "*/5 * * * * sla_sweep ?max=1&id=sla_sweep",
  });
  const relay = startRelay(ctx, senders);
  return {
    async stop() {
      await relay.stop();
      await runner.stop();
    },
  };
}
