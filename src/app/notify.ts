import type { Notification } from "../domain/report-lifecycle.ts";
import type { Report } from "../domain/report.ts";
import type { Queryable } from "../store/db.ts";
import { followerMessages } from "../store/duplicates.store.ts";
import { enqueueOutbox, insertUnitNotifications } from "../store/outbox.store.ts";
import { queueSubscriberUpdates } from "./subscriptions.ts";

/** Channels whose partner system shows the report's status and must be told of changes. */
export const STATUS_PARTNERS: ReadonlySet<string> = new Set(["qlue", "lapor"]);

/**
 * Partners that show the status and the public comment but carry no message to the person (Qlue's callback has no
 * message endpoint): an officer's reply there would be queued and never delivered, so it is refused up front.
 */
export const STATUS_ONLY_CHANNELS: ReadonlySet<string> = new Set(["qlue"]);

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
  // A partner that shows the report in its own app (Qlue, LAPOR!) hears of every change; the relay
  // computes the status it shows when it sends, so a late retry never sends a stale state.
  const partnerStatus = STATUS_PARTNERS.has(report.channel) && report.channelRef && eventId !== null
    ? [{
        reportId: report.id,
        eventId,
        kind: "partner_status" as const,
        channel: report.channel,
        recipient: { partnerRef: report.channelRef },
        template: "status",
        payload: { ticket: report.ticket },
        idempotencyKey: `${report.id}:${eventId}:status`,
      }]
    : [];
  // Reporters of reports closed as duplicates of this one hear of it too, on their own channel.
  await enqueueOutbox(tx, [...citizenMessages, ...(await followerMessages(tx, report, eventId, notifications)), ...partnerStatus]);
  // The report's e-mail subscribers hear of every change the public sees.
  await queueSubscriberUpdates(tx, report, eventId);
  await insertUnitNotifications(tx, unitNotes);
}
