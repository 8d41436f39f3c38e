import type { Runner, TaskList } from "graphile-worker";
import type { AppContext } from "../app/context.ts";
import { deliverOutbox } from "../app/deliver-outbox.ts";
import type { SenderRegistry } from "../app/outbound.ts";
import { sweepSla } from "../app/sla-sweep.ts";
import { startQueue } from "../store/queue.ts";

/** Jobs: outbound delivery after commit, and the SLA sweep every five minutes. */
export function taskList(ctx: AppContext, senders: SenderRegistry): TaskList {
  return {
    deliver_outbox: async (payload) => {
      const id = Number((payload as { outboxId?: unknown }).outboxId);
      if (!Number.isInteger(id)) return; // malformed job: nothing to deliver
      const outcome = await deliverOutbox(ctx, senders, id);
      if (outcome === "busy") throw new Error(`outbox ${id} is locked by another worker; retry`);
    },
    sla_sweep: async () => {
      await sweepSla(ctx);
    },
  };
}

export async function startWorker(
  ctx: AppContext,
  db: { connectionString: string; embedded: boolean },
  senders: SenderRegistry,
  concurrency = 4,
): Promise<Runner> {
  return startQueue({
    connectionString: db.connectionString,
    embedded: db.embedded,
    concurrency,
    taskList: taskList(ctx, senders),
    crontab: "*/5 * * * * sla_sweep ?max=1&id=sla_sweep",
  });
}
