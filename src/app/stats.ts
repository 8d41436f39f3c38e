/**
 * Monitoring (issue 6): fair numbers from the incremental aggregates, scoped by role. Every figure of
 * the overview comes with the query string of GET /api/v1/reports that lists the reports behind it.
 */
import { readScope, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { COLOUR_STATES, STATE_COLOUR, type Colour, type Language, type ReportState } from "../domain/report.ts";
import {
  addDays,
  AGEING_BUCKETS,
  ageingBucket,
  ageingWindow,
  DEFAULT_MIN_VOLUME,
  histogramMedian,
  jakartaDate,
  rankingMethod,
  rankUnits,
  rate,
  type AgeingBucket,
} from "../domain/stats.ts";
import { RED_REASONS, type RedReason } from "../domain/projection.ts";
import { areaCounts, compactStats, currentCounts, flowSums, heldByUnit, openByCreationDay, unitCurrentCounts, type StatsFilter } from "../store/stats.store.ts";
import type { AppContext } from "./context.ts";
import type { Reference } from "./reference-cache.ts";

export interface StatsQuery {
  kota?: string;
  kecamatan?: string;
  kelurahan?: string;
  unit?: string;
  category?: string;
  channel?: string;
  /** Jakarta dates, inclusive: the period of flows (SLA, rates, trend, rankings) */
  from?: string;
  to?: string;
}

const OPEN_STATES: ReportState[] = [...COLOUR_STATES.red, ...COLOUR_STATES.yellow];
const DEFAULT_PERIOD_DAYS = 30;

/**
 * Folds the delta logs into the aggregate tables (migration 015). Writers only append to the logs and readers add
 * the rows not folded yet, so figures are exact either way; folding keeps the logs short. The worker runs it every
 * minute (measured on 1M reports: 11.5 ms for 600 log rows).
 */
export async function compactStatistics(ctx: AppContext): Promise<boolean> {
  return compactStats(ctx.pool);
}

function scopeOf(actor: Actor, ref: Reference): StatsFilter["scope"] {
  const scope = readScope(actor, ref.units);
  return scope && { unitIds: [...scope.unitIds], regionPrefix: scope.regionPrefix };
}

function filterOf(actor: Actor, ref: Reference, q: StatsQuery): StatsFilter {
  const area = q.kelurahan ?? q.kecamatan ?? q.kota;
  for (const [name, code] of [["kota", q.kota], ["kecamatan", q.kecamatan], ["kelurahan", q.kelurahan]] as const) {
    if (code && area && !area.startsWith(code)) throw new DomainError("VALIDATION_FAILED", `${name} ${code} does not contain ${area}`);
  }
  return { scope: scopeOf(actor, ref), area, unit: q.unit, category: q.category, channel: q.channel };
}

function period(ctx: AppContext, q: StatsQuery, defaultDays = DEFAULT_PERIOD_DAYS): { from: string; to: string } {
  const to = q.to ?? jakartaDate(ctx.now());
  const from = q.from ?? addDays(to, -(defaultDays - 1));
  if (from > to) throw new DomainError("VALIDATION_FAILED", "from must not be after to");
  return { from, to };
}

/** The list filters of GET /api/v1/reports that reproduce the stats filters (scope is the caller's own). */
function baseLink(f: StatsFilter): Record<string, string> {
  // a scoped caller's figures count what its units hold now (or what lies in its area); its list alone would
  // also show what they held once and handed on
  const out: Record<string, string> = f.scope ? { held: "now" } : {};
  if (f.area) out.kelurahan = f.area;
  if (f.unit) out.unit = f.unit;
  if (f.category) out.category = f.category;
  if (f.channel) out.channel = f.channel;
  return out;
}

function link(base: Record<string, string>, extra: Record<string, string>): string {
  return new URLSearchParams({ ...base, ...extra }).toString();
}

export async function statsOverview(ctx: AppContext, actor: Actor, q: StatsQuery, language: Language) {
  const ref = await ctx.reference.get();
  const f = filterOf(actor, ref, q);
  const range = period(ctx, q);
  const [rows, open, [flow]] = await Promise.all([currentCounts(ctx.pool, f), openByCreationDay(ctx.pool, f), flowSums(ctx.pool, f, range, "total")]);
  const totals: Record<Colour | "total", number> = { red: 0, yellow: 0, green: 0, grey: 0, total: 0 };
  const red: Record<RedReason, number> = { waiting: 0, reopened: 0, coordination: 0, disposition: 0, triage: 0 };
  let overdue = 0;
  const today = jakartaDate(ctx.now());
  const ageing = new Map<AgeingBucket, number>(AGEING_BUCKETS.map((b) => [b, 0]));
  const channels: Array<{ channel: string; count: number }> = [];
  const categories: Array<{ code: string; count: number }> = [];
  for (const r of rows) {
    if (r.kind === "state" && r.state) {
      const colour = STATE_COLOUR[r.state as ReportState];
      if (colour) totals[colour] += r.n;
      totals.total += r.n;
      if (r.redReason && (RED_REASONS as readonly string[]).includes(r.redReason)) red[r.redReason as RedReason] += r.n;
      overdue += r.overdue;
    } else if (r.kind === "channel" && r.channel !== null) {
      channels.push({ channel: r.channel, count: r.n });
    } else if (r.kind === "category" && r.category !== null) {
      categories.push({ code: r.category, count: r.n });
    }
  }
  for (const o of open) {
    const age = Math.round((Date.parse(today) - Date.parse(o.day)) / 86_400_000);
    const bucket = ageingBucket(age);
    ageing.set(bucket, (ageing.get(bucket) ?? 0) + o.n);
  }
  channels.sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
  categories.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const base = baseLink(f);
  const flowTotal = flow!.flow;
  const resolved = flowTotal.done + flowTotal.closed;
  const ageingItems = AGEING_BUCKETS.map((bucket) => {
    const w = ageingWindow(bucket, today);
    const extra: Record<string, string> = { state: OPEN_STATES.join(",") };
    if (w.after) extra.createdAfter = w.after.toISOString();
    if (w.before) extra.createdBefore = w.before.toISOString();
    return { bucket, open: ageing.get(bucket) ?? 0, link: link(base, extra) };
  });
  const categoryName = (code: string) => {
    const c = ref.categories.get(code);
    return c ? (language === "en" ? c.nameEn : c.nameId) : code === "" ? (language === "en" ? "Uncategorised" : "Belum berkategori") : code;
  };
  return {
    period: range,
    totals,
    red,
    ageing: ageingItems,
    sla: { onTime: flowTotal.resolvedOnTime, late: resolved - flowTotal.resolvedOnTime, compliance: rate(flowTotal.resolvedOnTime, resolved) },
    firstAction: { onTime: flowTotal.firstActionOnTime, late: flowTotal.firstAction - flowTotal.firstActionOnTime, compliance: rate(flowTotal.firstActionOnTime, flowTotal.firstAction) },
    flows: flowTotal,
    rates: { reopen: rate(flowTotal.reopened, resolved), followUpRejection: rate(flowTotal.followUpRejected, flowTotal.followUpSubmitted) },
    channels: channels.map((c) => ({ ...c, link: link(base, { channel: c.channel }) })),
    categories: categories.map((c) => ({ code: c.code, name: categoryName(c.code), count: c.count, link: c.code ? link(base, { category: c.code }) : null })),
    overdue: { count: overdue, link: link(base, { overdue: "true" }) },
    links: {
      totals: {
        red: link(base, { colour: "red" }),
        yellow: link(base, { colour: "yellow" }),
        green: link(base, { colour: "green" }),
        grey: link(base, { colour: "grey" }),
        total: link(base, {}),
      },
      red: Object.fromEntries(RED_REASONS.map((r) => [r, link(base, { redReason: r })])) as Record<RedReason, string>,
      ageing: Object.fromEntries(ageingItems.map((a) => [a.bucket, a.link])) as Record<AgeingBucket, string>,
      overdue: link(base, { overdue: "true" }),
    },
  };
}

const AREA_LENGTH = { kota: 5, kecamatan: 8, kelurahan: 13 } as const;

export async function statsAreas(ctx: AppContext, actor: Actor, q: StatsQuery & { level: keyof typeof AREA_LENGTH }) {
  const ref = await ctx.reference.get();
  const f = filterOf(actor, ref, q);
  const rows = await areaCounts(ctx.pool, f, AREA_LENGTH[q.level]);
  const byCode = new Map<string, { code: string; name: string; red: number; yellow: number; green: number; grey: number; total: number; redBreakdown: Record<RedReason, number> }>();
  for (const r of rows) {
    let item = byCode.get(r.code);
    if (!item) {
      item = { code: r.code, name: ref.regionNames.get(r.code) ?? r.code, red: 0, yellow: 0, green: 0, grey: 0, total: 0, redBreakdown: { waiting: 0, reopened: 0, coordination: 0, disposition: 0, triage: 0 } };
      byCode.set(r.code, item);
    }
    const colour = STATE_COLOUR[r.state as ReportState];
    if (colour) item[colour] += r.n;
    item.total += r.n;
    if ((RED_REASONS as readonly string[]).includes(r.redReason)) item.redBreakdown[r.redReason as RedReason] += r.n;
  }
  const base = baseLink(f);
  return {
    level: q.level,
    items: [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)).map((i) => ({ ...i, link: link({ ...base, kelurahan: i.code }, {}) })),
  };
}

