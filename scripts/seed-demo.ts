/**
 * Demo data: `npm run seed:demo -- --reports 1000000 [--seed N] [--months 15] [--chunk 50000] [--reset]`.
 *
 * Fills the database the product uses (DATABASE_URL, or the embedded PGlite in DATA_DIR when unset) with a realistic
 * history of synthetic reports over the last `--months` months (default 15), after migrating it and seeding the
 * reference data through the product's own boot path (prepareDatabase in src/boot.ts). Every number the mix is drawn
 * from says where it comes from (../shared/docs/context.md, "What happened next in the real world").
 *
 * Generation is SQL: per chunk (default 50,000 reports) one INSERT ... SELECT from generate_series draws every report's
 * whole timeline (routing, coordination or disposition, taking up, follow-up, validation, rejection, dispute and
 * reopen, closure) as hours after its creation; the state, holder, flags and the events are what of that timeline has
 * happened by now. Deterministic: `--seed N` seeds PostgreSQL's random() (setseed) per chunk, and ids are md5 of the
 * seed and the report's number, so the same seed gives the same reports (relative to the day it runs).
 *
 * Demo rows are recognisable: tickets start with DMO-, citizens are "Warga Contoh NNNNNN" with e-mail addresses in the
 * reserved .invalid domain and phone numbers +6200..., which no real Indonesian number has. `--reset` deletes them
 * first (and whatever rows point at the demo reports); without it, a run adds to what is there.
 *
 * When the per-row triggers of the dashboards' aggregate tables exist (migrations 014-015: stats_*), the bulk load runs
 * with session_replication_role = replica (triggers off) and `select stats_rebuild()` recomputes the aggregates once,
 * set-based (migration 015): about 4 minutes for a million reports and 5.3 million events on 2 cores. `--skip-stats`
 * leaves it out (the dashboards then do not count the demo reports until it is run).
 *
 * On PGlite (no DATABASE_URL) the same statements run in the embedded database: about 180 reports/s measured (2,000
 * reports, busy 2-core machine) against about 600/s on PostgreSQL, so a million takes hours there (progress is printed
 * per chunk): use PostgreSQL for that size.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { prepareDatabase } from "../src/boot.ts";
import { openDatabase } from "../src/store/db.ts";
import { defaultDeploymentDir } from "../src/store/reference-seed.ts";
import { PLACES, VOCABULARY } from "../bench/demo-vocabulary.ts";

export interface SeedDemoOptions {
  reports: number;
  seed: number;
  months: number;
  chunk: number;
  reset: boolean;
  /** call stats_rebuild() after the load when it exists (default true; minutes for a million reports) */
  statsRebuild?: boolean;
  log?: (line: string) => void;
}

export interface SeedDemoResult {
  reports: number;
  events: number;
  citizens: number;
  seconds: number;
  byChannel: Record<string, number>;
  byState: Record<string, number>;
  byColour: Record<string, number>;
  statsRebuilt: boolean;
}

/**
 * Channels, as shares of all reports. Source: context.md, "Channel mix 2021: JAKI 102,986; Qlue 12,022; Twitter
 * 9,525; email 4,549; Facebook 2,342" out of 134,814 reports in 2021 ("2021 = 134,814 reports"). JAKI, the city's
 * own app, is our portal channel. The remaining 3,390 (2.5%) came from the other channels of the same list (SMS and
 * WhatsApp share the old SMS number, LAPOR!, walk-in); their split is our estimate.
 */
export const CHANNEL_MIX: ReadonlyArray<readonly [string, number]> = [
  ["portal", 102_986 / 134_814],
  ["qlue", 12_022 / 134_814],
  ["twitter", 9_525 / 134_814],
  ["email", 4_549 / 134_814],
  ["facebook", 2_342 / 134_814],
  ["whatsapp", 1_400 / 134_814],
  ["sms", 800 / 134_814],
  ["lapor", 800 / 134_814],
  ["walk_in", 390 / 134_814],
];

/**
 * Category weights. context.md names the top categories ("roads, trees, illegal parking, public order/disturbance,
 * rubbish, drainage/flooding, street lights, street vendors") without shares: those eight get the big weights in
 * that order, the rest small ones; the numbers themselves are our estimate.
 */
