/**
 * The inbox benchmark (issue #5, "Speed"): `npx tsx bench/inbox.ts`.
 *
 *   1. its own database (aspirasi_bench_inbox, kept between runs: BENCH_INBOX_RESEED=1 seeds it again), migrated
 *      and seeded with reference data by the product itself (src/main.ts started as a child process);
 *   2. 100,000 reports (BENCH_INBOX_REPORTS) made by one INSERT ... SELECT from generate_series over the real
 *      kelurahan of the seeded units table (skewed: busy kelurahan get more), created over one year; holders
 *      consistent with the place (the kelurahan, its kecamatan, or a sub-office of an agency serving its kota,
 *      the triage desk for reports in triage), a state mix by age (old reports mostly done or closed), the SLA
 *      flag on part of the late open ones, descriptions from a vocabulary of complaints; one "created" event
 *      per report and a "routed" event for those routed;
 *   3. officers created through the API (a kelurahan officer of the busiest kelurahan, an agency officer of the
 *      busiest sub-office) and logged in through the API, next to the administrator (jsc_admin, sees all);
 *   4. GET /api/v1/reports (first page, default order and size) per role and filter, BENCH_INBOX_REQUESTS (200)
 *      requests each after a warm-up, one keep-alive connection, timed by the client on the same machine; in the
 *      same run two baselines: GET /health and GET /api/v1/reports/{ticket} (one report, as the administrator);
 *   5. a markdown section between <!-- bench:inbox --> markers in BENCHMARKS.md (unless BENCH_NO_WRITE=1).
 *
 * Environment: BENCH_DATABASE_URL (server URL, as bench/run.ts), BENCH_INBOX_PORT (3911), BENCH_STRICT=1 (exit 1
 * when a case misses the target).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { type Child, databaseUrl, describeMachine, fmt, isMain, positive, runSection, SERVER_URL, startChild, stopChild, waitForHealth } from "./run.ts";
import { PLACES, VOCABULARY } from "./demo-vocabulary.ts";
import { agent, ensureOfficer, login, quantile, request, type Session } from "./api-client.ts";

const env = process.env;
const DB_NAME = "aspirasi_bench_inbox";
const REPORTS = Math.floor(positive(env.BENCH_INBOX_REPORTS, 100_000));
const REQUESTS = Math.floor(positive(env.BENCH_INBOX_REQUESTS, 200));
const WARMUP = 20;
const PORT = positive(env.BENCH_INBOX_PORT, 3911);
const TARGET_MS = 300;
const ADMIN_EMAIL = "admin@aspirasi.local";
const ADMIN_PASSWORD = "bench-admin-password";
const OFFICER_PASSWORD = "bench-officer-password";
const SECTION_START = "<!-- bench:inbox -->";
const SECTION_END = "<!-- /bench:inbox -->";


/**
 * One statement: every report of the bench. $1 reports, $2 categories, $3 templates per category (jsonb), $4 places.
 * Kelurahan are drawn with a skew (r^1.6 over the kelurahan in order), so some are busy and others quiet. Rows are
 * inserted in creation order, so the table's physical order follows created_at as in production.
 */
