/**
 * Reads for the exports (CSV of the inbox, open data) and the executive summary. Exports walk the reports in
 * keyset batches (created_at desc, id desc, the cursor kept to the microsecond), so a million rows never sit in
 * memory at once. Only the columns an export may carry leave this file: no citizen, no address, no triage record.
 */
import type { Queryable } from "./db.ts";
import { listWhere, type ReportListFilter } from "./reports.store.ts";

/** The position after the last row of a batch: created_at to the microsecond, and the id. */
export interface KeysetCursor {
  at: string;
  id: string;
}

const CURSOR_AT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

export interface ExportRow {
  id: string;
  ticket: string;
  created_at: Date;
  state: string;
  kind: string;
  category_code: string | null;
  kelurahan_code: string | null;
  holding_unit_id: string;
  channel: string;
  overdue: boolean;
  reopen_count: number;
  support_count: number;
  resolution_due_at: Date | null;
  done_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  lat: number | null;
  lon: number | null;
  description: string;
  cursor_at: string;
}

function binder() {
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  return { values, p };
}

/** One batch of the inbox's filter and read scope (the same where clause as GET /api/v1/reports), newest first. */
export async function exportReportBatch(q: Queryable, f: Omit<ReportListFilter, "limit" | "cursor">, after: KeysetCursor | null, limit: number): Promise<ExportRow[]> {
  const { values, p } = binder();
  const where = listWhere(f, p);
  if (after) where.push(`(created_at, id) < (${p(after.at)}::timestamptz, ${p(after.id)}::uuid)`);
  const { rows } = await q.query<ExportRow>(
    `select id, ticket, created_at, state, kind, category_code, kelurahan_code, holding_unit_id, channel, overdue, reopen_count,
       support_count, resolution_due_at, done_at, closed_at, close_reason, lat, lon, description, ${CURSOR_AT}
     from reports ${where.length ? "where " + where.join(" and ") : ""}
     order by created_at desc, id desc limit ${p(limit)}`,
    values,
  );
  return rows;
}

export interface OpenDataFilter {
  from: Date;
  /** exclusive */
  to: Date;
  category?: string;
  /** a kelurahan code or a prefix of whole segments */
  kelurahan?: string;
}

export interface OpenDataRow {
  id: string;
  ticket: string;
  created_at: Date;
  state: string;
  category_code: string | null;
  kelurahan_code: string | null;
  channel: string;
  done_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  lat: number | null;
  lon: number | null;
  support_count: number;
  reopen_count: number;
  cursor_at: string;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => "\\" + c);

/** One batch of publicly listed reports (migration 011's `public_listed`) created in [from, to), newest first. */
export async function openDataBatch(q: Queryable, f: OpenDataFilter, after: KeysetCursor | null, limit: number): Promise<OpenDataRow[]> {
  const { values, p } = binder();
  const where = ["public_listed", `created_at >= ${p(f.from)}::timestamptz`, `created_at < ${p(f.to)}::timestamptz`];
  if (f.category) where.push(`category_code = ${p(f.category)}`);
  if (f.kelurahan) {
    where.push(/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(f.kelurahan) ? `kelurahan_code = ${p(f.kelurahan)}` : `kelurahan_code like ${p(likeEscape(f.kelurahan) + ".%")}`);
  }
  if (after) where.push(`(created_at, id) < (${p(after.at)}::timestamptz, ${p(after.id)}::uuid)`);
  const { rows } = await q.query<OpenDataRow>(
    `select id, ticket, created_at, state, category_code, kelurahan_code, channel, done_at, closed_at, close_reason,
       lat, lon, support_count, reopen_count, ${CURSOR_AT}
     from reports where ${where.join(" and ")}
     order by created_at desc, id desc limit ${p(limit)}`,
    values,
  );
  return rows;
}

export interface SummaryScope {
  /** the read scope of the caller (null = the whole city) */
  scope: ReportListFilter["scope"];
}

export interface SummaryCounts {
  created: number;
  done: number;
  closed: number;
}

export interface OpenAtEndRow {
  ticket: string;
  created_at: Date;
  state: string;
  red_reason: string | null;
  category_code: string | null;
  kelurahan_code: string | null;
  unit_id: string;
  overdue: boolean;
}

export interface SummaryData {
  counts: SummaryCounts;
  openByState: Array<{ red_reason: string | null; state: string; n: number }>;
  oldestOpen: OpenAtEndRow[];
  overdueUnits: Array<{ unit_id: string; n: number }>;
  sla: { on_time: number; late: number; no_deadline: number };
  categories: Array<{ category_code: string | null; n: number }>;
  channels: Array<{ channel: string; n: number }>;
}

/**
 * The summary's figures for [start, end) from reports and report_events directly: what was received, done and
 * closed in the period; each report's state and holder at the period's end (its last event before the end);
 * SLA compliance of reports done in the period; the mix of categories and channels received.
 */
