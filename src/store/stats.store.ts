/** Reads of the monitoring aggregates (migration 014): never the reports table. */
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

/** Where clause over an aggregate with kelurahan_code, a unit column, category_code and channel. */
function where(f: StatsFilter, p: Binder, unitColumn: string): string[] {
  const w: string[] = [];
  if (f.scope) {
    const parts: string[] = [];
    if (f.scope.unitIds.length) parts.push(`${unitColumn} = any(${p(f.scope.unitIds)}::text[])`);
    if (f.scope.regionPrefix) {
      const r = p(f.scope.regionPrefix);
      parts.push(`kelurahan_code = ${r}`, `kelurahan_code like ${r} || '.%'`);
    }
    w.push(parts.length ? `(${parts.join(" or ")})` : "false");
  }
  if (f.area) {
    const a = p(f.area);
    w.push(`(kelurahan_code = ${a} or kelurahan_code like ${a} || '.%')`);
  }
  if (f.unit) w.push(`${unitColumn} = ${p(f.unit)}`);
  if (f.category) w.push(`category_code = ${p(f.category)}`);
  if (f.channel) w.push(`channel = ${p(f.channel)}`);
  return w;
}

const whereSql = (w: string[]) => (w.length ? `where ${w.join(" and ")}` : "");

export interface CurrentRow {
  /** which grouping the row belongs to */
  kind: "state" | "day" | "channel" | "category";
  state: string | null;
  redReason: string | null;
  day: string | null;
  channel: string | null;
  category: string | null;
  n: number;
  overdue: number;
}

/** Current counts by (state, red reason), by open creation day, by channel and by category in one pass. */
export async function currentCounts(q: Queryable, f: StatsFilter): Promise<CurrentRow[]> {
  const { values, p } = binder();
  const { rows } = await q.query<{ g_state: number; g_day: number; g_channel: number; state: string | null; red_reason: string | null; day: string | null; channel: string | null; category_code: string | null; n: string; overdue: string }>(
    `select grouping(state, red_reason) as g_state, grouping(created_day) as g_day, grouping(channel) as g_channel,
       state, red_reason, to_char(created_day, 'YYYY-MM-DD') as day, channel, category_code,
       sum(n)::bigint as n, coalesce(sum(n) filter (where overdue), 0)::bigint as overdue
     from stats_current ${whereSql(where(f, p, "holding_unit_id"))}
     group by grouping sets ((state, red_reason), (created_day), (channel), (category_code))`,
    values,
  );
  return rows
    .map((r) => ({
      kind: (r.g_state === 0 ? "state" : r.g_day === 0 ? "day" : r.g_channel === 0 ? "channel" : "category") as CurrentRow["kind"],
      state: r.state,
      redReason: r.red_reason,
      day: r.day,
      channel: r.channel,
      category: r.category_code,
      n: Number(r.n),
      overdue: Number(r.overdue),
    }))
    .filter((r) => r.n !== 0);
}

/** Current counts by region prefix (length 5 kota, 8 kecamatan, 13 kelurahan), state and red reason. */
export async function areaCounts(q: Queryable, f: StatsFilter, codeLength: number): Promise<Array<{ code: string; state: string; redReason: string; n: number }>> {
  const { values, p } = binder();
  const w = [...where(f, p, "holding_unit_id"), `length(kelurahan_code) >= ${p(codeLength)}`];
  const { rows } = await q.query<{ code: string; state: string; red_reason: string; n: string }>(
    `select left(kelurahan_code, ${p(codeLength)}) as code, state, red_reason, sum(n)::bigint as n
     from stats_current ${whereSql(w)} group by 1, 2, 3 having sum(n) <> 0`,
    values,
  );
  return rows.map((r) => ({ code: r.code, state: r.state, redReason: r.red_reason, n: Number(r.n) }));
}

/** Current counts by holding unit and state. */
export async function unitCurrentCounts(q: Queryable, f: StatsFilter): Promise<Array<{ unitId: string; state: string; n: number }>> {
  const { values, p } = binder();
  const { rows } = await q.query<{ holding_unit_id: string; state: string; n: string }>(
    `select holding_unit_id, state, sum(n)::bigint as n from stats_current ${whereSql(where(f, p, "holding_unit_id"))}
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

const FLOW_SELECT = `coalesce(sum(created), 0)::bigint as created, coalesce(sum(first_action), 0)::bigint as first_action,
  coalesce(sum(first_action_on_time), 0)::bigint as first_action_on_time, coalesce(sum(follow_up_submitted), 0)::bigint as follow_up_submitted,
  coalesce(sum(done), 0)::bigint as done, coalesce(sum(closed), 0)::bigint as closed, coalesce(sum(resolved_on_time), 0)::bigint as resolved_on_time,
  coalesce(sum(reopened), 0)::bigint as reopened, coalesce(sum(follow_up_rejected), 0)::bigint as follow_up_rejected,
  coalesce(sum(sla_breached), 0)::bigint as sla_breached`;

type FlowRow = Record<"created" | "first_action" | "first_action_on_time" | "follow_up_submitted" | "done" | "closed" | "resolved_on_time" | "reopened" | "follow_up_rejected" | "sla_breached", string>;

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
  const { rows } = await q.query<FlowRow & { key: string }>(
    `select ${key} as key, ${FLOW_SELECT} from stats_daily ${whereSql(w)} group by 1 order by 1`,
    values,
  );
  if (groupBy === "total" && rows.length === 0) return [{ key: "total", flow: zeroFlow() }];
  return rows.map((r) => ({ key: r.key, flow: toFlow(r) }));
}

export function zeroFlow(): FlowSums {
  return { created: 0, firstAction: 0, firstActionOnTime: 0, followUpSubmitted: 0, done: 0, closed: 0, resolvedOnTime: 0, reopened: 0, followUpRejected: 0, slaBreached: 0 };
}

/**
 * Custody time per unit and whole-working-day bucket: closed segments that ended between the dates,
 * plus (when `openAt` is given) the segments still open, measured up to that instant.
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
  const parts = [`select unit_id, bucket::int as bucket, segments::bigint as segments, held_ms from stats_held ${whereSql(closed)}`];
  if (openAt) {
    const at = p(openAt);
    parts.push(`select unit_id, least(ms / 86400000, 60)::int as bucket, 1::bigint as segments, ms as held_ms
      from (select unit_id, stats_working_ms(since, ${at}) as ms from stats_custody ${whereSql([...w, "unit_id is not null"])}) o`);
  }
  const { rows } = await q.query<{ unit_id: string; bucket: number; segments: string; held_ms: string }>(
    `select unit_id, bucket, sum(segments)::bigint as segments, sum(held_ms)::bigint as held_ms
     from (${parts.join(" union all ")}) x group by 1, 2`,
    values,
  );
  return rows.map((r) => ({ unitId: r.unit_id, bucket: Number(r.bucket), segments: Number(r.segments), heldMs: Number(r.held_ms) }));
}

/** Folds the aggregates' delta rows into one row per key (false when another compaction is running). */
export async function compactStats(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ done: boolean }>("select stats_compact() as done");
  return rows[0]?.done ?? false;
}

/** Recomputes every aggregate from reports and report_events (after a bulk load). */
export async function rebuildStats(q: Queryable): Promise<void> {
  await q.query("select stats_rebuild()");
}
