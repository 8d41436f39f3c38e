import type { NewEvent } from "../domain/report-lifecycle.ts";
import type { Report, ReportEvent, ReportState } from "../domain/report.ts";
import { DomainError } from "../domain/errors.ts";
import type { Queryable } from "./db.ts";

interface ReportRow {
  id: string;
  ticket: string;
  kind: Report["kind"];
  description: string;
  category_code: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  kelurahan_code: string | null;
  channel: string;
  channel_ref: string | null;
  citizen_id: string | null;
  state: ReportState;
  state_before_handover: ReportState | null;
  holding_unit_id: string;
  handover_from_unit_id: string | null;
  follow_up_unit_id: string | null;
  follow_up_by: string | null;
  assignee_user_id: string | null;
  involved_unit_ids: string[];
  duplicate_of: string | null;
  close_reason: Report["closeReason"];
  responsible_party: string | null;
  reopen_count: number;
  support_count: number;
  escalation_level: number;
  escalated_to_unit_id: string | null;
  overdue: boolean;
  first_action_breached: boolean;
  resolution_breached: boolean;
  first_action_due_at: Date | null;
  resolution_due_at: Date | null;
  first_action_at: Date | null;
  done_at: Date | null;
  closed_at: Date | null;
  partner_deadlines: Report["partnerDeadlines"] | null;
  triage: Report["triage"];
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** Column <-> field names for the columns a lifecycle patch may write. */
const COLUMNS: Record<string, keyof ReportRow> = {
  kind: "kind",
  description: "description",
  categoryCode: "category_code",
  lat: "lat",
  lon: "lon",
  address: "address",
  kelurahanCode: "kelurahan_code",
  citizenId: "citizen_id",
  state: "state",
  stateBeforeHandover: "state_before_handover",
  holdingUnitId: "holding_unit_id",
  handoverFromUnitId: "handover_from_unit_id",
  followUpUnitId: "follow_up_unit_id",
  followUpBy: "follow_up_by",
  assigneeUserId: "assignee_user_id",
  involvedUnitIds: "involved_unit_ids",
  duplicateOf: "duplicate_of",
  closeReason: "close_reason",
  responsibleParty: "responsible_party",
  reopenCount: "reopen_count",
  supportCount: "support_count",
  escalationLevel: "escalation_level",
  escalatedToUnitId: "escalated_to_unit_id",
  overdue: "overdue",
  firstActionBreached: "first_action_breached",
  resolutionBreached: "resolution_breached",
  firstActionDueAt: "first_action_due_at",
  resolutionDueAt: "resolution_due_at",
  firstActionAt: "first_action_at",
  doneAt: "done_at",
  closedAt: "closed_at",
};

export function toReport(r: ReportRow): Report {
  return {
    id: r.id,
    ticket: r.ticket,
    kind: r.kind,
    description: r.description,
    categoryCode: r.category_code,
    lat: r.lat,
    lon: r.lon,
    address: r.address,
    kelurahanCode: r.kelurahan_code,
    channel: r.channel,
    channelRef: r.channel_ref,
    citizenId: r.citizen_id,
    state: r.state,
    stateBeforeHandover: r.state_before_handover,
    holdingUnitId: r.holding_unit_id,
    handoverFromUnitId: r.handover_from_unit_id,
    followUpUnitId: r.follow_up_unit_id,
    followUpBy: r.follow_up_by,
    assigneeUserId: r.assignee_user_id,
    involvedUnitIds: r.involved_unit_ids ?? [],
    duplicateOf: r.duplicate_of,
    closeReason: r.close_reason,
    responsibleParty: r.responsible_party,
    reopenCount: r.reopen_count,
    supportCount: r.support_count,
    escalationLevel: r.escalation_level,
    escalatedToUnitId: r.escalated_to_unit_id,
    overdue: r.overdue,
    firstActionBreached: r.first_action_breached,
    resolutionBreached: r.resolution_breached,
    firstActionDueAt: r.first_action_due_at,
    resolutionDueAt: r.resolution_due_at,
    firstActionAt: r.first_action_at,
    doneAt: r.done_at,
    closedAt: r.closed_at,
    partnerDeadlines: r.partner_deadlines ?? [],
    triage: r.triage ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/**
 * Reserves `size` ticket sequence numbers of a local day; returns the first. The counter row makes
 * tickets unique and never reused (numbers a process reserved but did not use are skipped).
 */
export async function reserveTicketBlock(q: Queryable, day: string, size: number): Promise<number> {
  const { rows } = await q.query<{ last_value: number }>(
    `insert into ticket_counters (day, last_value) values ($1, $2)
     on conflict (day) do update set last_value = ticket_counters.last_value + $2
     returning last_value`,
    [day, size],
  );
  return rows[0]!.last_value - size + 1;
}

export interface NewReport {
  id: string;
  ticket: string;
  kind: Report["kind"];
  description: string;
  categoryCode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  kelurahanCode: string | null;
  channel: string;
  channelRef: string | null;
  citizenId: string | null;
  state: ReportState;
  holdingUnitId: string;
  firstActionDueAt: Date | null;
  resolutionDueAt: Date | null;
  createdAt: Date;
  /** what triage worked out (TriageRecord), for officers and the triage desk */
  triage?: unknown;
}

/** The id and version of a report: enough to know whether a cached view is still current. */
export async function findReportVersion(q: Queryable, ticket: string): Promise<{ id: string; version: number } | null> {
  const { rows } = await q.query<{ id: string; version: number }>("select id, version from reports where ticket = $1", [ticket]);
  return rows[0] ?? null;
}

export async function findReportByTicket(q: Queryable, ticket: string, opts: { forUpdate?: boolean } = {}): Promise<Report | null> {
  const { rows } = await q.query<ReportRow>(`select * from reports where ticket = $1${opts.forUpdate ? " for update" : ""}`, [ticket]);
  return rows[0] ? toReport(rows[0]) : null;
}

export async function findReportById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<Report | null> {
  const { rows } = await q.query<ReportRow>(`select * from reports where id = $1${opts.forUpdate ? " for update" : ""}`, [id]);
  return rows[0] ? toReport(rows[0]) : null;
}

/** Applies a lifecycle patch with an optimistic version check; the caller holds the row lock. */
export async function updateReport(tx: Queryable, report: Report, patch: Partial<Report>, now: Date): Promise<Report> {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const column = COLUMNS[field];
    if (!column) continue;
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  }
  values.push(now, report.id, report.version);
  const { rows } = await tx.query<ReportRow>(
    `update reports set ${sets.length ? sets.join(", ") + ", " : ""}updated_at = $${values.length - 2}, version = version + 1
     where id = $${values.length - 1} and version = $${values.length} returning *`,
    values,
  );
  if (!rows[0]) throw new DomainError("CONFLICT", "the report changed meanwhile; reload and try again");
  return toReport(rows[0]);
}

export interface EventActor {
  userId: string | null;
  role: string | null;
  citizenId: string | null;
}

export async function insertEvents(tx: Queryable, reportId: string, actor: EventActor, events: NewEvent[], at: Date): Promise<number[]> {
  if (events.length === 0) return [];
  // One statement for all events of a change; ids come back in the order given.
  const { rows } = await tx.query<{ id: number }>(
    `insert into report_events (report_id, type, actor_user_id, actor_role, actor_citizen_id, unit_id, from_state, to_state,
       from_unit_id, to_unit_id, note, public_comment, reason, data, created_at)
     select $1, e.type, $2, $3, $4, e.unit_id, e.from_state, e.to_state, e.from_unit_id, e.to_unit_id, e.note, e.public_comment,
       e.reason, coalesce(e.data, '{}'::jsonb), $5
     from jsonb_to_recordset($6::jsonb) as e(type text, unit_id text, from_state text, to_state text, from_unit_id text,
       to_unit_id text, note text, public_comment text, reason text, data jsonb, n int)
     order by e.n
     returning id`,
    [reportId, actor.userId, actor.role, actor.citizenId, at, JSON.stringify(events.map((e, n) => ({
      n,
      type: e.type, unit_id: e.unitId, from_state: e.fromState, to_state: e.toState, from_unit_id: e.fromUnitId, to_unit_id: e.toUnitId,
      note: e.note, public_comment: e.publicComment, reason: e.reason, data: e.data,
    })))],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

interface EventRow {
  id: number;
  report_id: string;
  type: ReportEvent["type"];
  actor_user_id: string | null;
  actor_role: string | null;
  actor_citizen_id: string | null;
  unit_id: string | null;
  from_state: ReportState | null;
  to_state: ReportState | null;
  from_unit_id: string | null;
  to_unit_id: string | null;
  note: string | null;
  public_comment: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

function toEvent(r: EventRow): ReportEvent {
  return {
    id: r.id,
    reportId: r.report_id,
    type: r.type,
    actorUserId: r.actor_user_id,
    actorRole: r.actor_role,
    actorCitizenId: r.actor_citizen_id,
    unitId: r.unit_id,
    fromState: r.from_state,
    toState: r.to_state,
    fromUnitId: r.from_unit_id,
    toUnitId: r.to_unit_id,
    note: r.note,
    publicComment: r.public_comment,
    reason: r.reason,
    data: r.data ?? {},
    createdAt: r.created_at,
  };
}

export async function listEvents(q: Queryable, reportId: string): Promise<ReportEvent[]> {
  const { rows } = await q.query<EventRow>("select * from report_events where report_id = $1 order by id", [reportId]);
  return rows.map(toEvent);
}

/** The events of many reports in one query, each report's in order. */
export async function listEventsOfReports(q: Queryable, reportIds: readonly string[]): Promise<Map<string, ReportEvent[]>> {
  const out = new Map<string, ReportEvent[]>(reportIds.map((id) => [id, []]));
  if (!reportIds.length) return out;
  const { rows } = await q.query<EventRow>("select * from report_events where report_id = any($1::uuid[]) order by report_id, id", [reportIds]);
  for (const r of rows) out.get(r.report_id)?.push(toEvent(r));
  return out;
}

export interface ReportListFilter {
  state?: ReportState[];
  colourStates?: ReportState[];
  category?: string;
  unit?: string;
  channel?: string;
  overdue?: boolean;
  /** true: reopened at least once; false: never reopened */
  reopened?: boolean;
  /** reports assigned to this user */
  assigneeUserId?: string;
  /** a kelurahan code or a prefix of whole segments ("31.71", "31.71.01") */
  kelurahan?: string;
  q?: string;
  /** which kind of red (the red_reason column kept by migration 014) */
  redReason?: string;
  /** created_at >= createdAfter and < createdBefore */
  createdAfter?: Date;
  createdBefore?: Date;
  /** scope: null = all */
  scope: { unitIds: string[]; regionPrefix: string | null; assigneeUserId?: string } | null;
  /** held now by one of the units or located in the region (the monitoring figures' scope) */
  heldBy?: { unitIds: string[]; regionPrefix: string | null };
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

/** The where clause of the inbox's filters and the caller's read scope; `p` binds a value (also the CSV export's). */
export function listWhere(f: Omit<ReportListFilter, "limit">, p: (v: unknown) => string): string[] {
  const where: string[] = [];
  if (f.scope) {
    const parts: string[] = [];
    if (f.scope.assigneeUserId) parts.push(`assignee_user_id = ${p(f.scope.assigneeUserId)}`);
    if (f.scope.unitIds.length) {
      const ids = p(f.scope.unitIds);
      // The holder is always in involved_unit_ids (every handover adds it).
      parts.push(`involved_unit_ids && ${ids}::text[]`);
    }
    if (f.scope.regionPrefix) {
      const region = p(f.scope.regionPrefix);
      parts.push(`kelurahan_code = ${region}`, `kelurahan_code like ${region} || '.%'`);
    }
    where.push(parts.length ? `(${parts.join(" or ")})` : "false");
  }
  if (f.heldBy) {
    const parts: string[] = [];
    if (f.heldBy.unitIds.length) parts.push(`holding_unit_id = any(${p(f.heldBy.unitIds)}::text[])`);
    if (f.heldBy.regionPrefix) {
      const region = p(f.heldBy.regionPrefix);
      parts.push(`kelurahan_code = ${region}`, `kelurahan_code like ${region} || '.%'`);
    }
    where.push(parts.length ? `(${parts.join(" or ")})` : "false");
  }
  if (f.state?.length) where.push(`state = any(${p(f.state)}::text[])`);
  if (f.colourStates?.length) where.push(`state = any(${p(f.colourStates)}::text[])`);
  if (f.category) where.push(`category_code = ${p(f.category)}`);
  if (f.unit) {
    const unit = p(f.unit);
    where.push(`involved_unit_ids @> array[${unit}]::text[] and holding_unit_id = ${unit}`);
  }
  if (f.channel) where.push(`channel = ${p(f.channel)}`);
  if (f.overdue !== undefined) where.push(`overdue = ${p(f.overdue)}`);
  // Literal predicates, so the planner can use the partial index reports_reopened_created_idx (012).
  if (f.reopened !== undefined) where.push(f.reopened ? "reopen_count > 0" : "reopen_count = 0");
  if (f.assigneeUserId) where.push(`assignee_user_id = ${p(f.assigneeUserId)}::uuid`);
  if (f.kelurahan) {
    const code = p(f.kelurahan);
    where.push(`(kelurahan_code = ${code} or kelurahan_code like ${code} || '.%')`);
  }
  if (f.q) {
    const like = p(`%${f.q.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
    where.push(`(ticket ilike ${like} or description ilike ${like} or address ilike ${like})`);
  }
  if (f.redReason) where.push(`red_reason = ${p(f.redReason)}`);
  if (f.createdAfter) where.push(`created_at >= ${p(f.createdAfter)}`);
  if (f.createdBefore) where.push(`created_at < ${p(f.createdBefore)}`);
  if (f.cursor) where.push(`(created_at, id) < (${p(f.cursor.createdAt)}, ${p(f.cursor.id)}::uuid)`);
  return where;
}

/** Lists reports newest first with keyset pagination, filtered by the caller's read scope. */
export async function listReports(q: Queryable, f: ReportListFilter): Promise<Report[]> {
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = listWhere(f, p);
  const whereSql = where.length ? "where " + where.join(" and ") : "";
  // A kelurahan or kecamatan scope: collect the scope's matches through its indexes (involved_unit_ids,
  // kelurahan_code: a few thousand reports, bounded by the area), then sort. Left to itself, with a filter the
  // planner walks reports_created_idx for the whole city and drops what is out of scope: measured on 100,000
  // reports (bench/inbox.ts), 41,000 rows read for one page of a busy kelurahan with category=jalan_rusak.
  // Kota-wide and wider scopes, and unit scopes without an area (an agency, the triage desk, which may be
  // involved in most reports), keep the plain query: there collecting the whole scope can cost a full scan.
  // The same holds for a kelurahan or kecamatan filter (kelurahan=31.71.01...) in any scope.
  const narrowArea = (code: string | null | undefined) => !!code && code.split(".").length >= 3;
  const narrow = (f.scope !== null && narrowArea(f.scope.regionPrefix)) || narrowArea(f.kelurahan);
  const sql = narrow
    ? `with scoped as materialized (select id, created_at from reports ${whereSql})
      select r.* from reports r join (select id from scoped order by created_at desc, id desc limit ${p(f.limit)}) page using (id)
      order by r.created_at desc, r.id desc`
    : `select * from reports ${whereSql}
    order by created_at desc, id desc limit ${p(f.limit)}`;
  const { rows } = await q.query<ReportRow>(sql, values);
  return rows.map(toReport);
}

export interface ReportPoint {
  ticket: string;
  state: ReportState;
  categoryCode: string | null;
  lat: number;
  lon: number;
}

/** The located reports of the inbox's filters and scope, newest first, for the map (no cursor). */
export async function listReportPoints(q: Queryable, f: Omit<ReportListFilter, "cursor">): Promise<ReportPoint[]> {
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = [...listWhere(f, p), "lat is not null", "lon is not null"];
  const { rows } = await q.query<{ ticket: string; state: ReportState; category_code: string | null; lat: number; lon: number }>(
    `select ticket, state, category_code, lat, lon from reports where ${where.join(" and ")}
     order by created_at desc, id desc limit ${p(f.limit)}`,
    values,
  );
  return rows.map((r) => ({ ticket: r.ticket, state: r.state, categoryCode: r.category_code, lat: r.lat, lon: r.lon }));
}

/** Open reports past a deadline and not yet flagged: the SLA sweep's work list. */
export async function listSlaCandidates(q: Queryable, now: Date, limit: number): Promise<Report[]> {
  const { rows } = await q.query<ReportRow>(
    `select * from reports
     where state not in ('done', 'closed')
       and ((not resolution_breached and resolution_due_at < $1)
         or (not first_action_breached and first_action_at is null and first_action_due_at < $1))
     order by resolution_due_at nulls last limit $2`,
    [now, limit],
  );
  return rows.map(toReport);
}

/** Adds one supporter (+1) once per supporter key; returns false when already counted. */
export async function addSupport(tx: Queryable, reportId: string, supporterKey: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    "insert into report_supports (report_id, supporter_key) values ($1, $2) on conflict do nothing",
    [reportId, supporterKey],
  );
  if (!rowCount) return false;
  await tx.query("update reports set support_count = support_count + 1, version = version + 1 where id = $1", [reportId]);
  return true;
}

/** Records the deadlines a partner system set on a report (LAPOR!). */
export async function setPartnerDeadlines(q: Queryable, reportId: string, deadlines: Report["partnerDeadlines"]): Promise<void> {
  await q.query("update reports set partner_deadlines = $2::jsonb where id = $1", [reportId, JSON.stringify(deadlines)]);
}

/** Something public about the report changed without a state change (a public comment, a photo): cached views are stale. */
export async function bumpReportVersion(q: Queryable, reportId: string): Promise<void> {
  await q.query("update reports set version = version + 1 where id = $1", [reportId]);
}
