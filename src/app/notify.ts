import type { Notification } from "../domain/report-lifecycle.ts";
import type { Report } from "../domain/report.ts";
import type { Queryable } from "../store/db.ts";
import { enqueueOutbox } from "../store/outbox.store.ts";

/**
 * Turns the notifications a decision produced into outbox rows in the caller's transaction.
 * A citizen is answered on the channel the report came from; the idempotency key makes a
 * retried use case queue each message once.
 */
export async function queueNotifications(tx: Queryable, report: Report, eventId: number | null, notifications: Notification[]): Promise<void> {
  for (const [i, n] of notifications.entries()) {
    const key = `${report.id}:${eventId ?? "none"}:${i}:${n.template}`;
    if (n.to === "citizen") {
      if (!report.citizenId) continue; // anonymous: the public page is the answer
      await enqueueOutbox(tx, {
        reportId: report.id,
        eventId,
        kind: "citizen_message",
        channel: report.channel,
        recipient: { citizenId: report.citizenId },
        template: n.template,
        payload: n.params,
        idempotencyKey: key,
      });
    } else {
      await enqueueOutbox(tx, {
        reportId: report.id,
        eventId,
        kind: "unit_notification",
        channel: "workspace",
        recipient: { unitId: n.unitId },
        template: n.template,
        payload: n.params,
        idempotencyKey: key,
      });
    }
  }
}
