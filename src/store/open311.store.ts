/**
 * Open311 GeoReport v2: issued API keys (kept as SHA-256 digests), request tokens, and the publicly listed
 * reports the GeoReport API reads (only `public_listed` ones, migration 011).
 */
import type { Report } from "../domain/report.ts";
import type { Queryable } from "./db.ts";
import { toReport } from "./reports.store.ts";

export interface Open311KeyRow {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

interface KeyRow {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toKey = (r: KeyRow): Open311KeyRow => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at });

export async function insertApiKey(q: Queryable, k: { id: string; name: string; keyHash: string; createdByUserId: string | null }): Promise<Open311KeyRow> {
  const { rows } = await q.query<KeyRow>(
    "insert into open311_api_keys (id, name, key_hash, created_by_user_id) values ($1, $2, $3, $4) returning id, name, created_at, revoked_at",
    [k.id, k.name, k.keyHash, k.createdByUserId],
  );
  return toKey(rows[0]!);
}

export async function listApiKeys(q: Queryable): Promise<Open311KeyRow[]> {
  const { rows } = await q.query<KeyRow>("select id, name, created_at, revoked_at from open311_api_keys order by created_at desc, id");
  return rows.map(toKey);
}

/** Revokes a key; false when there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(q: Queryable, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await q.query("update open311_api_keys set revoked_at = coalesce(revoked_at, $2) where id = $1", [id, at]);
  return (rowCount ?? 0) > 0;
}

/** The id of the active (not revoked) key with this digest. */
export async function findActiveApiKey(q: Queryable, keyHash: string): Promise<string | null> {
  const { rows } = await q.query<{ id: string }>("select id from open311_api_keys where key_hash = $1 and revoked_at is null", [keyHash]);
  return rows[0]?.id ?? null;
}

export async function insertToken(q: Queryable, t: { token: string; reportId: string; client: string }): Promise<void> {
  await q.query("insert into open311_tokens (token, report_id, client) values ($1, $2, $3)", [t.token, t.reportId, t.client]);
}

/** The ticket a token became, when the report is publicly listed. */
export async function findTicketByToken(q: Queryable, token: string): Promise<string | null> {
  const { rows } = await q.query<{ ticket: string }>(
    "select r.ticket from open311_tokens t join reports r on r.id = t.report_id where t.token = $1 and r.public_listed", [token]);
  return rows[0]?.ticket ?? null;
}

export interface Open311RequestFilter {
  tickets?: string[];
  category?: string;
  from?: Date;
  to?: Date;
  status?: "open" | "closed";
  updatedAfter?: Date;
  updatedBefore?: Date;
  limit: number;
  offset: number;
}

export interface Open311ReportRow {
  report: Report;
  /** the first photo of the report, served publicly (EXIF stripped) */
  photoId: string | null;
}

/** Publicly listed reports, newest first, with their first photo. */
export async function listOpen311Reports(q: Queryable, f: Open311RequestFilter): Promise<Open311ReportRow[]> {
  const where = ["r.public_listed"];
  const args: unknown[] = [];
  const arg = (v: unknown) => {
    args.push(v);
    return `$${args.length}`;
  };
  if (f.tickets) where.push(`r.ticket = any(${arg(f.tickets)}::text[])`);
  if (f.category) where.push(`r.category_code = ${arg(f.category)}`);
  if (f.from) where.push(`r.created_at >= ${arg(f.from)}`);
  if (f.to) where.push(`r.created_at <= ${arg(f.to)}`);
  if (f.status === "closed") where.push("r.state in ('done', 'closed')");
  if (f.status === "open") where.push("r.state not in ('done', 'closed')");
  if (f.updatedAfter) where.push(`r.updated_at > ${arg(f.updatedAfter)}`);
  if (f.updatedBefore) where.push(`r.updated_at < ${arg(f.updatedBefore)}`);
  const { rows } = await q.query<Record<string, unknown> & { photo_id: string | null }>(
    `select r.*, (select u.id from uploads u where u.report_id = r.id order by u.created_at, u.id limit 1) as photo_id
       from reports r where ${where.join(" and ")}
      order by r.created_at desc, r.id desc limit ${arg(f.limit)} offset ${arg(f.offset)}`,
    args,
  );
  return rows.map((r) => ({ report: toReport(r as unknown as Parameters<typeof toReport>[0]), photoId: r.photo_id }));
}

/**
 * Publicly listed reports with an event in [from, to], with all their events (the updates are computed from the
 * whole history) and the photos attached to each event.
 */
export async function listReportsWithEventsBetween(q: Queryable, from: Date, to: Date, limit: number): Promise<Report[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    // only events that change what the public sees can be updates (open311Updates): their time index (migration 017)
    `select r.* from reports r
      where r.public_listed and r.id in (select e.report_id from report_events e
        where (e.to_state is not null or e.public_comment is not null) and e.created_at >= $1 and e.created_at <= $2)
      order by r.updated_at desc, r.id limit $3`,
    [from, to, limit],
  );
  return rows.map((r) => toReport(r as unknown as Parameters<typeof toReport>[0]));
}

/** The first photo of each event of the reports, by report id and event id (one query for a page of reports). */
export async function eventPhotosOfReports(q: Queryable, reportIds: readonly string[]): Promise<Map<string, Map<number, string>>> {
  const out = new Map<string, Map<number, string>>(reportIds.map((id) => [id, new Map()]));
  if (!reportIds.length) return out;
  const { rows } = await q.query<{ report_id: string; event_id: number | string; id: string }>(
    `select distinct on (event_id) report_id, event_id, id from uploads
     where report_id = any($1::uuid[]) and event_id is not null order by event_id, created_at, id`, [reportIds]);
  for (const r of rows) out.get(r.report_id)?.set(Number(r.event_id), r.id);
  return out;
}

/** Tickets by report id (the originals duplicates point at). */
export async function ticketsByIds(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await q.query<{ id: string; ticket: string }>("select id, ticket from reports where id = any($1::uuid[])", [ids]);
  return new Map(rows.map((r) => [r.id, r.ticket]));
}