function unitsInScope(actor: Actor, ref: Reference, kinds: readonly string[]) {
  const scope = readScope(actor, ref.units);
  return ref.units.all().filter((u) => kinds.includes(u.kind) && (!scope || scope.unitIds.has(u.id)));
}

const WORKING_DAY_MS = 86_400_000;
const round2 = (v: number) => Math.round(v * 100) / 100;

function heldSummary(rows: Array<{ unitId: string; bucket: number; segments: number; heldMs: number }>) {
  const byUnit = new Map<string, { heldMs: number; segments: number; hist: Map<number, number> }>();
  for (const r of rows) {
    const u = byUnit.get(r.unitId) ?? { heldMs: 0, segments: 0, hist: new Map<number, number>() };
    u.heldMs += r.heldMs;
    u.segments += r.segments;
    u.hist.set(r.bucket, (u.hist.get(r.bucket) ?? 0) + r.segments);
    byUnit.set(r.unitId, u);
  }
  return byUnit;
}

export async function statsUnits(ctx: AppContext, actor: Actor, q: StatsQuery & { kind: "kelurahan" | "agency" | "sub_office" }) {
  const ref = await ctx.reference.get();
  const f = filterOf(actor, ref, q);
  const range = period(ctx, q);
  const units = unitsInScope(actor, ref, [q.kind]).filter((u) => !q.unit || u.id === q.unit);
  const ids = units.map((u) => u.id);
  const [current, flows, held] = await Promise.all([
    unitCurrentCounts(ctx.pool, { ...f, scope: { unitIds: ids, regionPrefix: null } }),
    flowSums(ctx.pool, { ...f, scope: { unitIds: ids, regionPrefix: null } }, range, "unit"),
    heldByUnit(ctx.pool, ids, range, ctx.now()),
  ]);
  const flowByUnit = new Map(flows.map((r) => [r.key, r.flow]));
  const heldBy = heldSummary(held);
  const base = baseLink(f);
  const items = units.map((u) => {
    const now = { red: 0, yellow: 0, green: 0, grey: 0, total: 0 };
    for (const c of current) {
      if (c.unitId !== u.id) continue;
      const colour = STATE_COLOUR[c.state as ReportState];
      if (colour) now[colour] += c.n;
      now.total += c.n;
    }
    const fl = flowByUnit.get(u.id);
    const h = heldBy.get(u.id);
    const resolved = (fl?.done ?? 0) + (fl?.closed ?? 0);
    return {
      unit: { id: u.id, name: u.name, kind: u.kind },
      held: now,
      heldWorkingDays: {
        sum: round2((h?.heldMs ?? 0) / WORKING_DAY_MS),
        median: h ? histogramMedian(h.hist) : null,
        segments: h?.segments ?? 0,
      },
      firstAction: { count: fl?.firstAction ?? 0, onTime: fl?.firstActionOnTime ?? 0, compliance: rate(fl?.firstActionOnTime ?? 0, fl?.firstAction ?? 0) },
      resolution: { count: resolved, onTime: fl?.resolvedOnTime ?? 0, compliance: rate(fl?.resolvedOnTime ?? 0, resolved) },
      link: link({ ...base, unit: u.id }, { state: OPEN_STATES.join(",") }),
    };
  });
  items.sort((a, b) => b.held.total - a.held.total || a.unit.id.localeCompare(b.unit.id));
  return { kind: q.kind, period: range, items };
}