export const CATEGORY_WEIGHTS: Readonly<Record<string, number>> = {
  jalan_rusak: 14, pohon: 11, parkir_liar: 10, ketertiban_umum: 9, sampah: 9, saluran_banjir: 8, lampu_jalan: 7, pkl: 7,
  trotoar_rusak: 4, rambu_lalu_lintas: 3, transportasi_umum: 3, bangunan: 3, taman: 2, pencemaran: 2, adminduk: 2, sosial: 2,
  air_bersih: 2, listrik: 1.5, fasilitas_kelurahan: 2, lainnya: 2, kebakaran: 1, kesehatan: 1, pendidikan: 1,
};


/**
 * Lifecycle shares (per report):
 * - done: "2024 = 185,852 reports ... 96.8% done" (context.md). 1.5% of reports stay unfinished (stuck at some step),
 *   2% are closed (0.5% as invalid at the triage desk, 1.5% by the holder), the rest is done once its time has come;
 * - resolution time: "2021 ... average resolution 39.87 h" (context.md): a log-normal with median 18 h and sigma 1.26
 *   has mean exp(ln 18 + 1.26^2 / 2) = 39.7 h, with the long tail a city's backlog has;
 * - coordination: 15% of the agency categories' reports first land at the kelurahan, which coordinates them to the
 *   agency's sub-office (the "koordinasi" case of the article); disposition: 5% go to the agency's head office, which
 *   disposes them to its sub-office (JAKI's "Disposisi");
 * - 6% of follow-ups are rejected once at validation ("TL Ditolak", CRM v2.0), 3% of done reports are disputed and
 *   reopened, then done again; 4% of reports wait for the JSC triage desk (1-24 h) instead of automatic routing.
 * These shares are our estimates where context.md gives no figure.
 */
const SHARES = { invalidAtTriage: 0.005, closedByHolder: 0.02, stuck: 0.015, coordination: 0.15, disposition: 0.2,
  rejected: 0.06, disputed: 0.03, manualTriage: 0.04 };

const REFERENCE_SQL = `
  drop table if exists demo_kel, demo_cat, demo_chan, demo_sub;
  create temp table demo_kel as
    select row_number() over (order by md5(u.id)) as n, u.id as unit_id, u.region_code, substr(u.region_code, 1, 5) as kota,
      coalesce(r.centroid_lat, -6.2) as lat, coalesce(r.centroid_lon, 106.82) as lon
    from units u left join regions r on r.code = u.region_code
    where u.kind = 'kelurahan' and u.active and u.region_code is not null;
  create temp table demo_sub as
    select parent_id as agency, region_code as kota, min(id) as unit_id from units
    where kind = 'sub_office' and active and region_code is not null group by 1, 2;
  create temp table demo_cat (code text, lo float8, hi float8, policy text, agency text, ext_unit text, fa_days int, res_days int,
    tpl jsonb);
  create temp table demo_chan (code text, lo float8, hi float8);`;

