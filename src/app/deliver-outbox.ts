import { renderCitizenMessage, renderSubscriberMail, type SubscriberTemplate } from "../domain/message-templates.ts";
import type { CitizenTemplate } from "../domain/report-lifecycle.ts";
import { findCitizen } from "../store/citizens.store.ts";
import { withTransaction } from "../store/db.ts";
import { claimDueOutbox, dropPayloadKey, markOutbox, requeueOutbox, type OutboxRow } from "../store/outbox.store.ts";
import type { Queryable } from "../store/db.ts";
import { findReportById, insertEvents, listEvents } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { DeliveryError, type SenderRegistry } from "./outbound.ts";

export type DeliveryOutcome = "sent" | "skipped" | "retry" | "dead";

/** Attempts before a temporary failure is dead-lettered (about a day with the backoff below). */
export const MAX_ATTEMPTS = 12;

/** Exponential backoff: 5 s, 10 s, 20 s ... capped at 2 h; a rate limit's Retry-After wins when longer. */
export function backoffMs(attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 2 * 3600_000);
  return Math.max(exponential, retryAfterMs ?? 0);
}

/**
 * The outbox relay: claims due messages (skipping rows other workers hold), sends each through
 * its channel's sender and records the outcome. Temporary and rate-limited failures are retried
 * with backoff; auth-revoked and malformed ones, and those out of attempts, go to the dead-letter
 * list. Returns how many messages it handled.
 */
export async function drainOutbox(ctx: AppContext, senders: SenderRegistry, limit = 50): Promise<number> {
  return withTransaction(ctx.pool, async (tx) => {
    const rows = await claimDueOutbox(tx, ctx.now(), limit);
    for (const row of rows) await deliverOne(ctx, tx, senders, row);
    return rows.length;
  });
}

async function deliverOne(ctx: AppContext, tx: Queryable, senders: SenderRegistry, row: OutboxRow): Promise<DeliveryOutcome> {
  if (row.kind === "partner_status") return pushPartnerStatus(ctx, tx, senders, row);
  if (typeof row.recipient.email === "string") return mailSubscriber(ctx, tx, senders, row);
  const now = ctx.now();
  const citizen = row.recipient.citizenId ? await findCitizen(tx, String(row.recipient.citizenId)) : null;
  const sender = citizen ? senderFor(senders, row.channel, citizen) : undefined;
  if (!citizen || !sender?.send) {
    await markOutbox(tx, row.id, "skipped", citizen ? `no connector configured for channel ${row.channel}` : "citizen not found", now);
    return "skipped";
  }
  const text = renderCitizenMessage(row.template as CitizenTemplate, row.payload as Record<string, string>, citizen.language);
  try {
    const result = await sender.send({
      channel: row.channel,
      citizen,
      reportTicket: typeof row.payload.ticket === "string" ? row.payload.ticket : null,
      reportId: row.reportId,
      template: row.template,
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
    return failed(ctx, tx, row, err);
  }
}

/**
 * A mail to an address that is no citizen (a report's e-mail subscriber: recipient `{ email, language }`),
 * rendered with the links of this deployment. No timeline event: the subscriber is nobody the officers see.
 */
async function mailSubscriber(ctx: AppContext, tx: Queryable, senders: SenderRegistry, row: OutboxRow): Promise<DeliveryOutcome> {
  const sender = senders.get("email");
  if (!sender?.send) {
    await markOutbox(tx, row.id, "skipped", "no connector configured for channel email", ctx.now());
    return "skipped";
  }
  const language = row.recipient.language === "en" ? "en" : "id";
  const mail = renderSubscriberMail(row.template as SubscriberTemplate, row.payload as Record<string, string>, language, ctx.publicBaseUrl);
  try {
    await sender.send({
      channel: "email",
      citizen: { id: "", name: null, email: String(row.recipient.email), phone: null, language },
      reportTicket: typeof row.payload.ticket === "string" ? row.payload.ticket : null,
      reportId: null,
      template: row.template,
      text: mail.text,
      idempotencyKey: row.idempotencyKey,
      email: { subject: mail.subject, headers: mail.headers },
    });
    await markOutbox(tx, row.id, "sent", null, ctx.now());
    // the link's token has done its job in the mail: the row keeps no copy of it
    await dropPayloadKey(tx, row.id, "token");
    return "sent";
  } catch (err) {
    return failed(ctx, tx, row, err);
  }
}

/** A partner system (Qlue, LAPOR!) is told the report's status as it is now. */
async function pushPartnerStatus(ctx: AppContext, tx: Queryable, senders: SenderRegistry, row: OutboxRow): Promise<DeliveryOutcome> {
  const now = ctx.now();
  const sender = senders.get(row.channel);
  const report = row.reportId ? await findReportById(tx, row.reportId) : null;
  if (!sender?.pushStatus || !report) {
    await markOutbox(tx, row.id, "skipped", report ? `no status sender configured for channel ${row.channel}` : "report not found", now);
    return "skipped";
  }
  const ref = await ctx.reference.get();
  try {
    await sender.pushStatus({
      channel: row.channel,
      partnerRef: String(row.recipient.partnerRef ?? report.channelRef),
      report,
      events: await listEvents(tx, report.id),
      units: (id) => ref.units.get(id),
      idempotencyKey: row.idempotencyKey,
      at: now,
    });
    await markOutbox(tx, row.id, "sent", null, now);
    return "sent";
  } catch (err) {
    return failed(ctx, tx, row, err);
  }
}

/** Temporary and rate-limited failures are retried with backoff; the others are dead-lettered. */
async function failed(ctx: AppContext, tx: Queryable, row: OutboxRow, err: unknown): Promise<DeliveryOutcome> {
  const now = ctx.now();
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  const retryable = err instanceof DeliveryError ? err.kind === "temporary" || err.kind === "rate_limited" : true;
  const attempt = row.attempts + 1;
  if (retryable && attempt < MAX_ATTEMPTS) {
    const retryAfter = err instanceof DeliveryError ? err.retryAfterMs : undefined;
    await markOutbox(tx, row.id, "pending", message, now, new Date(now.getTime() + backoffMs(attempt, retryAfter)));
    return "retry";
  }
  await markOutbox(tx, row.id, "dead", message, now);
  return "dead";
}

/** Channels without a conversation of their own (the portal, an officer's entry) answer by e-mail, else SMS. */
const ANSWER_ELSEWHERE = new Set(["portal", "walk_in", "phone", "open311"]);

function senderFor(senders: SenderRegistry, channel: string, citizen: { email: string | null; phone: string | null }) {
  const own = senders.get(channel);
  if (own || !ANSWER_ELSEWHERE.has(channel)) return own;
  return (citizen.email ? senders.get("email") : undefined) ?? (citizen.phone ? senders.get("sms") : undefined);
}

/** An administrator sends a dead-lettered message again. */
export async function retryOutbox(ctx: AppContext, outboxId: number): Promise<boolean> {
  return requeueOutbox(ctx.pool, outboxId, ctx.now());
}
