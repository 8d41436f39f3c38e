import type { Category, OwnerPolicy, Unit, UnitKind } from "../domain/report.ts";
import type { Queryable } from "./db.ts";

interface UnitRow {
  id: string;
  kind: UnitKind;
  name: string;
  short_name: string | null;
  parent_id: string | null;
  region_code: string | null;
  supervisor_unit_id: string | null;
  has_ppsu: boolean;
  active: boolean;
}

const toUnit = (r: UnitRow): Unit & { shortName: string | null } => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  shortName: r.short_name,
  parentId: r.parent_id,
  regionCode: r.region_code,
  supervisorUnitId: r.supervisor_unit_id,
  hasPpsu: r.has_ppsu,
  active: r.active,
});

export async function listUnits(q: Queryable) {
  const { rows } = await q.query<UnitRow>(
    "select id, kind, name, short_name, parent_id, region_code, supervisor_unit_id, has_ppsu, active from units order by id",
  );
  return rows.map(toUnit);
}

export interface UnitInput {
  id: string;
  kind: UnitKind;
  name: string;
  shortName?: string | null;
  parentId?: string | null;
  regionCode?: string | null;
  supervisorUnitId?: string | null;
  hasPpsu?: boolean;
  active?: boolean;
}

export async function upsertUnit(q: Queryable, u: UnitInput) {
  const { rows } = await q.query<UnitRow>(
    `insert into units (id, kind, name, short_name, parent_id, region_code, supervisor_unit_id, has_ppsu, active)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     on conflict (id) do update set kind = excluded.kind, name = excluded.name, short_name = excluded.short_name,
       parent_id = excluded.parent_id, region_code = excluded.region_code, supervisor_unit_id = excluded.supervisor_unit_id,
       has_ppsu = excluded.has_ppsu, active = excluded.active, updated_at = now()
     returning *`,
    [u.id, u.kind, u.name, u.shortName ?? null, u.parentId ?? null, u.regionCode ?? null, u.supervisorUnitId ?? null, u.hasPpsu ?? false, u.active ?? true],
  );
  return toUnit(rows[0]!);
}

interface CategoryRow {
  code: string;
  name_id: string;
  name_en: string;
  owner_policy: OwnerPolicy;
  sla_first_action_days: number;
  sla_resolution_days: number;
  dispute_policy: Category["disputePolicy"];
  dispute_window_days: number;
  reopen_escalation_threshold: number;
  ppsu_allowed: boolean;
  keywords: string[];
  sort_order: number;
  active: boolean;
}

const toCategory = (r: CategoryRow): Category & { keywords: string[]; sortOrder: number } => ({
  code: r.code,
  nameId: r.name_id,
  nameEn: r.name_en,
  ownerPolicy: r.owner_policy,
  slaFirstActionDays: r.sla_first_action_days,
  slaResolutionDays: r.sla_resolution_days,
  disputePolicy: r.dispute_policy,
  disputeWindowDays: r.dispute_window_days,
  reopenEscalationThreshold: r.reopen_escalation_threshold,
  ppsuAllowed: r.ppsu_allowed,
  active: r.active,
  keywords: r.keywords,
  sortOrder: r.sort_order,
});

export async function listCategories(q: Queryable) {
  const { rows } = await q.query<CategoryRow>("select * from categories order by sort_order, code");
  return rows.map(toCategory);
}

export type CategoryInput = Category & { keywords?: string[]; sortOrder?: number };

export async function upsertCategory(q: Queryable, c: CategoryInput) {
  const { rows } = await q.query<CategoryRow>(
    `insert into categories (code, name_id, name_en, owner_policy, sla_first_action_days, sla_resolution_days, dispute_policy,
       dispute_window_days, reopen_escalation_threshold, ppsu_allowed, keywords, sort_order, active)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
     on conflict (code) do update set name_id = excluded.name_id, name_en = excluded.name_en, owner_policy = excluded.owner_policy,
       sla_first_action_days = excluded.sla_first_action_days, sla_resolution_days = excluded.sla_resolution_days,
       dispute_policy = excluded.dispute_policy, dispute_window_days = excluded.dispute_window_days,
       reopen_escalation_threshold = excluded.reopen_escalation_threshold, ppsu_allowed = excluded.ppsu_allowed,
       keywords = excluded.keywords, sort_order = excluded.sort_order, active = excluded.active, updated_at = now()
     returning *`,
    [c.code, c.nameId, c.nameEn, JSON.stringify(c.ownerPolicy), c.slaFirstActionDays, c.slaResolutionDays, c.disputePolicy,
      c.disputeWindowDays, c.reopenEscalationThreshold, c.ppsuAllowed, c.keywords ?? [], c.sortOrder ?? 0, c.active],
  );
  return toCategory(rows[0]!);
}

export interface Holiday {
  date: string;
  name: string;
  jointLeave: boolean;
}

export async function listHolidays(q: Queryable, year?: number): Promise<Holiday[]> {
  const { rows } = await q.query<{ date: string; name: string; joint_leave: boolean }>(
    `select to_char(date, 'YYYY-MM-DD') as date, name, joint_leave from holidays
     where ($1::int is null or extract(year from date) = $1) order by date`,
    [year ?? null],
  );
  return rows.map((r) => ({ date: r.date, name: r.name, jointLeave: r.joint_leave }));
}

export async function upsertHoliday(q: Queryable, h: Holiday): Promise<Holiday> {
  await q.query(
    `insert into holidays (date, name, joint_leave) values ($1::date, $2, $3)
     on conflict (date) do update set name = excluded.name, joint_leave = excluded.joint_leave`,
    [h.date, h.name, h.jointLeave],
  );
  return h;
}

export async function deleteHoliday(q: Queryable, date: string): Promise<boolean> {
  const { rowCount } = await q.query("delete from holidays where date = $1::date", [date]);
  return (rowCount ?? 0) > 0;
}

export async function getSetting<T>(q: Queryable, key: string): Promise<T | null> {
  const { rows } = await q.query<{ value: T }>("select value from settings where key = $1", [key]);
  return rows[0]?.value ?? null;
}

/** Bumped on every reference-data edit so other processes reload their caches. */
export async function referenceVersion(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ v: string }>(
    `select concat_ws('|', (select max(updated_at)::text from units), (select max(updated_at)::text from categories),
       (select count(*)::text || coalesce(max(date)::text, '') from holidays), (select max(updated_at)::text from settings),
       (select coalesce(sum(hashtext(date::text || name)), 0)::text from holidays)) as v`,
  );
  return rows[0]!.v;
}

/** Names of every region loaded (the deployment's province only). */
export async function listRegionNames(q: Queryable): Promise<Map<string, string>> {
  const { rows } = await q.query<{ code: string; name: string }>("select code, name from regions");
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Region polygons for the point locator. */
export async function listRegionGeometries(q: Queryable, level: string) {
  const { rows } = await q.query<{ code: string; name: string; geometry: unknown }>(
    "select code, name, geometry from regions where level = $1 and geometry is not null order by code",
    [level],
  );
  return rows;
}

