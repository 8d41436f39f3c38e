/**
 * E-mail subscriptions to a report's public changes (migration 011): the subscriptions, the SHA-256 digests of
 * the tokens in the links we mail, and the events a change consists of.
 */
import type { Queryable } from "./db.ts";

export type SubscriptionStatus = "pending" | "active" | "unsubscribed";

export interface Subscription {
  id: string;
  reportId: string;
  email: string;
  language: "id" | "en";
  status: SubscriptionStatus;
  createdAt: Date;
  confirmationSentAt: Date | null;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
}

interface Row {
  id: string;
  report_id: string;
  email: string;
  language: "id" | "en";
  status: SubscriptionStatus;
  created_at: Date;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  unsubscribed_at: Date | null;
}

const toSubscription = (r: Row): Subscription => ({
  id: r.id,
  reportId: r.report_id,
  email: r.email,
  language: r.language,
  status: r.status,
  createdAt: r.created_at,
  confirmationSentAt: r.confirmation_sent_at,
  confirmedAt: r.confirmed_at,
  unsubscribedAt: r.unsubscribed_at,
});

/** Serializes the subscription requests of one address (its allowance is counted, then used). */
export async function lockAddress(tx: Queryable, email: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`subscription:${email}`]);
}

export async function findSubscription(q: Queryable, reportId: string, email: string): Promise<Subscription | null> {
  const { rows } = await q.query<Row>("select * from report_subscriptions where report_id = $1 and email = $2", [reportId, email]);
  return rows[0] ? toSubscription(rows[0]) : null;
}

/** Pending subscriptions of an address whose confirmation was sent since `since`, other than `exceptId`. */
export async function countRecentPending(q: Queryable, email: string, since: Date, exceptId: string | null): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from report_subscriptions
     where email = $1 and status = 'pending' and confirmation_sent_at >= $2 and ($3::uuid is null or id <> $3::uuid)`,
    [email, since, exceptId],
  );
  return rows[0]!.n;
}

/** A new or renewed request: the subscription is pending (again) and its confirmation is sent now. */
export async function upsertPendingSubscription(
  tx: Queryable,
  s: { id: string; reportId: string; email: string; language: "id" | "en"; now: Date },
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into report_subscriptions (id, report_id, email, language, status, created_at, confirmation_sent_at)
     values ($1, $2, $3, $4, 'pending', $5, $5)
     on conflict (report_id, email) do update set status = 'pending', language = excluded.language,
       confirmation_sent_at = excluded.confirmation_sent_at
     returning id`,
    [s.id, s.reportId, s.email, s.language, s.now],
  );
  return rows[0]!.id;
}

export interface NewToken {
  tokenHash: string;
  subscriptionId: string;
  purpose: "confirm" | "manage";
}

/** `now` null: the database clock. */
export async function insertTokens(tx: Queryable, tokens: NewToken[], now: Date | null): Promise<void> {
  if (!tokens.length) return;
  await tx.query(
    `insert into subscription_tokens (token_hash, subscription_id, purpose, created_at)
     select t.token_hash, t.subscription_id, t.purpose, coalesce($2::timestamptz, now()) from jsonb_to_recordset($1::jsonb) as t(token_hash text, subscription_id uuid, purpose text)
     on conflict (token_hash) do nothing`,
    [JSON.stringify(tokens.map((t) => ({ token_hash: t.tokenHash, subscription_id: t.subscriptionId, purpose: t.purpose }))), now],
  );
}

export interface TokenSubscription extends Subscription {
  ticket: string;
  tokenPurpose: "confirm" | "manage";
  tokenCreatedAt: Date;
}

/** The subscription a token belongs to, with its report's ticket; `forUpdate` locks the subscription. */
export async function findByTokenHash(q: Queryable, tokenHash: string, opts: { forUpdate?: boolean } = {}): Promise<TokenSubscription | null> {
  const { rows } = await q.query<Row & { ticket: string; purpose: "confirm" | "manage"; token_created_at: Date }>(
    `select s.*, r.ticket, t.purpose, t.created_at as token_created_at
     from subscription_tokens t join report_subscriptions s on s.id = t.subscription_id join reports r on r.id = s.report_id
     where t.token_hash = $1${opts.forUpdate ? " for update of s" : ""}`,
    [tokenHash],
  );
  const r = rows[0];
  return r ? { ...toSubscription(r), ticket: r.ticket, tokenPurpose: r.purpose, tokenCreatedAt: r.token_created_at } : null;
}

export async function setSubscriptionStatus(tx: Queryable, id: string, status: "active" | "unsubscribed", now: Date): Promise<void> {
  await tx.query(
    `update report_subscriptions set status = $2,
       confirmed_at = case when $2 = 'active' then $3::timestamptz else confirmed_at end,
       unsubscribed_at = case when $2 = 'unsubscribed' then $3::timestamptz else unsubscribed_at end
     where id = $1`,
    [id, status, now],
  );
}

export async function activeSubscribers(q: Queryable, reportId: string): Promise<Array<Pick<Subscription, "id" | "email" | "language">>> {
  const { rows } = await q.query<{ id: string; email: string; language: "id" | "en" }>(
    "select id, email, language from report_subscriptions where report_id = $1 and status = 'active' order by created_at, id",
    [reportId],
  );
  return rows;
}

export interface ChangeEvent {
  type: string;
  fromState: string | null;
  toState: string | null;
  publicComment: string | null;
}

/** The events of one change: those of the report from `firstEventId` on (the caller holds the report's row lock). */
export async function eventsFrom(q: Queryable, reportId: string, firstEventId: number): Promise<ChangeEvent[]> {
  const { rows } = await q.query<{ type: string; from_state: string | null; to_state: string | null; public_comment: string | null }>(
    "select type, from_state, to_state, public_comment from report_events where report_id = $1 and id >= $2 order by id",
    [reportId, firstEventId],
  );
  return rows.map((r) => ({ type: r.type, fromState: r.from_state, toState: r.to_state, publicComment: r.public_comment }));
}