const SEED_SQL = `
  with kel as (
    select row_number() over (order by id) as n, id as unit_id, parent_id as kec_unit, region_code, substr(region_code, 1, 5) as kota
    from units where kind = 'kelurahan' and region_code is not null and active
  ), nk as (select count(*)::int as c from kel),
  subs as (
    select id, region_code as kota, row_number() over (partition by region_code order by id) as n, count(*) over (partition by region_code) as c
    from units where kind = 'sub_office' and active and region_code is not null
  ), draws as (
    select i, random() as r_k, random() as r_h, random() as r_sub, random() as r_age, random() as r_state, random() as r_cat,
      random() as r_tpl, random() as r_place, random() as r_ov, random() as r_inv
    from generate_series(1, $1::int) i
  ), shaped as (
    select d.*, k.unit_id as kel_unit, k.kec_unit, k.region_code as kel_code, k.kota,
      now() - d.r_age * interval '365 days' as created_at,
      ($2::text[])[1 + floor(power(d.r_cat, 1.4) * cardinality($2::text[]))::int] as category
    from draws d join kel k on k.n = 1 + floor(power(d.r_k, 1.6) * (select c from nk))::int
  ), stated as (
    select s.*,
      case when s.created_at < now() - interval '60 days'
        then case when s.r_state < 0.60 then 'done' when s.r_state < 0.85 then 'closed' when s.r_state < 0.90 then 'waiting'
          when s.r_state < 0.95 then 'in_progress' when s.r_state < 0.97 then 'coordination' else 'awaiting_validation' end
        else case when s.r_state < 0.03 then 'triage' when s.r_state < 0.30 then 'waiting' when s.r_state < 0.55 then 'in_progress'
          when s.r_state < 0.60 then 'coordination' when s.r_state < 0.62 then 'disposition' when s.r_state < 0.67 then 'awaiting_validation'
          when s.r_state < 0.69 then 'follow_up_rejected' when s.r_state < 0.90 then 'done' else 'closed' end
      end as state
    from shaped s
  ), held as (
    select t.*,
      case when t.state = 'triage' then 'jsc-triage'
        when t.r_h < 0.5 or sb.id is null then t.kel_unit
        when t.r_h < 0.6 then t.kec_unit
        else sb.id end as holder
    from stated t
    left join subs sb on sb.kota = t.kota and sb.n = 1 + floor(t.r_sub * sb.c)::int
  )
  insert into reports (id, ticket, kind, description, category_code, kelurahan_code, channel, state, holding_unit_id, involved_unit_ids,
    close_reason, overdue, resolution_breached, first_action_due_at, resolution_due_at, first_action_at, done_at, closed_at, created_at, updated_at)
  select gen_random_uuid(), 'INB-' || to_char(h.created_at, 'YYMMDD') || '-' || lpad(h.i::text, 6, '0'),
    'pengaduan',
    replace((($3::jsonb -> h.category) ->> floor(h.r_tpl * jsonb_array_length($3::jsonb -> h.category))::int), '{place}',
      ($4::text[])[1 + floor(h.r_place * cardinality($4::text[]))::int]),
    h.category, h.kel_code, (array['portal', 'sms', 'whatsapp', 'qlue', 'lapor', 'email'])[1 + floor(h.r_inv * 6)::int],
    h.state, h.holder,
    case when h.holder = 'jsc-triage' then array['jsc-triage']
      when h.holder <> h.kel_unit and h.r_inv < 0.3 then array['jsc-triage', h.kel_unit, h.holder]
      else array['jsc-triage', h.holder] end,
    case when h.state = 'closed' then 'no_further_action' end,
    h.state not in ('done', 'closed') and h.created_at < now() - interval '7 days' and h.r_ov < 0.4,
    h.state not in ('done', 'closed') and h.created_at < now() - interval '7 days' and h.r_ov < 0.4,
    h.created_at + interval '1 day', h.created_at + interval '7 days',
    case when h.state not in ('triage', 'waiting') then h.created_at + interval '5 hours' end,
    case when h.state = 'done' then h.created_at + interval '4 days' end,
    case when h.state = 'closed' then h.created_at + interval '3 days' end,
    h.created_at, h.created_at + interval '5 hours'
  from held h
  order by h.created_at`;

const EVENTS_SQL = `
  insert into report_events (report_id, type, actor_role, unit_id, to_state, created_at)
  select id, 'created', null, null, 'triage', created_at from reports where ticket like 'INB-%';
  insert into report_events (report_id, type, actor_role, unit_id, from_state, to_state, to_unit_id, created_at)
  select id, 'routed', 'jsc_admin', 'jsc-triage', 'triage', 'waiting', holding_unit_id, created_at + interval '1 hour'
  from reports where ticket like 'INB-%' and state <> 'triage';`;

