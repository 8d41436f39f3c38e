import { renderCitizenMessage } from "../domain/message-templates.ts";
import type { CitizenTemplate } from "../domain/report-lifecycle.ts";
import { findCitizen } from "../store/citizens.store.ts";
import { withTransaction } from "../store/db.ts";
import { insertUnitNotification, lockOutbox, markOutbox } from "../store/outbox.store.ts";
import { insertEvents } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { DeliveryError, type SenderRegistry } from "./outbound.ts";

export type DeliveryOutcome = "sent" | "skipped" | "dead" | "already_done" | "busy";

/**
 * Delivers one outbox row after the transaction that queued it committed. Unit notifications
 * land in the workspace; citizen messages go out through the channel's sender. Temporary and
 * rate-limited failures throw so the job queue retries with backoff; others are dead-lettered.
 */
export async function deliverOutbox(ctx: AppContext, senders: SenderRegistry, outboxId: number): Promise<DeliveryOutcome> {
  return withTransaction(ctx.pool, async (tx) => {
    const row = await lockOutbox(tx, outboxId);
    if (!row) return "busy";
    if (row.status !== "pending") return "already_done";
    const now = ctx.now();
    if (row.kind === "unit_notification") {
      await insertUnitNotification(tx, {
        unitId: String(row.recipient.unitId),
        reportId: row.reportId,
        outboxId: row.id,
        template: row.template,
        payload: row.payload,
      });
      await markOutbox(tx, row.id, "sent", null, now);
      return "sent";
    }
    const citizen = await findCitizen(tx, String(row.recipient.citizenId));
    const sender = senders.get(row.channel);
    if (!citizen || !sender) {
      await markOutbox(tx, row.id, "skipped", citizen ? `no connector configured for channel ${row.channel}` : "citizen not found", now);
      return "skipped";
    }
    const text = renderCitizenMessage(row.template as CitizenTemplate, row.payload as Record<string, string>, citizen.language);
    try {
      const result = await sender.send({
        channel: row.channel,
        citizen,
        reportTicket: typeof row.payload.ticket === "string" ? row.payload.ticket : null,
        text,
        idempotencyKey: row.idempotencyKey,
      });
      await markOutbox(tx, row.id, "sent", null, now);
      if (row.reportId)
        await insertEvents(tx, row.reportId, { userId: null, role: "system", citizenId: null }, [
          { type: "message_out", unitId: null, fromState: null, toState: null, fromUnitId: null, toUnitId: null, note: null,
            publicComment: null, reason: null, data: { channel: row.channel, template: row.template, text, outboxId: row.id, externalId: result.externalId ?? null } },
        ], now);
      return "sent";
    } catch (err) {
      if (err instanceof DeliveryError && (err.kind === "temporary" || err.kind === "rate_limited")) throw err;
      const message = err instanceof Error ? err.message : String(err);
      await markOutbox(tx, row.id, "dead", message.slice(0, 500), now);
      return "dead";
    }
  });
}

/** An administrator sends a dead-lettered message again. */
export async function retryOutbox(ctx: AppContext, outboxId: number): Promise<boolean> {
  return withTransaction(ctx.pool, async (tx) => {
    const { rowCount } = await tx.query("update outbox set status = 'pending', last_error = null where id = $1 and status = 'dead'", [outboxId]);
    if (!rowCount) return false;
    await tx.query("select graphile_worker.add_job('deliver_outbox', json_build_object('outboxId', $1::bigint), max_attempts => 25)", [outboxId]);
    return true;
  });
}