function periodKeys(interval: "day" | "week" | "month", from: string, to: string): string[] {
  const keys: string[] = [];
  let cursor = from;
  if (interval === "week") {
    const weekday = (new Date(`${from}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    cursor = addDays(from, -weekday);
  } else if (interval === "month") {
    cursor = `${from.slice(0, 7)}-01`;
  }
  while (cursor <= to && keys.length < 1000) {
    keys.push(cursor);
    if (interval === "day") cursor = addDays(cursor, 1);
    else if (interval === "week") cursor = addDays(cursor, 7);
    else {
      const d = new Date(`${cursor}T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() + 1);
      cursor = d.toISOString().slice(0, 10);
    }
  }
  return keys;
}

const TREND_DEFAULT_DAYS = { day: 30, week: 84, month: 365 } as const;

export async function statsTrend(ctx: AppContext, actor: Actor, q: StatsQuery & { interval: "day" | "week" | "month" }) {
  const ref = await ctx.reference.get();
  const f = filterOf(actor, ref, q);
  const range = period(ctx, q, TREND_DEFAULT_DAYS[q.interval]);
  if (q.interval === "day" && Date.parse(range.to) - Date.parse(range.from) > 731 * 86_400_000)
    throw new DomainError("VALIDATION_FAILED", "at most two years of days; use interval=week or month");
  const rows = await flowSums(ctx.pool, f, range, q.interval);
  const byKey = new Map(rows.map((r) => [r.key, r.flow]));
  return {
    interval: q.interval,
    period: range,
    items: periodKeys(q.interval, range.from, range.to).map((period) => {
      const fl = byKey.get(period);
      return {
        period,
        created: fl?.created ?? 0,
        done: fl?.done ?? 0,
        closed: fl?.closed ?? 0,
        reopened: fl?.reopened ?? 0,
        followUpRejected: fl?.followUpRejected ?? 0,
        slaBreached: fl?.slaBreached ?? 0,
      };
    }),
  };
}