async function seed(db: pg.Client): Promise<number> {
  const t0 = performance.now();
  const categories = (await db.query<{ code: string }>("select code from categories order by code")).rows.map((r) => r.code).filter((c) => c in VOCABULARY);
  await db.query("begin");
  await db.query("delete from report_events where report_id in (select id from reports where ticket like 'INB-%')");
  await db.query("delete from reports where ticket like 'INB-%'");
  await db.query(SEED_SQL, [REPORTS, categories, JSON.stringify(VOCABULARY), PLACES]);
  await db.query(EVENTS_SQL);
  await db.query("commit");
  await db.query("vacuum analyze reports");
  await db.query("vacuum analyze report_events");
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Timing the cases (HTTP on one keep-alive connection: ./api-client.ts)

interface Case { name: string; who: string; path: string; session: Session | null }
interface Timing { p50: number; p99: number; mean: number; max: number; n: number; items: number }

async function time(base: string, c: Case): Promise<Timing> {
  let items = 0;
  const once = async () => {
    const res = await request(base, "GET", c.path, c.session ? { cookie: c.session.cookie } : {});
    if (res.status !== 200) throw new Error(`${c.name}: GET ${c.path} answered ${res.status} ${res.body.slice(0, 300)}`);
    return res;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await once();
    ms.push(performance.now() - t0);
    if (i === 0) {
      const parsed = JSON.parse(res.body) as { items?: unknown[]; features?: unknown[] };
      const list = parsed.items ?? parsed.features;
      items = Array.isArray(list) ? list.length : 1;
    }
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), mean: ms.reduce((a, b) => a + b, 0) / ms.length, max: ms[ms.length - 1]!, n: ms.length, items };
}

// ---------------------------------------------------------------------------------------------

