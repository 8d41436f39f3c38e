import { createHash, randomBytes } from "node:crypto";
import { DomainError } from "../domain/errors.ts";
import { scrubPublicText } from "../domain/projection.ts";
import { STATE_LABEL, type Language, type Report } from "../domain/report.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { withTransaction, type Queryable } from "../store/db.ts";
import { enqueueOutbox, type NewOutbox } from "../store/outbox.store.ts";
import { findReportByTicket } from "../store/reports.store.ts";
import {
  activeSubscribers,
  countRecentPending,
  eventsFrom,
  findByTokenHash,
  findSubscription,
  insertTokens,
  lockAddress,
  setSubscriptionStatus,
  upsertPendingSubscription,
  type NewToken,
} from "../store/subscriptions.store.ts";
import type { AppContext } from "./context.ts";
import { maskContact } from "./report-queries.ts";

/** One confirmation per (report, address) per hour; at most this many pending subscriptions per address per day. */
export const CONFIRMATION_INTERVAL_MS = 3600_000;
export const MAX_PENDING_PER_DAY = 10;
/** A confirmation link older than this no longer confirms (the address asks again). */
export const CONFIRMATION_VALID_MS = 7 * 86_400_000;

/** 32 random bytes, base64url (43 characters); only its SHA-256 is stored. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Someone asks for e-mail updates on a report (double opt-in). The answer is the same whatever happens, so it
 * never tells whether the address was subscribed already: a confirmation mail is queued unless the address is
 * active already, was sent one for this report within the hour, or has 10 pending subscriptions from the last day.
 */
export async function subscribe(ctx: AppContext, ticket: string, input: { email: string; language: Language }): Promise<{ status: "pending" }> {
  const t = normalizeTicket(ticket);
  if (!t) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  const email = input.email.trim().toLowerCase();
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t);
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    await lockAddress(tx, email);
    const now = ctx.now();
    const existing = await findSubscription(tx, report.id, email);
    const quiet = { status: "pending" as const };
    if (existing?.status === "active") return quiet;
    if (existing?.confirmationSentAt && now.getTime() - existing.confirmationSentAt.getTime() < CONFIRMATION_INTERVAL_MS) return quiet;
    if (await countRecentPending(tx, email, new Date(now.getTime() - 86_400_000), existing?.id ?? null) >= MAX_PENDING_PER_DAY) return quiet;
    const id = await upsertPendingSubscription(tx, { id: existing?.id ?? ctx.newId(), reportId: report.id, email, language: input.language, now });
    const { token, hash } = newToken();
    await insertTokens(tx, [{ tokenHash: hash, subscriptionId: id, purpose: "confirm" }], now);
    await enqueueOutbox(tx, [{
      reportId: report.id,
      eventId: null,
      kind: "citizen_message",
      channel: "email",
      recipient: { email, language: input.language },
      template: "subscription_confirm",
      payload: { ticket: report.ticket, token },
      idempotencyKey: `subscription:${id}:confirm:${hash.slice(0, 32)}`,
    }]);
    return quiet;
  });
}

async function byToken(q: Queryable, token: string, forUpdate = false) {
  const found = TOKEN_SHAPE.test(token) ? await findByTokenHash(q, hashToken(token), { forUpdate }) : null;
  if (!found) throw new DomainError("NOT_FOUND", "no subscription with that token");
  return found;
}

/** What a link's token manages: the report's ticket, the status and the address, masked. */
export async function subscriptionStatus(ctx: AppContext, token: string) {
  const s = await byToken(ctx.pool, token);
  return { ticket: s.ticket, status: s.status, emailMasked: maskContact(s.email) ?? "" };
}

/**
 * The link in the confirmation mail was followed: the subscription is active. A confirmation link older than a
 * week, or sent before the address unsubscribed, does not subscribe it (it must ask again): 409.
 */
export async function confirmSubscription(ctx: AppContext, token: string): Promise<{ status: "active"; ticket: string }> {
  return withTransaction(ctx.pool, async (tx) => {
    const s = await byToken(tx, token, true);
    if (s.status === "active") return { status: "active", ticket: s.ticket };
    const now = ctx.now();
    if (s.tokenPurpose !== "confirm" || (s.unsubscribedAt && s.tokenCreatedAt <= s.unsubscribedAt) || now.getTime() - s.tokenCreatedAt.getTime() > CONFIRMATION_VALID_MS)
      throw new DomainError("CONFLICT", "this link no longer confirms the subscription; subscribe again");
    await setSubscriptionStatus(tx, s.id, "active", now);
    return { status: "active", ticket: s.ticket };
  });
}

/** Any link we mailed stops the subscription (also RFC 8058 one-click from the mail client). */
export async function unsubscribe(ctx: AppContext, token: string): Promise<{ status: "unsubscribed"; ticket: string }> {
  return withTransaction(ctx.pool, async (tx) => {
    const s = await byToken(tx, token, true);
    if (s.status !== "unsubscribed") await setSubscriptionStatus(tx, s.id, "unsubscribed", ctx.now());
    return { status: "unsubscribed", ticket: s.ticket };
  });
}

/**
 * In the transaction of a change (src/app/notify.ts): when the change is one the public sees (a new state, a
 * public comment), one mail per active subscriber with the public label and comment, each with its own
 * unsubscribe token. Keyed by event and subscription, so a retried change queues each mail once.
 */
export async function queueSubscriberUpdates(tx: Queryable, report: Pick<Report, "id" | "ticket" | "state">, eventId: number | null): Promise<void> {
  if (eventId === null) return;
  const subscribers = await activeSubscribers(tx, report.id);
  if (!subscribers.length) return;
  const events = await eventsFrom(tx, report.id, eventId);
  const stateChanged = events.some((e) => e.toState !== null && e.toState !== e.fromState);
  const comment = events.map((e) => e.publicComment?.trim()).filter((c): c is string => !!c).at(-1) ?? null;
  if (!stateChanged && !comment) return;
  const messages: NewOutbox[] = [];
  const tokens: NewToken[] = [];
  for (const s of subscribers) {
    const { token, hash } = newToken();
    tokens.push({ tokenHash: hash, subscriptionId: s.id, purpose: "manage" });
    messages.push({
      reportId: report.id,
      eventId,
      kind: "citizen_message",
      channel: "email",
      recipient: { email: s.email, language: s.language },
      template: "subscription_update",
      payload: { ticket: report.ticket, label: STATE_LABEL[s.language][report.state], comment: scrubPublicText(comment, s.language), token },
      idempotencyKey: `${report.id}:${eventId}:subscriber:${s.id}`,
    });
  }
  await insertTokens(tx, tokens, null);
  await enqueueOutbox(tx, messages);
}