export async function statsRankings(ctx: AppContext, actor: Actor, q: { kind: "kelurahan" | "agency"; from?: string; to?: string; minVolume?: number }) {
  const ref = await ctx.reference.get();
  const range = period(ctx, q);
  const minVolume = q.minVolume ?? DEFAULT_MIN_VOLUME;
  const units = unitsInScope(actor, ref, [q.kind]);
  const ids = units.map((u) => u.id);
  const [flows, held] = await Promise.all([
    flowSums(ctx.pool, { scope: { unitIds: ids, regionPrefix: null } }, range, "unit"),
    heldByUnit(ctx.pool, ids, range, ctx.now()),
  ]);
  const flowByUnit = new Map(flows.map((r) => [r.key, r.flow]));
  const heldBy = heldSummary(held);
  const ranked = rankUnits(
    units.map((u) => {
      const fl = flowByUnit.get(u.id);
      const h = heldBy.get(u.id);
      return {
        unit: { id: u.id, name: u.name },
        volume: (fl?.done ?? 0) + (fl?.closed ?? 0),
        resolvedOnTime: fl?.resolvedOnTime ?? 0,
        reopened: fl?.reopened ?? 0,
        medianHeldWorkingDays: h ? histogramMedian(h.hist) : null,
      };
    }),
    minVolume,
  );
  return { kind: q.kind, period: range, method: rankingMethod(minVolume), minVolume, ...ranked };
}
