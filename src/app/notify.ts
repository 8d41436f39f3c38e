import type { Notification } from "../domain/report-lifecycle.ts";
import type { Report } from "../domain/report.ts";
import type { Queryable } from "../store/db.ts";
import { enqueueOutbox, insertUnitNotifications } from "../store/outbox.store.ts";

/**
 * Writes what a decision says must reach people, in the caller's transaction: notifications for
 * units go straight into the workspace inbox; messages for the citizen go into the outbox,
 * answered on the channel the report came from, and leave after commit. The idempotency key
 * makes a retried use case queue each message once.
 */
export async function queueNotifications(tx: Queryable, report: Report, eventId: number | null, notifications: Notification[]): Promise<void> {
  const citizenMessages = notifications.flatMap((n, i) =>
    n.to === "citizen" && report.citizenId
      ? [{
          reportId: report.id,
          eventId,
          kind: "citizen_message" as const,
          channel: report.channel,
          recipient: { citizenId: report.citizenId },
          template: n.template,
          payload: n.params,
          idempotencyKey: `${report.id}:${eventId ?? "none"}:${i}:${n.template}`,
        }]
      : [],
  );
  const unitNotes = notifications.flatMap((n) =>
    n.to === "unit" ? [{ unitId: n.unitId, reportId: report.id, eventId, template: n.template, payload: n.params }] : [],
  );
  await enqueueOutbox(tx, citizenMessages);
  await insertUnitNotifications(tx, unitNotes);
}
