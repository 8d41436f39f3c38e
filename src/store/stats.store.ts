/** Reads of the monitoring aggregates (migrations 014, 015): never the reports table. */
import type { Queryable } from "./db.ts";

export interface StatsFilter {
  /** null = everything; else reports held by one of the units or located in the region */
  scope: { unitIds: string[]; regionPrefix: string | null } | null;
  /** a region code or prefix of whole segments */
  area?: string;
  unit?: string;
  category?: string;
  channel?: string;
}

type Binder = (v: unknown) => string;

function binder(): { values: unknown[]; p: Binder } {
  const values: unknown[] = [];
  return { values, p: (v) => (values.push(v), `$${values.length}`) };
}

/**
 * Which grain of an aggregate answers (migration 015): every dimension ('all'), place and unit only ('place'),
 * or category and channel only ('kind'). The smallest one that has the columns the filters and groupings need.
 */
type Grain = "all" | "place" | "kind";

function grainFor(f: StatsFilter, needs: { place?: boolean; kind?: boolean }): Grain {
  const place = needs.place || !!(f.scope || f.area || f.unit);
  const kind = needs.kind || !!(f.category || f.channel);
  return place && kind ? "all" : place ? "place" : "kind";
}

const NOW_COLUMNS: Record<Grain, string> = {
  all: "kelurahan_code, holding_unit_id, category_code, channel, state, red_reason",
  place: "kelurahan_code, holding_unit_id, state, red_reason",
  kind: "category_code, channel, state, red_reason",
};
const NOW_TABLE: Record<Grain, string> = { all: "stats_now", place: "stats_now_place", kind: "stats_now_kind" };

/** Reports now at a grain: the folded table plus the log rows not folded yet. */
function nowSource(g: Grain): string {
  const cols = NOW_COLUMNS[g];
  return `(select ${cols}, n, overdue from ${NOW_TABLE[g]}
    union all select ${cols}, n::bigint, case when overdue then n else 0 end::bigint from stats_log_current) s`;
}

/**
 * A region code or every code under it, as byte ranges of `kelurahan_code collate "C"` (the aggregates'
 * indexes, migration 015): '31.71' is 31.71 itself and everything from '31.71.' up to '31.71/' ('/' follows '.').
 */
function inRegion(code: string): string {
  const c = `kelurahan_code collate "C"`;
  return `${c} = ${code} or (${c} >= ${code} || '.' and ${c} < ${code} || '/')`;
}

/** Where clause over an aggregate with kelurahan_code, a unit column, category_code and channel. */
function where(f: StatsFilter, p: Binder, unitColumn: string): string[] {
  const w: string[] = [];
  if (f.scope) {
    const parts: string[] = [];
    if (f.scope.unitIds.length) parts.push(`${unitColumn} = any(${p(f.scope.unitIds)}::text[])`);
    if (f.scope.regionPrefix) parts.push(inRegion(p(f.scope.regionPrefix)));
    w.push(parts.length ? `(${parts.join(" or ")})` : "false");
  }
  if (f.area) w.push(`(${inRegion(p(f.area))})`);
  if (f.unit) w.push(`${unitColumn} = ${p(f.unit)}`);
  if (f.category) w.push(`category_code = ${p(f.category)}`);
  if (f.channel) w.push(`channel = ${p(f.channel)}`);
  return w;
}

const whereSql = (w: string[]) => (w.length ? `where ${w.join(" and ")}` : "");

export interface CurrentRow {
  /** which grouping the row belongs to */
  kind: "state" | "channel" | "category";
  state: string | null;
  redReason: string | null;
  channel: string | null;
  category: string | null;
  n: number;
  overdue: number;
}

/** Current counts by (state, red reason), by channel and by category in one pass. */
export async function currentCounts(q: Queryable, f: StatsFilter): Promise<CurrentRow[]> {
  const { values, p } = binder();
  const { rows } = await q.query<{ g_state: number; g_channel: number; state: string | null; red_reason: string | null; channel: string | null; category_code: string | null; n: string; overdue: string }>(
    `select grouping(state, red_reason) as g_state, grouping(channel) as g_channel, state, red_reason, channel, category_code,
       sum(n)::bigint as n, sum(overdue)::bigint as overdue
     from ${nowSource(grainFor(f, { kind: true }))} ${whereSql(where(f, p, "holding_unit_id"))}
     group by grouping sets ((state, red_reason), (channel), (category_code))`,
    values,
  );
  return rows
    .map((r) => ({
      kind: (r.g_state === 0 ? "state" : r.g_channel === 0 ? "channel" : "category") as CurrentRow["kind"],
      state: r.state,
      redReason: r.red_reason,
      channel: r.channel,
      category: r.category_code,
      n: Number(r.n),
      overdue: Number(r.overdue),
    }))
    .filter((r) => r.n !== 0);
}