export async function runInboxBench(): Promise<string> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-bench-inbox-"));
  let product: Child | null = null;
  const db = new pg.Client({ connectionString: databaseUrl(DB_NAME) });
  let dbOpen = false;
  try {
    const machine = await describeMachine(admin);
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [DB_NAME])).rowCount;
    if (exists && env.BENCH_INBOX_RESEED === "1") await admin.query(`drop database ${DB_NAME} with (force)`);
    if (!exists || env.BENCH_INBOX_RESEED === "1") await admin.query(`create database ${DB_NAME}`);

    const base = `http://127.0.0.1:${PORT}`;
    product = startChild("product (src/main.ts)", "src/main.ts", {
      ...env, DATABASE_URL: databaseUrl(DB_NAME), PORT: String(PORT), HOST: "127.0.0.1", DATA_DIR: dataDir,
      ADMIN_EMAIL, ADMIN_PASSWORD, SMTP_PORT: "0",
    });
    process.stdout.write("starting the product (migrates and seeds the reference data) ... ");
    await waitForHealth(product, base);
    console.log("ready");

    await db.connect();
    dbOpen = true;
    const have = Number((await db.query<{ n: string }>("select count(*) as n from reports where ticket like 'INB-%'")).rows[0]!.n);
    let seedNote = `reused the ${fmt(have)} reports already in \`${DB_NAME}\``;
    if (have !== REPORTS) {
      process.stdout.write(`seeding ${fmt(REPORTS)} reports ... `);
      const s = await seed(db);
      console.log(`${fmt(s, 1)} s`);
      seedNote = `seeded in this run (${fmt(s, 1)} s)`;
    }
    // About 2.5% of the routed reports were reopened once (reopened=true); idempotent, so a reused database gets it too.
    await db.query(`update reports set reopen_count = 1 where ticket like 'INB-%' and reopen_count = 0 and state <> 'triage'
      and abs(hashtext(ticket)) % 40 = 0`);
    // A point for the map (GET /api/v1/reports.geojson): scattered over Jakarta's extent; only the volume matters here.
    await db.query(`update reports set lat = -6.37 + (abs(hashtext(ticket)) % 1000) * 0.00026, lon = 106.69 + (abs(hashtext(ticket || 'x')) % 1000) * 0.00033
      where ticket like 'INB-%' and lat is null`);
    await db.query("analyze reports");
    const total = Number((await db.query<{ n: string }>("select count(*) as n from reports")).rows[0]!.n);

    // the busiest kelurahan and sub-office, so the scoped cases are the heaviest of their kind
    const kel = (await db.query<{ unit: string; n: string }>(
      `select u.id as unit, count(*) as n from reports r join units u on u.kind = 'kelurahan' and u.region_code = r.kelurahan_code
       group by u.id order by 2 desc limit 1`)).rows[0]!;
    const sub = (await db.query<{ unit: string; n: string }>(
      `select holding_unit_id as unit, count(*) as n from reports r join units u on u.id = r.holding_unit_id and u.kind = 'sub_office'
       group by 1 order by 2 desc limit 1`)).rows[0]!;
    const word = (await db.query<{ w: string }>(`select 'sampah' as w`)).rows[0]!.w;
    const kelCode = (await db.query<{ code: string }>("select region_code as code from units where id = $1", [kel.unit])).rows[0]!.code;

    const adminSession = await login(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await ensureOfficer(base, adminSession, { email: "lurah.bench@aspirasi.local", role: "kelurahan_officer", unitId: kel.unit, password: OFFICER_PASSWORD });
    await ensureOfficer(base, adminSession, { email: "agency.bench@aspirasi.local", role: "agency_officer", unitId: sub.unit, password: OFFICER_PASSWORD });
    const lurah = await login(base, "lurah.bench@aspirasi.local", OFFICER_PASSWORD);
    const agency = await login(base, "agency.bench@aspirasi.local", OFFICER_PASSWORD);
    const anyTicket = (await db.query<{ ticket: string }>("select ticket from reports where ticket like 'INB-%' order by created_at desc limit 1 offset 500")).rows[0]!.ticket;

    const who: [string, Session][] = [
      ["jsc_admin (all)", adminSession],
      [`kelurahan officer (${kel.unit}, ${fmt(Number(kel.n))} reports in its kelurahan)`, lurah],
      [`agency officer (${sub.unit}, ${fmt(Number(sub.n))} reports held)`, agency],
    ];
    const filters: [string, string][] = [
      ["no filter", ""],
      ["colour=red", "colour=red"],
      ["overdue=true", "overdue=true"],
      ["state=waiting", "state=waiting"],
      ["state=follow_up_rejected (rare)", "state=follow_up_rejected"],
      [`q=${word}`, `q=${word}`],
      ["q=kebakaran (rare word)", "q=kebakaran"],
      ["q=xyzzy (no match)", "q=xyzzy"],
      ["category=jalan_rusak", "category=jalan_rusak"],
      ["category=pendidikan (rare)", "category=pendidikan"],
      ["state=waiting&overdue=true&category=sampah", "state=waiting&overdue=true&category=sampah"],
      ["reopened=true", "reopened=true"],
      ["assignee=me (no tasks)", "assignee=me"],
      [`kelurahan=${kelCode}`, `kelurahan=${kelCode}`],
      [`kelurahan=${kelCode.slice(0, 8)} (kecamatan)`, `kelurahan=${kelCode.slice(0, 8)}`],
      ["state=waiting,in_progress&reopened=true", "state=waiting,in_progress&reopened=true"],
    ];
    const cases: Case[] = [
      { name: "baseline: GET /health", who: "-", path: "/health", session: null },
      { name: "baseline: one report by ticket", who: "jsc_admin", path: `/api/v1/reports/${anyTicket}`, session: adminSession },
    ];
    for (const [w, s] of who) for (const [f, qs] of filters) cases.push({ name: f, who: w, path: `/api/v1/reports${qs ? "?" + qs : ""}`, session: s });
    cases.push({ name: `unit=${sub.unit}`, who: "jsc_admin (all)", path: `/api/v1/reports?unit=${encodeURIComponent(sub.unit)}`, session: adminSession });
    // The officers' map: GET /api/v1/reports.geojson (up to 5000 points) in the kelurahan officer's scope.
    cases.push({ name: "map: reports.geojson (all states)", who: who[1]![0], path: "/api/v1/reports.geojson", session: lurah });
    cases.push({ name: "map: reports.geojson?colour=red", who: "jsc_admin (all)", path: "/api/v1/reports.geojson?colour=red", session: adminSession });
    // The portal's public list and map (no login): GET /api/v1/public/reports and reports.geojson.
    const monasBox = "106.80,-6.20,106.85,-6.15";
    for (const [f, qs] of [
      ["no filter", ""], ["colour=red", "colour=red"], ["category=pendidikan (rare)", "category=pendidikan"],
      [`kelurahan=${kelCode}`, `kelurahan=${kelCode}`], [`kelurahan=${kelCode.slice(0, 5)} (kota)`, `kelurahan=${kelCode.slice(0, 5)}`],
      [`q=${word}`, `q=${word}`], [`bbox=${monasBox}`, `bbox=${monasBox}`], ["colour=green&category=sampah", "colour=green&category=sampah"],
    ] as const)
      cases.push({ name: `public list: ${f}`, who: "public (no login)", path: `/api/v1/public/reports${qs ? "?" + qs : ""}`, session: null });
    cases.push({ name: "public map: reports.geojson (90 days)", who: "public (no login)", path: "/api/v1/public/reports.geojson", session: null });
    cases.push({ name: "public map: reports.geojson?colour=red&days=365", who: "public (no login)", path: "/api/v1/public/reports.geojson?colour=red&days=365", session: null });

    const loadBefore = os.loadavg()[0]!;
    const results: { c: Case; t: Timing }[] = [];
    for (const c of cases) {
      const t = await time(base, c);
      results.push({ c, t });
      console.log(`${c.who.padEnd(24).slice(0, 24)} ${c.name.padEnd(44)} p50 ${fmt(t.p50, 1).padStart(7)} ms  p99 ${fmt(t.p99, 1).padStart(7)} ms  items ${t.items}`);
    }
    if (product.exitCode !== undefined) throw new Error(`the product exited during the run:\n${product.tail.join("\n")}`);

    const worst = results.filter((r) => !r.c.name.startsWith("baseline")).reduce((a, b) => (b.t.p99 > a.t.p99 ? b : a));
    const failed = results.filter((r) => !r.c.name.startsWith("baseline") && r.t.p99 >= TARGET_MS);
    const rows = results.map(({ c, t }) => `| ${c.who} | ${c.name} | ${t.items} | ${fmt(t.p50, 1)} | ${fmt(t.p99, 1)} | ${fmt(t.max, 1)} | ${c.name.startsWith("baseline") ? "-" : t.p99 < TARGET_MS ? "PASS" : "FAIL"} |`);
    return [
      SECTION_START,
      "## Inbox, maps and the public list: the first page over 100,000 reports",
      "",
      "Generated by `npx tsx bench/inbox.ts` (bench/inbox.ts); rerunning it replaces this section.",
      "",
      `- Date: ${machine.date}`,
      `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
      `- Node ${machine.node}; ${machine.postgres} (${machine.postgresSettings})`,
      `- Database \`${DB_NAME}\` (kept): ${fmt(total)} reports, ${seedNote}`,
      `- Machine load (1-minute load average, ${os.cpus().length} cores) before / after the measurements: ${fmt(loadBefore, 2)} / ${fmt(os.loadavg()[0]!, 2)};`
        + " other processes on the machine inflate the p99 figures",
      `- Target: p99 < ${TARGET_MS} ms per case. Result: ${failed.length === 0 ? "PASS" : `FAIL (${failed.map((r) => `${r.c.who} ${r.c.name}`).join("; ")})`}; slowest case: ${worst.c.who}, ${worst.c.name}, p99 ${fmt(worst.t.p99, 1)} ms`,
      "",
      "| caller | case (GET /api/v1/reports first page, unless named: the officers' map, the public list and map) | items | p50 ms | p99 ms | max ms | result |",
      "|---|---|---:|---:|---:|---:|---|",
      ...rows,
      "",
      `Method: the product (src/main.ts, API and worker in one process) runs as a child process against \`${DB_NAME}\`;`,
      `${fmt(REPORTS)} reports made by one INSERT ... SELECT from generate_series over the seeded kelurahan and units (skewed`,
      "towards busy kelurahan; holders: the kelurahan, its kecamatan or a sub-office of an agency serving its kota; created",
      "over one year; old reports mostly done or closed; 40% of open reports older than a week flagged overdue), with a",
      "created and a routed event each. The officers are created and logged in through the API. Each case: "
      + `${WARMUP} warm-up requests, then ${REQUESTS} requests one after another on one keep-alive HTTP connection, each timed`,
      "by the client on the same machine (request sent to last byte received). Default page size (50) and order (newest first).",
      "The baselines are measured in the same run on the same connection.",
      SECTION_END,
    ].join("\n");
  } finally {
    if (dbOpen) await db.end().catch(() => undefined);
    if (product) await stopChild(product).catch(() => undefined);
    agent.destroy();
    await admin.end().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) runSection(runInboxBench, SECTION_START, SECTION_END);