/** One chunk: $1 count, $2 offset of the first report's number, $3 seed (text), $4 months, $5 places, $6 citizens. */
const CHUNK_SQL = `
  drop table if exists demo_chunk;
  create temp table demo_chunk as
  with d as (
    select i + $2::int as k, random() as r_k, random() as r_cat, random() as r_ch, random() as r_age, random() as r_tod,
      random() as r_path, random() as r_res1, random() as r_res2, random() as r_res3, random() as r_res4, random() as r_out,
      random() as r_stage, random() as r_rej, random() as r_disp, random() as r_cit, random() as r_tpl, random() as r_place,
      random() as r_sup, random() as r_kind, random() as r_j1, random() as r_j2, random() as r_reason, random() as r_triage
    from generate_series(1, $1::int) i
  ), base as (
    select d.*, kel.unit_id as kel_unit, kel.region_code as kel_code, kel.kota, kel.lat, kel.lon,
      c.code as category, c.policy, c.agency, c.ext_unit, c.fa_days, c.res_days, c.tpl, ch.code as channel,
      -- a growing city: more reports lately (age density falls with age)
      date_trunc('second', now() - ($4::int * interval '30 days') * power(d.r_age, 1.15)) as created_at,
      exp(ln(18) + 1.26 * sqrt(-2 * ln(1 - d.r_res1)) * cos(2 * pi() * d.r_res2)) as res_h,
      exp(ln(18) + 1.26 * sqrt(-2 * ln(1 - d.r_res3)) * cos(2 * pi() * d.r_res4)) as res2_h,
      s.unit_id as sub_unit
    from d
    join demo_kel kel on kel.n = 1 + floor(power(d.r_k, 1.8) * (select count(*) from demo_kel))::int
    join demo_cat c on d.r_cat >= c.lo and d.r_cat < c.hi
    join demo_chan ch on d.r_ch >= ch.lo and d.r_ch < ch.hi
    left join demo_sub s on s.agency = c.agency and s.kota = kel.kota
  ), pathed as (
    select b.*,
      case when b.policy = 'triage' or b.r_triage < ${SHARES.manualTriage} then 1 + 23 * b.r_tod else 0.02 end as route_h,
      case when b.policy <> 'agency' or b.sub_unit is null then 'direct'
        when b.r_path < ${SHARES.coordination} then 'coord' when b.r_path < ${SHARES.disposition} then 'disp' else 'direct' end as path,
      case when b.r_out < ${SHARES.invalidAtTriage} then 'invalid'
        when b.r_out < ${SHARES.invalidAtTriage + SHARES.closedByHolder} then 'closed'
        when b.r_out < ${SHARES.invalidAtTriage + SHARES.closedByHolder + SHARES.stuck} then 'stuck' else 'done' end as outcome
    from base b
  ), unitsd as (
    select p.*,
      case when p.policy in ('kelurahan', 'triage') then p.kel_unit when p.policy = 'external' then p.ext_unit
        when p.path = 'coord' then p.kel_unit when p.path = 'disp' then p.agency else coalesce(p.sub_unit, p.agency) end as first_unit,
      case when p.policy in ('kelurahan', 'triage') then p.kel_unit when p.policy = 'external' then p.ext_unit
        else coalesce(p.sub_unit, p.agency) end as final_unit,
      case when p.outcome = 'stuck' then case when p.r_stage < 0.45 then 1 when p.r_stage < 0.8 then 2 else 3 end else 9 end as stop
    from pathed p
  ), planned as (
    -- the whole timeline, in hours after creation (null: never happens)
    select u.*,
      case when u.outcome <> 'invalid' then u.route_h end as t_route,
      case when u.outcome = 'invalid' then u.route_h when u.outcome = 'closed' then u.route_h + 0.3 * u.res_h end as t_close,
      case when u.path = 'coord' and u.outcome <> 'invalid' then u.route_h + 0.1 * u.res_h end as t_coord,
      case when u.path = 'coord' and u.outcome <> 'invalid' and u.stop > 1 then u.route_h + 0.2 * u.res_h end as t_accept,
      case when u.path = 'disp' and u.outcome <> 'invalid' then u.route_h + 0.05 * u.res_h end as t_disp,
      case when u.path <> 'coord' and u.outcome <> 'invalid' and u.stop > 1
        then u.route_h + case when u.path = 'disp' then 0.15 else 0.15 * u.r_tod end * u.res_h end as t_take,
      case when u.outcome in ('done', 'stuck') and u.stop > 2 then u.route_h + 0.8 * u.res_h end as t_fu,
      case when u.outcome = 'done' and u.r_rej < ${SHARES.rejected} then u.route_h + 0.87 * u.res_h end as t_rej,
      case when u.outcome = 'done' and u.r_rej < ${SHARES.rejected} then u.route_h + 0.95 * u.res_h end as t_fu2,
      case when u.outcome = 'done' then u.route_h + u.res_h end as t_valid,
      case when u.outcome = 'done' and u.r_disp < ${SHARES.disputed} then u.route_h + u.res_h + 24 + 96 * u.r_tod end as t_dispute
    from unitsd u
  ), dated as (
    select p.*, extract(epoch from now() - p.created_at) / 3600 as age_h,
      p.t_dispute + 0.2 * p.res2_h as t_take2, p.t_dispute + 0.8 * p.res2_h as t_fu3, p.t_dispute + p.res2_h as t_valid2
    from planned p
  ), happened as (
    -- what of the timeline has happened by now
    select d.k, d.category, d.policy, d.channel, d.kel_unit, d.kel_code, d.lat, d.lon, d.created_at, d.first_unit, d.final_unit,
      d.fa_days, d.res_days, d.tpl, d.r_tpl, d.r_place, d.r_sup, d.r_kind, d.r_cit, d.r_j1, d.r_j2, d.r_reason, d.path, d.outcome,
      case when d.t_route <= d.age_h then d.t_route end as t_route, case when d.t_close <= d.age_h then d.t_close end as t_close,
      case when d.t_coord <= d.age_h then d.t_coord end as t_coord, case when d.t_accept <= d.age_h then d.t_accept end as t_accept,
      case when d.t_disp <= d.age_h then d.t_disp end as t_disp, case when d.t_take <= d.age_h then d.t_take end as t_take,
      case when d.t_fu <= d.age_h then d.t_fu end as t_fu, case when d.t_rej <= d.age_h then d.t_rej end as t_rej,
      case when d.t_fu2 <= d.age_h then d.t_fu2 end as t_fu2, case when d.t_valid <= d.age_h then d.t_valid end as t_valid,
      case when d.t_dispute <= d.age_h then d.t_dispute end as t_dispute, case when d.t_take2 <= d.age_h then d.t_take2 end as t_take2,
      case when d.t_fu3 <= d.age_h then d.t_fu3 end as t_fu3, case when d.t_valid2 <= d.age_h then d.t_valid2 end as t_valid2
    from dated d
  )
  select h.*,
    case
      when h.t_valid2 is not null then 'done' when h.t_fu3 is not null then 'awaiting_validation'
      when h.t_take2 is not null then 'in_progress' when h.t_dispute is not null then 'waiting'
      when h.t_close is not null then 'closed' when h.t_valid is not null then 'done'
      when h.t_fu2 is not null then 'awaiting_validation' when h.t_rej is not null then 'follow_up_rejected'
      when h.t_fu is not null then 'awaiting_validation' when h.t_take is not null or h.t_accept is not null then 'in_progress'
      when h.t_coord is not null then 'coordination' when h.t_disp is not null then 'disposition'
      when h.t_route is not null then 'waiting' else 'triage' end as state,
    case when h.t_route is null then 'jsc-triage' when h.t_coord is not null or h.t_disp is not null then h.final_unit else h.first_unit end as holder,
    coalesce((select parent_id from units where id = h.final_unit), 'prov-31') as validator_unit,
    (select kind from units where id = h.final_unit) as final_kind,
    case when h.r_cit < 0.92 then md5('demo-citizen-' || (1 + floor(power(h.r_cit / 0.92, 1.5) * $6::int))::int)::uuid end as citizen_id,
    md5('demo-report-' || $3 || '-' || h.k)::uuid as id
  from happened h;

  insert into reports (id, ticket, kind, description, category_code, lat, lon, address, kelurahan_code, channel, citizen_id, state,
    state_before_handover, holding_unit_id, handover_from_unit_id, follow_up_unit_id, involved_unit_ids, close_reason, reopen_count,
    support_count, overdue, first_action_breached, resolution_breached, first_action_due_at, resolution_due_at, first_action_at,
    done_at, closed_at, confidential, created_at, updated_at/*red_cols*/)
  select c.id, 'DMO-' || to_char(c.created_at, 'YYMMDD') || '-' || lpad(c.k::text, greatest(7, length(c.k::text)), '0'),
    case when c.r_kind < 0.92 then 'pengaduan' else 'aspirasi' end,
    replace(c.tpl ->> floor(c.r_tpl * jsonb_array_length(c.tpl))::int, '{place}', ($5::text[])[1 + floor(c.r_place * cardinality($5::text[]))::int]),
    c.category, c.lat + (c.r_j1 - 0.5) * 0.008, c.lon + (c.r_j2 - 0.5) * 0.008,
    ($5::text[])[1 + floor(c.r_place * cardinality($5::text[]))::int], c.kel_code, c.channel, c.citizen_id, c.state,
    case when c.state in ('coordination', 'disposition') then 'waiting' end, c.holder,
    case when c.state in ('coordination', 'disposition') then c.first_unit end,
    case when c.t_fu is not null then c.final_unit end,
    array_remove(array['jsc-triage', case when c.t_route is not null then c.first_unit end,
      case when c.t_coord is not null or c.t_disp is not null then c.final_unit end], null),
    case when c.state = 'closed' then case when c.outcome = 'invalid' then 'invalid' when c.r_reason < 0.4 then 'duplicate'
      when c.r_reason < 0.7 then 'outside_jurisdiction' else 'no_further_action' end end,
    case when c.t_dispute is not null then 1 else 0 end,
    floor(power(c.r_sup, 8) * 60)::int,
    c.state not in ('done', 'closed') and now() > s.res_due,
    coalesce(c.created_at + coalesce(c.t_take, c.t_accept) * interval '1 hour', now()) > s.fa_due,
    coalesce(c.created_at + coalesce(c.t_valid2, c.t_valid, c.t_close) * interval '1 hour', now()) > s.res_due,
    s.fa_due, s.res_due, c.created_at + coalesce(c.t_take, c.t_accept) * interval '1 hour',
    case when c.state = 'done' then c.created_at + coalesce(c.t_valid2, c.t_valid) * interval '1 hour' end,
    case when c.state = 'closed' then c.created_at + c.t_close * interval '1 hour' end,
    c.r_kind between 0.5 and 0.55,
    c.created_at,
    c.created_at + greatest(0, coalesce(c.t_valid2, c.t_fu3, c.t_take2, c.t_dispute, c.t_close, c.t_valid, c.t_fu2, c.t_rej, c.t_fu,
      c.t_take, c.t_accept, c.t_coord, c.t_disp, c.t_route, 0)) * interval '1 hour'/*red_vals*/
  from demo_chunk c
  -- SLA targets are in working days (context.md: "per-category SLA in working days"): 7 calendar days per 5 working days
  cross join lateral (select
    c.created_at + case when c.fa_days = 0 then interval '8 hours' else c.fa_days * interval '33.6 hours' end as fa_due,
    coalesce(c.created_at + c.t_dispute * interval '1 hour', c.created_at) + c.res_days * interval '33.6 hours' as res_due) s
  order by c.created_at;

  insert into report_events (report_id, type, actor_role, actor_citizen_id, unit_id, from_state, to_state, from_unit_id, to_unit_id,
    reason, data, created_at)
  select e.report_id, e.type, e.actor_role, e.citizen, e.unit_id, e.from_state, e.to_state, e.from_unit, e.to_unit, e.reason,
    e.data, e.at
  from (
    select c.id as report_id, c.created_at + x.h * interval '1 hour' as at, x.*
    from demo_chunk c
    cross join lateral (values
      (0, 'created', null, null::uuid, null, null, 'triage', null, null, null, jsonb_build_object('channel', c.channel), 0::float8),
      (1, 'routed', case when c.t_route > 0.5 then 'jsc_admin' end, null, 'jsc-triage', 'triage', 'waiting', null, c.first_unit, null,
        '{}'::jsonb, c.t_route),
      (2, 'closed', 'jsc_admin', null, 'jsc-triage', 'triage', 'closed', null, null, 'invalid', '{}'::jsonb,
        case when c.t_route is null then c.t_close end),
      (3, 'coordinated', 'kelurahan_officer', null, c.first_unit, 'waiting', 'coordination', c.first_unit, c.final_unit, null, '{}'::jsonb, c.t_coord),
      (4, 'coordination_accepted', 'agency_officer', null, c.final_unit, 'coordination', 'in_progress', null, null, null,
        jsonb_build_object('from', c.first_unit), c.t_accept),
      (5, 'disposed', 'agency_officer', null, c.first_unit, 'waiting', 'disposition', c.first_unit, c.final_unit, null, '{}'::jsonb, c.t_disp),
      (6, 'taken_up', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null, c.final_unit,
        case when c.t_disp is not null then 'disposition' else 'waiting' end, 'in_progress', null, null, null, '{}'::jsonb, c.t_take),
      (7, 'closed', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null, c.final_unit,
        'in_progress', 'closed', null, null, null, '{}'::jsonb, case when c.t_route is not null then c.t_close end),
      (8, 'follow_up_submitted', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null,
        c.final_unit, 'in_progress', 'awaiting_validation', null, null, null, '{}'::jsonb, c.t_fu),
      (9, 'follow_up_rejected', 'supervisor', null, c.validator_unit, 'awaiting_validation', 'follow_up_rejected', null, null,
        'foto tindak lanjut kurang jelas', '{}'::jsonb, c.t_rej),
      (10, 'follow_up_submitted', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null,
        c.final_unit, 'follow_up_rejected', 'awaiting_validation', null, null, null, '{}'::jsonb, c.t_fu2),
      (11, 'follow_up_validated', 'supervisor', null, c.validator_unit, 'awaiting_validation', 'done', null, null, null, '{}'::jsonb, c.t_valid),
      (12, 'disputed', null, c.citizen_id, null, 'done', 'waiting', null, c.final_unit, 'belum diperbaiki',
        jsonb_build_object('reopenCount', 1), c.t_dispute),
      (13, 'taken_up', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null, c.final_unit,
        'waiting', 'in_progress', null, null, null, '{}'::jsonb, c.t_take2),
      (14, 'follow_up_submitted', case when c.final_kind = 'kelurahan' then 'kelurahan_officer' else 'agency_officer' end, null,
        c.final_unit, 'in_progress', 'awaiting_validation', null, null, null, '{}'::jsonb, c.t_fu3),
      (15, 'follow_up_validated', 'supervisor', null, c.validator_unit, 'awaiting_validation', 'done', null, null, null, '{}'::jsonb, c.t_valid2)
    ) as x(ord, type, actor_role, citizen, unit_id, from_state, to_state, from_unit, to_unit, reason, data, h)
    where x.h is not null
  ) e
  order by e.at, e.report_id, e.ord;`;