/** Open reports by Jakarta creation day (ageing). */
export async function openByCreationDay(q: Queryable, f: StatsFilter): Promise<Array<{ day: string; n: number }>> {
  const { values, p } = binder();
  const { rows } = await q.query<{ day: string; n: string }>(
    `select to_char(created_day, 'YYYY-MM-DD') as day, sum(n)::bigint as n
     from (select kelurahan_code, holding_unit_id, category_code, channel, created_day, n from stats_open_age
       union all select kelurahan_code, holding_unit_id, category_code, channel, created_day, n from stats_log_current where created_day is not null) s
     ${whereSql(where(f, p, "holding_unit_id"))}
     group by created_day having sum(n) <> 0`,
    values,
  );
  return rows.map((r) => ({ day: r.day, n: Number(r.n) }));
}

/** Current counts by region prefix (length 5 kota, 8 kecamatan, 13 kelurahan), state and red reason. */
export async function areaCounts(q: Queryable, f: StatsFilter, codeLength: number): Promise<Array<{ code: string; state: string; redReason: string; n: number }>> {
  const { values, p } = binder();
  const w = [...where(f, p, "holding_unit_id"), `length(kelurahan_code) >= ${p(codeLength)}`];
  const { rows } = await q.query<{ code: string; state: string; red_reason: string; n: string }>(
    `select left(kelurahan_code, ${p(codeLength)}) as code, state, red_reason, sum(n)::bigint as n
     from ${nowSource(grainFor(f, { place: true }))} ${whereSql(w)} group by 1, 2, 3 having sum(n) <> 0`,
    values,
  );
  return rows.map((r) => ({ code: r.code, state: r.state, redReason: r.red_reason, n: Number(r.n) }));
}

/** Current counts by holding unit and state. */
export async function unitCurrentCounts(q: Queryable, f: StatsFilter): Promise<Array<{ unitId: string; state: string; n: number }>> {
  const { values, p } = binder();
  const { rows } = await q.query<{ holding_unit_id: string; state: string; n: string }>(
    `select holding_unit_id, state, sum(n)::bigint as n from ${nowSource(grainFor(f, { place: true }))} ${whereSql(where(f, p, "holding_unit_id"))}
     group by 1, 2 having sum(n) <> 0`,
    values,
  );
  return rows.map((r) => ({ unitId: r.holding_unit_id, state: r.state, n: Number(r.n) }));
}

export interface FlowSums {
  created: number;
  firstAction: number;
  firstActionOnTime: number;
  followUpSubmitted: number;
  done: number;
  closed: number;
  resolvedOnTime: number;
  reopened: number;
  followUpRejected: number;
  slaBreached: number;
}

const FLOW_MEASURES = ["created", "first_action", "first_action_on_time", "follow_up_submitted", "done", "closed", "resolved_on_time", "reopened", "follow_up_rejected", "sla_breached"] as const;
const FLOW_SELECT = FLOW_MEASURES.map((m) => `coalesce(sum(${m}), 0)::bigint as ${m}`).join(", ");
const FLOW_KEYS: Record<Grain, string> = {
  all: "day, kelurahan_code, unit_id, category_code, channel",
  place: "day, kelurahan_code, unit_id",
  kind: "day, category_code, channel",
};
const FLOW_TABLE: Record<Grain, string> = { all: "stats_flow", place: "stats_flow_place", kind: "stats_flow_kind" };

/** Flows at a grain: the folded table plus the log rows not folded yet. */
function flowSource(g: Grain): string {
  const cols = `${FLOW_KEYS[g]}, ${FLOW_MEASURES.join(", ")}`;
  return `(select ${cols} from ${FLOW_TABLE[g]} union all select ${cols} from stats_log_flow) s`;
}

type FlowRow = Record<(typeof FLOW_MEASURES)[number], string>;

function toFlow(r: FlowRow): FlowSums {
  return {
    created: Number(r.created),
    firstAction: Number(r.first_action),
    firstActionOnTime: Number(r.first_action_on_time),
    followUpSubmitted: Number(r.follow_up_submitted),
    done: Number(r.done),
    closed: Number(r.closed),
    resolvedOnTime: Number(r.resolved_on_time),
    reopened: Number(r.reopened),
    followUpRejected: Number(r.follow_up_rejected),
    slaBreached: Number(r.sla_breached),
  };
}

