import type { Queryable } from "./db.ts";

export interface OutboxRow {
  id: number;
  reportId: string | null;
  eventId: number | null;
  kind: "citizen_message" | "unit_notification";
  channel: string;
  recipient: Record<string, unknown>;
  template: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  status: "pending" | "sent" | "skipped" | "dead";
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export type NewOutbox = Pick<OutboxRow, "reportId" | "eventId" | "kind" | "channel" | "recipient" | "template" | "payload" | "idempotencyKey">;

/**
 * Queues a message in the same transaction as the state change that caused it, and the job
 * that delivers it; the job only becomes visible to workers when the transaction commits.
 */
export async function enqueueOutbox(tx: Queryable, m: NewOutbox): Promise<number | null> {
  const { rows } = await tx.query<{ id: number }>(
    `with queued as (
       insert into outbox (report_id, event_id, kind, channel, recipient, template, payload, idempotency_key)
       values ($1,$2,$3,$4,$5,$6,$7,$8) on conflict (idempotency_key) do nothing returning id
     )
     select id, graphile_worker.add_job('deliver_outbox', json_build_object('outboxId', id), max_attempts => 25) from queued`,
    [m.reportId, m.eventId, m.kind, m.channel, JSON.stringify(m.recipient), m.template, JSON.stringify(m.payload), m.idempotencyKey],
  );
  return rows[0]?.id ?? null;
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
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Locks one outbox row for delivery (skip if another worker has it). */
export async function lockOutbox(tx: Queryable, id: number): Promise<OutboxRow | null> {
  const { rows } = await tx.query<Row>("select * from outbox where id = $1 for update skip locked", [id]);
  return rows[0] ? toOutbox(rows[0]) : null;
}

export async function markOutbox(tx: Queryable, id: number, status: OutboxRow["status"], error: string | null, at: Date): Promise<void> {
  await tx.query(
    `update outbox set status = $2, attempts = attempts + 1, last_error = $3,
       delivered_at = case when $2 in ('sent', 'skipped') then $4::timestamptz else delivered_at end where id = $1`,
    [id, status, error, at],
  );
}

export async function listOutbox(q: Queryable, filter: { status?: OutboxRow["status"]; reportId?: string; limit: number }): Promise<OutboxRow[]> {
  const { rows } = await q.query<Row>(
    `select * from outbox where ($1::text is null or status = $1) and ($2::uuid is null or report_id = $2)
     order by id desc limit $3`,
    [filter.status ?? null, filter.reportId ?? null, filter.limit],
  );
  return rows.map(toOutbox);
}

export async function insertUnitNotification(
  tx: Queryable,
  n: { unitId: string; reportId: string | null; outboxId: number; template: string; payload: Record<string, unknown> },
): Promise<void> {
  await tx.query(
    `insert into unit_notifications (unit_id, report_id, outbox_id, template, payload) values ($1,$2,$3,$4,$5)
     on conflict (outbox_id) do nothing`,
    [n.unitId, n.reportId, n.outboxId, n.template, JSON.stringify(n.payload)],
  );
}

export async function listUnitNotifications(q: Queryable, unitIds: string[], limit: number) {
  const { rows } = await q.query<{ id: number; unit_id: string; report_id: string | null; template: string; payload: Record<string, unknown>; read_at: Date | null; created_at: Date }>(
    "select * from unit_notifications where unit_id = any($1::text[]) order by id desc limit $2",
    [unitIds, limit],
  );
  return rows.map((r) => ({ id: r.id, unitId: r.unit_id, reportId: r.report_id, template: r.template, payload: r.payload, readAt: r.read_at, createdAt: r.created_at }));
}