const CITIZENS_SQL = `
  insert into citizens (id, name, email, phone, language, verified, created_at)
  select md5('demo-citizen-' || n)::uuid, 'Warga Contoh ' || lpad(n::text, 6, '0'), 'warga' || lpad(n::text, 6, '0') || '@contoh.invalid',
    '+6200' || lpad(n::text, 8, '0'), 'id', false, now() - $2::int * interval '30 days'
  from generate_series(1, $1::int) n
  on conflict (id) do nothing`;

const log0 = (line: string) => console.log(line);
const count = async (db: pg.PoolClient, sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);

/** Deletes the demo reports and what points at them (events, and any row with a report_id / event_id foreign key). */
async function resetDemo(db: pg.PoolClient, log: (line: string) => void): Promise<void> {
  const refs = (await db.query<{ tbl: string; col: string; target: string }>(`
    select c.conrelid::regclass::text as tbl, a.attname as col, c.confrelid::regclass::text as target
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid in ('reports'::regclass, 'report_events'::regclass)
      and c.conrelid not in ('reports'::regclass, 'report_events'::regclass)`)).rows;
  await db.query("create temp table if not exists demo_ids (id uuid primary key); truncate demo_ids");
  await db.query("insert into demo_ids select id from reports where ticket like 'DMO-%'");
  for (const r of refs.filter((x) => x.target === "report_events"))
    await db.query(`delete from ${r.tbl} where ${r.col} in (select e.id from report_events e join demo_ids d on d.id = e.report_id)`);
  for (const r of refs.filter((x) => x.target === "reports"))
    await db.query(`delete from ${r.tbl} where ${r.col} in (select id from demo_ids)`);
  const events = (await db.query("delete from report_events where report_id in (select id from demo_ids)")).rowCount ?? 0;
  await db.query("update reports set duplicate_of = null where duplicate_of in (select id from demo_ids)");
  const reports = (await db.query("delete from reports where id in (select id from demo_ids)")).rowCount ?? 0;
  await db.query("delete from citizen_identities where citizen_id in (select id from citizens where email like '%@contoh.invalid')");
  await db.query(`delete from citizens c where c.email like '%@contoh.invalid'
    and not exists (select 1 from reports r where r.citizen_id = c.id) and not exists (select 1 from report_events e where e.actor_citizen_id = c.id)`);
  log(`reset: deleted ${reports} demo reports and ${events} events`);
}

