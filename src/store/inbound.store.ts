import { createHash } from "node:crypto";
import type { Queryable } from "./db.ts";

export interface StoredPayload {
  id: number;
  channel: string;
  body: Buffer;
  contentType: string;
  attempts: number;
}

/**
 * Stores a webhook's raw bytes durably before it is acknowledged. The same bytes twice are
 * stored once; returns false for such a redelivery.
 */
export async function storePayload(q: Queryable, p: { channel: string; body: Buffer; contentType: string; headers: Record<string, string> }): Promise<boolean> {
  const hash = createHash("sha256").update(p.body).digest("hex");
  const { rowCount } = await q.query(
    `insert into inbound_payloads (channel, payload_hash, body, content_type, headers) values ($1, $2, $3, $4, $5)
     on conflict (channel, payload_hash) do nothing`,
    [p.channel, hash, p.body, p.contentType, JSON.stringify(p.headers)],
  );
  return (rowCount ?? 0) > 0;
}

/** Claims pending payloads for this transaction; other workers skip them. */
export async function claimPendingPayloads(tx: Queryable, limit: number): Promise<StoredPayload[]> {
  const { rows } = await tx.query<{ id: number; channel: string; body: Buffer; content_type: string; attempts: number }>(
    `select id, channel, body, content_type, attempts from inbound_payloads where status = 'pending'
     order by id limit $1 for update skip locked`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, channel: r.channel, body: r.body, contentType: r.content_type, attempts: r.attempts }));
}

/** The payloads a batch handled, in one statement. */
export async function markPayloadsProcessed(tx: Queryable, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await tx.query(
    "update inbound_payloads set status = 'processed', error = null, attempts = attempts + 1, processed_at = now() where id = any($1::bigint[])",
    [ids],
  );
}

export async function markPayload(tx: Queryable, id: number, status: "processed" | "malformed", error: string | null): Promise<void> {
  await tx.query(
    "update inbound_payloads set status = $2, error = $3, attempts = attempts + 1, processed_at = now() where id = $1",
    [id, status, error],
  );
}

/**
 * Records one inbound message once per (channel, external id); returns false when it was
 * already recorded (the message came again, in this or another payload).
 */
