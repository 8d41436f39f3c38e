import type { Queryable } from "./db.ts";

export interface OutboxRow {
  id: number;
  reportId: string | null;
  eventId: number | null;
  kind: "citizen_message" | "partner_status";
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  status: "pending" | "sent" | "skipped" | "dead";
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export type NewOutbox = Pick<OutboxRow, "reportId" | "eventId" | "kind" | "channel" | "recipient" | "template" | "payload" | "idempotencyKey">;

/**
 * Queues a message in the same transaction as the state change that caused it; the worker's
 * relay sees it only once the transaction commits. A repeated idempotency key queues nothing.
 */
export async function enqueueOutbox(tx: Queryable, messages: NewOutbox[]): Promise<void> {
  if (!messages.length) return;
  await tx.query(
    `insert into outbox (report_id, event_id, kind, channel, recipient, template, payload, idempotency_key)
     select m.report_id, m.event_id, m.kind, m.channel, m.recipient, m.template, m.payload, m.idempotency_key
     from jsonb_to_recordset($1::jsonb) as m(report_id uuid, event_id bigint, kind text, channel text, recipient jsonb,
       template text, payload jsonb, idempotency_key text)
     on conflict (idempotency_key) do nothing`,
    [JSON.stringify(messages.map((m) => ({
      report_id: m.reportId, event_id: m.eventId, kind: m.kind, channel: m.channel, recipient: m.recipient,
      template: m.template, payload: m.payload, idempotency_key: m.idempotencyKey,
    })))],
  );
}

interface Row {
  id: number;
  report_id: string | null;
  event_id: number | null;
  kind: OutboxRow["kind"];
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
  idempotency_key: string;
  status: OutboxRow["status"];
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const toOutbox = (r: Row): OutboxRow => ({
  id: r.id,
  reportId: r.report_id,
  eventId: r.event_id,
  kind: r.kind,
  channel: r.channel,
  recipient: r.recipient,
  template: r.template,
  payload: r.payload,
  idempotencyKey: r.idempotency_key,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Claims due pending messages for this transaction; other workers skip them. */
export async function claimDueOutbox(tx: Queryable, now: Date, limit: number): Promise<OutboxRow[]> {
  const { rows } = await tx.query<Row>(
    `select * from outbox where status = 'pending' and next_attempt_at <= $1
     order by next_attempt_at, id limit $2 for update skip locked`,
    [now, limit],
  );
  return rows.map(toOutbox);
}

/** Records one delivery attempt: its outcome, and when to try again if it stays pending. */
export async function markOutbox(
  tx: Queryable,
  id: number,
  status: OutboxRow["status"],
  error: string | null,
  at: Date,
  nextAttemptAt: Date | null = null,
): Promise<void> {
  await tx.query(
    `update outbox set status = $2, attempts = attempts + 1, last_error = $3,
       delivered_at = case when $2 in ('sent', 'skipped') then $4::timestamptz else delivered_at end,
       next_attempt_at = coalesce($5::timestamptz, next_attempt_at) where id = $1`,
    [id, status, error, at, nextAttemptAt],
  );
}

/** Removes one key from a message's payload (a link token once the mail is out). */
export async function dropPayloadKey(tx: Queryable, id: number, key: string): Promise<void> {
  await tx.query("update outbox set payload = payload - $2::text where id = $1", [id, key]);
}

/** A dead-lettered message goes back to the queue, due now. */
export async function requeueOutbox(q: Queryable, id: number, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    "update outbox set status = 'pending', last_error = null, next_attempt_at = $2 where id = $1 and status = 'dead'",
    [id, now],
  );
  return (rowCount ?? 0) > 0;
}

export async function listOutbox(q: Queryable, filter: { status?: OutboxRow["status"]; reportId?: string; limit: number }): Promise<OutboxRow[]> {
  const { rows } = await q.query<Row>(
    `select * from outbox where ($1::text is null or status = $1) and ($2::uuid is null or report_id = $2)
     order by id desc limit $3`,
    [filter.status ?? null, filter.reportId ?? null, filter.limit],
  );
  return rows.map(toOutbox);
}

export interface NewUnitNotification {
  unitId: string;
  reportId: string | null;
  eventId: number | null;
  template: string;
  payload: Record<string, unknown>;
}

/** Notifications land in the units' workspace inbox in the caller's transaction. */
export async function insertUnitNotifications(tx: Queryable, notes: NewUnitNotification[]): Promise<void> {
  if (!notes.length) return;
  await tx.query(
    `insert into unit_notifications (unit_id, report_id, event_id, template, payload)
     select n.unit_id, n.report_id, n.event_id, n.template, n.payload
     from jsonb_to_recordset($1::jsonb) as n(unit_id text, report_id uuid, event_id bigint, template text, payload jsonb)`,
    [JSON.stringify(notes.map((n) => ({ unit_id: n.unitId, report_id: n.reportId, event_id: n.eventId, template: n.template, payload: n.payload })))],
  );
}

export async function listUnitNotifications(q: Queryable, unitIds: string[], limit: number) {
  const { rows } = await q.query<{ id: number; unit_id: string; report_id: string | null; template: string; payload: Record<string, unknown>; read_at: Date | null; created_at: Date }>(
    "select * from unit_notifications where unit_id = any($1::text[]) order by id desc limit $2",
    [unitIds, limit],
  );
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, reportId: r.report_id, template: r.template, payload: r.payload, readAt: r.read_at, createdAt: r.created_at }));
}