/** Seeds the demo history into a migrated database with reference data. */
export async function seedDemo(pool: pg.Pool, opts: SeedDemoOptions): Promise<SeedDemoResult> {
  const log = opts.log ?? log0;
  const t0 = performance.now();
  const db = await pool.connect();
  let replica = false;
  try {
    // Per-row triggers of the aggregate tables (migration 014) are skipped during the bulk load, then rebuilt once.
    const rebuild = (await db.query("select 1 from pg_proc where proname = 'stats_rebuild'")).rowCount! > 0;
    const triggers = await count(db, `select count(*) as n from pg_trigger where not tgisinternal
      and tgrelid in ('reports'::regclass, 'report_events'::regclass)`);
    if (triggers > 0 && rebuild) {
      // also skips the foreign-key checks of the reset's deletes: it deletes the referencing rows itself
      await db.query("set session_replication_role = replica");
      replica = true;
    }
    if (opts.reset) await resetDemo(db, log);
    await db.query(REFERENCE_SQL);
    const cats = (await db.query<{ code: string; policy: string; agency: string | null; ext: string | null; fa: number; res: number }>(
      `select code, owner_policy->>'kind' as policy, owner_policy->>'agency' as agency, owner_policy->>'unit' as ext,
        sla_first_action_days as fa, sla_resolution_days as res from categories where active order by sort_order, code`)).rows
      .filter((c) => CATEGORY_WEIGHTS[c.code] !== undefined);
    if (cats.length === 0) throw new Error("no categories: the reference data is not seeded");
    const totalW = cats.reduce((a, c) => a + CATEGORY_WEIGHTS[c.code]!, 0);
    let lo = 0;
    for (const [i, c] of cats.entries()) {
      const hi = i === cats.length - 1 ? 1.0000001 : lo + CATEGORY_WEIGHTS[c.code]! / totalW;
      await db.query("insert into demo_cat values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [c.code, lo, hi, c.policy, c.agency, c.ext, c.fa, c.res, JSON.stringify(VOCABULARY[c.code] ?? VOCABULARY.lainnya)]);
      lo = hi;
    }
    const totalC = CHANNEL_MIX.reduce((a, [, w]) => a + w, 0);
    lo = 0;
    for (const [i, [code, w]] of CHANNEL_MIX.entries()) {
      const hi = i === CHANNEL_MIX.length - 1 ? 1.0000001 : lo + w / totalC;
      await db.query("insert into demo_chan values ($1, $2, $3)", [code, lo, hi]);
      lo = hi;
    }
    const kelurahan = await count(db, "select count(*) as n from demo_kel");
    if (kelurahan === 0) throw new Error("no kelurahan units: the reference data is not seeded");

    // 014 adds red_reason / reopen_red, set by a BEFORE trigger that replica mode skips: write what it would write on insert.
    const redCols = (await db.query("select 1 from information_schema.columns where table_name = 'reports' and column_name = 'red_reason'"))
      .rowCount! > 0 && (await db.query("select 1 from information_schema.columns where table_name = 'reports' and column_name = 'reopen_red'")).rowCount! > 0;
    const chunkSql = redCols ? CHUNK_SQL.replace("/*red_cols*/", ", reopen_red, red_reason").replace("/*red_vals*/", `,
      c.state = 'waiting' and c.t_dispute is not null,
      case c.state when 'triage' then 'triage' when 'coordination' then 'coordination' when 'disposition' then 'disposition'
        when 'waiting' then case when c.t_dispute is not null then 'reopened' else 'waiting' end end`) : CHUNK_SQL;
    const citizens = Math.max(1, Math.round(opts.reports / 4));
    await db.query(CITIZENS_SQL, [citizens, opts.months]);
    const offset = await count(db, "select coalesce(max(substr(ticket, 12)::int), 0) as n from reports where ticket like 'DMO-%'");
    let done = 0;
    let chunkNo = 0;
    const events0 = await count(db, "select count(*) as n from report_events");
    while (done < opts.reports) {
      const n = Math.min(opts.chunk, opts.reports - done);
      await db.query("begin");
      // deterministic per chunk: setseed takes a value in [-1, 1]
      await db.query("select setseed($1)", [(((opts.seed * 7919 + chunkNo * 104729) % 2_000_000) - 1_000_000) / 1_000_001]);
      await db.query(chunkSql.replaceAll("$1::int", String(n)).replaceAll("$2::int", String(offset + done))
        .replaceAll("$3", `'${opts.seed}'`).replaceAll("$4::int", String(opts.months)).replaceAll("$6::int", String(citizens))
        .replaceAll("$5::text[]", `'${pgArray(PLACES)}'::text[]`));
      await db.query("commit");
      done += n;
      chunkNo++;
      const s = (performance.now() - t0) / 1000;
      log(`  ${done.toLocaleString("en-US")} / ${opts.reports.toLocaleString("en-US")} reports (${s.toFixed(1)} s, ${Math.round(done / s)} reports/s)`);
    }
    await db.query("drop table if exists demo_chunk");
    if (replica) {
      await db.query("set session_replication_role = origin");
      replica = false;
    }
    await db.query("analyze reports");
    await db.query("analyze report_events");
    let statsRebuilt = false;
    if (rebuild && opts.statsRebuild === false) {
      log("WARNING: --skip-stats: the dashboards' aggregate tables do not include the demo reports until `select stats_rebuild()` runs");
    } else if (rebuild) {
      log("select stats_rebuild() ... (about 4 minutes per million reports on 2 cores)");
      await db.query("select stats_rebuild()");
      statsRebuilt = true;
    }
    const group = async (col: string) => Object.fromEntries((await db.query<{ k: string; n: string }>(
      `select ${col} as k, count(*) as n from reports where ticket like 'DMO-%' group by 1 order by 2 desc`)).rows.map((r) => [r.k, Number(r.n)]));
    const colour = `case when state in ('triage', 'waiting', 'coordination', 'disposition') then 'red'
      when state in ('in_progress', 'awaiting_validation', 'follow_up_rejected') then 'yellow' when state = 'done' then 'green' else 'grey' end`;
    return {
      reports: done,
      events: (await count(db, "select count(*) as n from report_events")) - events0,
      citizens,
      seconds: (performance.now() - t0) / 1000,
      byChannel: await group("channel"),
      byState: await group("state"),
      byColour: await group(colour),
      statsRebuilt,
    };
  } catch (err) {
    await db.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    if (replica) await db.query("set session_replication_role = origin").catch(() => undefined);
    db.release();
  }
}

function pgArray(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("'", "''")}"`).join(",")}}`;
}