export async function summaryFigures(q: Queryable, s: SummaryScope, start: Date, end: Date, topN: number, now: Date): Promise<SummaryData> {
  const { values, p } = binder();
  const scopeWhere = listWhere({ scope: s.scope }, p);
  const scoped = scopeWhere.length ? scopeWhere.join(" and ") : "true";
  const $start = p(start);
  const $end = p(end);
  const $top = p(topN);
  // Every report in scope received before the end, with its state and holding unit at the end. A period still
  // running ends after now: its state at the end is the report's state now (the open ones through their index).
  const atEnd = end > now ? `
    at_end as materialized (
      select r.id, r.ticket, r.created_at, r.category_code, r.kelurahan_code, r.resolution_due_at, r.state, r.holding_unit_id as unit_id,
        r.red_reason as red_reason_now
      from reports r
      where ${scoped} and r.created_at < ${$end}::timestamptz and r.state not in ('done', 'closed')
    ),` : `
    at_end as materialized (
      select r.id, r.ticket, r.created_at, r.category_code, r.kelurahan_code, r.resolution_due_at,
        coalesce(st.to_state, r.state) as state,
        coalesce(hu.to_unit_id, r.holding_unit_id) as unit_id
      from reports r
      left join lateral (select e.id, e.to_state from report_events e where e.report_id = r.id and e.to_state is not null
        and e.created_at < ${$end}::timestamptz order by e.id desc limit 1) st on true
      left join lateral (select e.to_unit_id from report_events e where e.report_id = r.id and e.to_unit_id is not null
        and e.created_at < ${$end}::timestamptz order by e.id desc limit 1) hu on true
      where ${scoped} and r.created_at < ${$end}::timestamptz
        -- A report done or closed now and not changed since the end was done or closed at the end too (every
        -- transition writes updated_at with its events' time): only the others can have been open then.
        and (r.state not in ('done', 'closed') or r.updated_at >= ${$end}::timestamptz)
    ),`;
  // why an open report is red: kept on the row for a running period (migration 014's red_reason), else from the events
  const openAtEnd = end > now ? `
    open_at_end as materialized (
      select a.*, a.red_reason_now as red_reason, (a.resolution_due_at is not null and a.resolution_due_at < ${$end}::timestamptz) as overdue
      from at_end a
    )` : `
    open_at_end as materialized (
      select a.*,
        case
          when a.state in ('triage', 'coordination', 'disposition') then a.state
          -- Waiting again after a reopen (a reopened event, or a dispute that moved it) since it last left red:
          -- the same rule as the portal's red reason (src/domain/projection.ts).
          when a.state = 'waiting' and exists (
            select 1 from report_events e where e.report_id = a.id and e.created_at < ${$end}::timestamptz
              and (e.type = 'reopened' or (e.type = 'disputed' and e.to_state is not null))
              and e.id > coalesce((select max(x.id) from report_events x where x.report_id = a.id and x.created_at < ${$end}::timestamptz
                and x.to_state is not null and x.to_state not in ('triage', 'waiting', 'coordination', 'disposition')), 0)
          ) then 'reopened'
          when a.state = 'waiting' then 'waiting'
          else null
        end as red_reason,
        (a.resolution_due_at is not null and a.resolution_due_at < ${$end}::timestamptz) as overdue
      from at_end a where a.state not in ('done', 'closed')
    )`;
  const sql = `with ${atEnd}${openAtEnd},
    in_period as (select r.id, r.category_code, r.channel from reports r where ${scoped}
      and r.created_at >= ${$start}::timestamptz and r.created_at < ${$end}::timestamptz),
    finished as (
      select e.report_id, e.to_state, max(e.created_at) as at, r.resolution_due_at from report_events e join reports r on r.id = e.report_id
      where ${scoped} and e.to_state in ('done', 'closed') and e.created_at >= ${$start}::timestamptz and e.created_at < ${$end}::timestamptz
      group by e.report_id, e.to_state, r.resolution_due_at
    ),
    done_sla as (select report_id, at, resolution_due_at from finished where to_state = 'done')
    select json_build_object(
      'counts', json_build_object(
        'created', (select count(*) from in_period),
        'done', (select count(*) from finished where to_state = 'done'),
        'closed', (select count(*) from finished where to_state = 'closed')),
      'openByState', coalesce((select json_agg(x) from (select red_reason, state, count(*)::int as n from open_at_end group by red_reason, state) x), '[]'::json),
      'oldestOpen', coalesce((select json_agg(x) from (select ticket, created_at, state, red_reason, category_code, kelurahan_code, unit_id, overdue
        from open_at_end order by created_at, id limit 5) x), '[]'::json),
      'overdueUnits', coalesce((select json_agg(x) from (select unit_id, count(*)::int as n from open_at_end where overdue
        group by unit_id order by n desc, unit_id limit ${$top}) x), '[]'::json),
      'sla', json_build_object(
        'on_time', (select count(*) from done_sla where resolution_due_at is not null and at <= resolution_due_at),
        'late', (select count(*) from done_sla where resolution_due_at is not null and at > resolution_due_at),
        'no_deadline', (select count(*) from done_sla where resolution_due_at is null)),
      'categories', coalesce((select json_agg(x) from (select category_code, count(*)::int as n from in_period
        group by category_code order by n desc, category_code nulls last limit ${$top}) x), '[]'::json),
      'channels', coalesce((select json_agg(x) from (select channel, count(*)::int as n from in_period
        group by channel order by n desc, channel) x), '[]'::json)
    ) as figures`;
  const { rows } = await q.query<{ figures: SummaryData }>(sql, values);
  const f = rows[0]!.figures;
  return {
    ...f,
    counts: { created: Number(f.counts.created), done: Number(f.counts.done), closed: Number(f.counts.closed) },
    sla: { on_time: Number(f.sla.on_time), late: Number(f.sla.late), no_deadline: Number(f.sla.no_deadline) },
    oldestOpen: f.oldestOpen.map((o) => ({ ...o, created_at: new Date(o.created_at) })),
  };
}