export async function recordInboundMessage(
  tx: Queryable,
  m: { channel: string; externalId: string; payloadId: number; kind: string; senderKind: string; senderValue: string; citizenId: string | null; reportId: string | null; outcome: string },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `insert into inbound_messages (channel, external_id, payload_id, kind, sender_kind, sender_value, citizen_id, report_id, outcome)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9) on conflict (channel, external_id) do nothing`,
    [m.channel, m.externalId, m.payloadId, m.kind, m.senderKind, m.senderValue, m.citizenId, m.reportId, m.outcome],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The report an earlier message of the same conversation belongs to (reply chains, e-mail
 * References): one of the citizen's messages, or one of our answers on the same channel.
 */
export async function reportOfMessages(q: Queryable, channel: string, externalIds: string[]): Promise<string | null> {
  if (!externalIds.length) return null;
  const { rows } = await q.query<{ report_id: string }>(
    `select report_id from (
       (select report_id, created_at from inbound_messages
        where channel = $1 and external_id = any($2::text[]) and report_id is not null order by id desc limit 1)
       union all
       (select report_id, created_at from report_events
        where type = 'message_out' and btrim(data->>'externalId', '<>') = any($2::text[]) and data->>'channel' = $1
        order by id desc limit 1)
     ) found order by created_at desc limit 1`,
    [channel, externalIds.map((id) => id.replace(/^<|>$/g, ""))],
  );
  return rows[0]?.report_id ?? null;
}

/** The sender's latest still-open report on this channel since an instant (SMS/WhatsApp replies thread by time). */
export async function recentOpenReportOfSender(q: Queryable, channel: string, senderValue: string, since: Date): Promise<string | null> {
  const { rows } = await q.query<{ report_id: string }>(
    `select m.report_id from inbound_messages m join reports r on r.id = m.report_id
     where m.channel = $1 and m.sender_value = $2 and m.created_at >= $3 and r.state not in ('done', 'closed')
     order by m.id desc limit 1`,
    [channel, senderValue, since],
  );
  return rows[0]?.report_id ?? null;
}

/**
 * Serializes the handling of one sender's messages until the end of the transaction, then says
 * whether this message was handled before (in this or another payload). The check is a second
 * statement on purpose: its snapshot is taken after the lock is held, so it sees what the
 * transaction we waited for committed.
 */
export async function lockSenderAndCheckSeen(tx: Queryable, channel: string, sender: string, externalId: string): Promise<boolean> {
  await tx.query({ name: "lock_sender", text: "select pg_advisory_xact_lock(hashtext($1))", values: [`inbound:${channel}:${sender}`] });
  const { rowCount } = await tx.query({
    name: "message_seen",
    text: "select 1 from inbound_messages where channel = $1 and external_id = $2",
    values: [channel, externalId],
  });
  return (rowCount ?? 0) > 0;
}

export interface PayloadSummary {
  id: number;
  channel: string;
  contentType: string;
  status: "pending" | "processed" | "malformed";
  error: string | null;
  attempts: number;
  sizeBytes: number;
  receivedAt: Date;
  processedAt: Date | null;
}

/** Stored payloads for administrators, newest first (the malformed ones are the inspection list). */
export async function listPayloads(
  q: Queryable,
  f: { status?: PayloadSummary["status"]; channel?: string; beforeId?: number; limit: number },
): Promise<PayloadSummary[]> {
  const { rows } = await q.query<{ id: number; channel: string; content_type: string; status: PayloadSummary["status"]; error: string | null; attempts: number; size_bytes: number; received_at: Date; processed_at: Date | null }>(
    `select id, channel, content_type, status, error, attempts, octet_length(body) as size_bytes, received_at, processed_at
     from inbound_payloads
     where ($1::text is null or status = $1) and ($2::text is null or channel = $2) and ($3::bigint is null or id < $3)
     order by id desc limit $4`,
    [f.status ?? null, f.channel ?? null, f.beforeId ?? null, f.limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), channel: r.channel, contentType: r.content_type, status: r.status, error: r.error, attempts: r.attempts,
    sizeBytes: r.size_bytes, receivedAt: r.received_at, processedAt: r.processed_at,
  }));
}

export async function findPayload(q: Queryable, id: number): Promise<(PayloadSummary & { body: Buffer; headers: Record<string, string> }) | null> {
  const { rows } = await q.query<{ id: number; channel: string; content_type: string; status: PayloadSummary["status"]; error: string | null; attempts: number; body: Buffer; headers: Record<string, string>; received_at: Date; processed_at: Date | null }>(
    "select id, channel, content_type, status, error, attempts, body, headers, received_at, processed_at from inbound_payloads where id = $1",
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: Number(r.id), channel: r.channel, contentType: r.content_type, status: r.status, error: r.error, attempts: r.attempts,
    sizeBytes: r.body.length, receivedAt: r.received_at, processedAt: r.processed_at, body: r.body, headers: r.headers,
  };
}

/** A malformed payload is handled again (after a connector fix or once its channel is configured). */
export async function requeuePayload(q: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await q.query(
    "update inbound_payloads set status = 'pending', processed_at = null where id = $1 and status = 'malformed'",
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/** How many of a sender's messages had this outcome within the last seconds (counting stops at `cap`). */
export async function countRecentOutcomes(q: Queryable, channel: string, sender: string, outcome: string, seconds: number, cap: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from inbound_messages
       where channel = $1 and sender_value = $2 and created_at > now() - make_interval(secs => $3) and outcome = $4
       limit $5) recent`,
    [channel, sender, seconds, outcome, cap],
  );
  return rows[0]!.n;
}

/** The e-mail conversation of a report: the first message's subject and every message id the citizen sent, oldest first. */
export async function emailThreadOf(q: Queryable, reportId: string): Promise<{ subject: string | null; messageIds: string[] }> {
  const { rows } = await q.query<{ subject: string | null; ids: string[] }>(
    `select (select data->>'subject' from report_events where report_id = $1 and type = 'created' order by id limit 1) as subject,
       array(select external_id from inbound_messages where report_id = $1 and channel = 'email' order by id) as ids`,
    [reportId],
  );
  return { subject: rows[0]?.subject ?? null, messageIds: rows[0]?.ids ?? [] };
}