export function parseArgs(argv: string[]): SeedDemoOptions {
  const opts: SeedDemoOptions = { reports: 10_000, seed: 1, months: 15, chunk: 50_000, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--reset") { opts.reset = true; continue; }
    if (flag === "--skip-stats") { opts.statsRebuild = false; continue; }
    const value = inline ?? argv[++i];
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${value}`);
    if (flag === "--reports") opts.reports = n;
    else if (flag === "--seed") opts.seed = n;
    else if (flag === "--months") opts.months = Math.max(1, Math.min(n, 120));
    else if (flag === "--chunk") opts.chunk = Math.max(1, n);
    else throw new Error(`unknown option ${flag} (use --reports N, --seed N, --months N, --chunk N, --reset, --skip-stats)`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = path.resolve(process.env.DATA_DIR ?? "./data");
  console.log(databaseUrl ? `database: ${databaseUrl.replace(/\/\/[^@]*@/, "//***@")}` : `database: embedded PGlite in ${dataDir} (slow for large runs)`);
  const db = await openDatabase({ databaseUrl, dataDir, poolSize: 2 });
  try {
    const prepared = await prepareDatabase(db, process.env.DEPLOYMENT_DIR ?? defaultDeploymentDir());
    if (prepared.applied.length) console.log(`migrated: ${prepared.applied.join(", ")}`);
    console.log(`seeding ${opts.reports.toLocaleString("en-US")} demo reports over ${opts.months} months (seed ${opts.seed}, chunks of ${opts.chunk.toLocaleString("en-US")})`);
    const r = await seedDemo(db.pool, opts);
    const show = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`).join(", ");
    console.log(`made ${r.reports.toLocaleString("en-US")} reports, ${r.events.toLocaleString("en-US")} events, ${r.citizens.toLocaleString("en-US")} citizens in ${r.seconds.toFixed(1)} s`);
    console.log(`demo reports by channel: ${show(r.byChannel)}`);
    console.log(`by state: ${show(r.byState)}`);
    console.log(`by colour: ${show(r.byColour)}`);
    console.log(r.statsRebuilt ? "dashboard aggregates rebuilt (stats_rebuild())" : "dashboard aggregates not rebuilt (no stats_rebuild() here, or --skip-stats)");
  } finally {
    await db.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