/** Flows per group ('total', 'unit' or a period: 'day' | 'week' | 'month') between two Jakarta dates (inclusive). */
export async function flowSums(
  q: Queryable,
  f: StatsFilter,
  range: { from: string | null; to: string | null },
  groupBy: "total" | "unit" | "day" | "week" | "month",
): Promise<Array<{ key: string; flow: FlowSums }>> {
  const { values, p } = binder();
  const w = where(f, p, "unit_id");
  if (range.from) w.push(`day >= ${p(range.from)}::date`);
  if (range.to) w.push(`day <= ${p(range.to)}::date`);
  const key =
    groupBy === "total" ? "'total'" : groupBy === "unit" ? "unit_id" : groupBy === "day" ? "to_char(day, 'YYYY-MM-DD')" : `to_char(date_trunc('${groupBy}', day)::date, 'YYYY-MM-DD')`;
  const grain = grainFor(f, { place: groupBy === "unit" });
  const { rows } = await q.query<FlowRow & { key: string }>(
    `select ${key} as key, ${FLOW_SELECT} from ${flowSource(grain)} ${whereSql(w)} group by 1 order by 1`,
    values,
  );
  if (groupBy === "total" && rows.length === 0) return [{ key: "total", flow: zeroFlow() }];
  return rows.map((r) => ({ key: r.key, flow: toFlow(r) }));
}

function zeroFlow(): FlowSums {
  return { created: 0, firstAction: 0, firstActionOnTime: 0, followUpSubmitted: 0, done: 0, closed: 0, resolvedOnTime: 0, reopened: 0, followUpRejected: 0, slaBreached: 0 };
}

/**
 * Custody time per unit and whole-working-day bucket: closed segments that ended between the dates,
 * plus (when `openAt` is given) the segments still open, measured up to that instant. The open ones are
 * measured with a join on the working-day calendar (stats_calendar), not a function call per report.
 */
export async function heldByUnit(
  q: Queryable,
  unitIds: string[] | null,
  range: { from: string | null; to: string | null },
  openAt: Date | null,
): Promise<Array<{ unitId: string; bucket: number; segments: number; heldMs: number }>> {
  const { values, p } = binder();
  const w: string[] = [];
  if (unitIds) w.push(`unit_id = any(${p(unitIds)}::text[])`);
  const closed = [...w];
  if (range.from) closed.push(`day >= ${p(range.from)}::date`);
  if (range.to) closed.push(`day <= ${p(range.to)}::date`);
  const parts = [`select unit_id, bucket::int as bucket, segments::bigint as segments, held_ms
    from (select day, unit_id, bucket, segments, held_ms from stats_held
      union all select day, unit_id, bucket, segments, held_ms from stats_log_held) h ${whereSql(closed)}`];
  let open = "";
  if (openAt) {
    const at = p(openAt);
    open = `open_custody as (select unit_id, since from stats_custody ${whereSql([...w, "unit_id is not null"])}),
      cal as materialized (select * from stats_calendar(
        least((select min(stats_jakarta_day(since)) from open_custody), stats_jakarta_day(${at}::timestamptz)),
        greatest((select max(stats_jakarta_day(since)) from open_custody), stats_jakarta_day(${at}::timestamptz)))),
      until as (select before_ms + case when working then stats_ms_into_day(${at}::timestamptz) else 0 end as ms
        from cal where day = stats_jakarta_day(${at}::timestamptz)),
      open_held as (select o.unit_id, greatest(0, round(until.ms - c.before_ms - case when c.working then stats_ms_into_day(o.since) else 0 end))::bigint as ms
        from open_custody o join cal c on c.day = stats_jakarta_day(o.since) cross join until)`;
    parts.push("select unit_id, least(ms / 86400000, 60)::int as bucket, 1::bigint as segments, ms as held_ms from open_held");
  }
  const { rows } = await q.query<{ unit_id: string; bucket: number; segments: string; held_ms: string }>(
    `${open ? `with ${open} ` : ""}select unit_id, bucket, sum(segments)::bigint as segments, sum(held_ms)::bigint as held_ms
     from (${parts.join(" union all ")}) x group by 1, 2`,
    values,
  );
  return rows.map((r) => ({ unitId: r.unit_id, bucket: Number(r.bucket), segments: Number(r.segments), heldMs: Number(r.held_ms) }));
}

/** Folds the aggregates' delta logs into their tables (false when another fold is running). */
export async function compactStats(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ done: boolean }>("select stats_compact() as done");
  return rows[0]?.done ?? false;
}
