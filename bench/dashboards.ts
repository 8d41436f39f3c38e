/**
 * The monitoring dashboards' benchmark (issue 6): `npx tsx bench/dashboards.ts`.
 *
 *   1. its own database (aspirasi_bench_dashboards, kept between runs: BENCH_DASHBOARDS_RESEED=1 seeds it again),
 *      migrated and seeded with reference data by the product itself (src/main.ts started as a child process);
 *   2. 1,000,000 demo reports (BENCH_DASHBOARDS_REPORTS) from scripts/seed-demo.ts (`npm run seed:demo`): Jakarta's
 *      channel mix, skewed kelurahan, holders by routing, coordination and disposition, follow-ups, validations,
 *      disputes and reopens, with every report's events; the aggregates rebuilt by stats_rebuild() (migration 015);
 *   3. a kelurahan officer (the busiest kelurahan) created and logged in through the API, next to the administrator;
 *   4. the dashboard endpoints (GET /api/v1/stats/overview, areas, units, trend, rankings) with and without filters,
 *      BENCH_DASHBOARDS_REQUESTS (100) requests each after a warm-up, one keep-alive connection, timed by the client
 *      on the same machine; in the same run a bare baseline, GET /health. An endpoint the product does not have yet
 *      (404) is reported as missing, not as a crash;
 *   5. a markdown section between <!-- bench:dashboards --> markers in BENCHMARKS.md (unless BENCH_NO_WRITE=1).
 *
 * Environment: BENCH_DATABASE_URL (server URL, as bench/run.ts), BENCH_DASHBOARDS_DB (database name), BENCH_DASHBOARDS_PORT (3913), BENCH_STRICT=1 (exit 1
 * when a case misses the target or is missing), BENCH_DASHBOARDS_REBUILD=1 (time `select stats_rebuild()` on the reused data first).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { seedDemo } from "../scripts/seed-demo.ts";
import { type Child, databaseUrl, describeMachine, fmt, isMain, positive, runSection, SERVER_URL, startChild, stopChild, waitForHealth } from "./run.ts";
import { agent, ensureOfficer, login, quantile, request, type Session } from "./api-client.ts";

const env = process.env;
const DB_NAME = env.BENCH_DASHBOARDS_DB ?? "aspirasi_bench_dashboards";
const REPORTS = Math.floor(positive(env.BENCH_DASHBOARDS_REPORTS, 1_000_000));
const REQUESTS = Math.floor(positive(env.BENCH_DASHBOARDS_REQUESTS, 100));
const WARMUP = Math.floor(positive(env.BENCH_DASHBOARDS_WARMUP, 10));
const PORT = positive(env.BENCH_DASHBOARDS_PORT, 3913);
/** A case stops sampling after this many seconds (a slow endpoint then has fewer than REQUESTS samples, shown as n). */
const CASE_SECONDS = positive(env.BENCH_DASHBOARDS_CASE_SECONDS, 120);
const TARGET_MS = 300;
/** reports posted after the reads, to check that figures count them at once and to time the fold */
const FRESH_REPORTS = Math.floor(positive(env.BENCH_DASHBOARDS_FRESH_REPORTS, 300));
const ADMIN_EMAIL = "admin@aspirasi.local";
const ADMIN_PASSWORD = "bench-admin-password";
const OFFICER_PASSWORD = "bench-officer-password";
const SECTION_START = "<!-- bench:dashboards -->";
const SECTION_END = "<!-- /bench:dashboards -->";

interface Case { name: string; who: string; path: string; session: Session | null }
type Outcome =
  | { kind: "timed"; p50: number; p99: number; max: number; bytes: number; n: number }
  | { kind: "missing" }
  | { kind: "error"; status: number; body: string };

async function overviewTotal(base: string, session: Session): Promise<number> {
  const res = await request(base, "GET", "/api/v1/stats/overview", { cookie: session.cookie });
  if (res.status !== 200) throw new Error(`GET /api/v1/stats/overview: ${res.status} ${res.body.slice(0, 200)}`);
  return (JSON.parse(res.body) as { totals: { total: number } }).totals.total;
}

async function time(base: string, c: Case): Promise<Outcome> {
  const get = () => request(base, "GET", c.path, c.session ? { cookie: c.session.cookie } : {});
  const first = await get();
  if (first.status === 404) return { kind: "missing" };
  if (first.status !== 200) return { kind: "error", status: first.status, body: first.body.slice(0, 200) };
  const deadline = performance.now() + CASE_SECONDS * 1000;
  for (let i = 1; i < WARMUP && performance.now() < deadline; i++) await get();
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS && (i === 0 || performance.now() < deadline); i++) {
    const t0 = performance.now();
    const res = await get();
    ms.push(performance.now() - t0);
    if (res.status !== 200) return { kind: "error", status: res.status, body: res.body.slice(0, 200) };
  }
  ms.sort((a, b) => a - b);
  return { kind: "timed", p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms[ms.length - 1]!, bytes: Buffer.byteLength(first.body), n: ms.length };
}

export async function runDashboardsBench(): Promise<string> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-bench-dashboards-"));
  let product: Child | null = null;
  const pool = new pg.Pool({ connectionString: databaseUrl(DB_NAME), max: 2 });
  try {
    const machine = await describeMachine(admin);
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [DB_NAME])).rowCount;
    if (exists && env.BENCH_DASHBOARDS_RESEED === "1") await admin.query(`drop database ${DB_NAME} with (force)`);
    if (!exists || env.BENCH_DASHBOARDS_RESEED === "1") await admin.query(`create database ${DB_NAME}`);

    const base = `http://127.0.0.1:${PORT}`;
    const startProduct = () => startChild("product (src/main.ts)", "src/main.ts", {
      ...env, DATABASE_URL: databaseUrl(DB_NAME), PORT: String(PORT), HOST: "127.0.0.1", DATA_DIR: dataDir, ADMIN_EMAIL, ADMIN_PASSWORD, SMTP_PORT: "0",
    });
    product = startProduct();
    process.stdout.write("starting the product (migrates and seeds the reference data) ... ");
    await waitForHealth(product, base, 600_000);
    console.log("ready");

    const have = Number((await pool.query<{ n: string }>("select count(*) as n from reports where ticket like 'DMO-%'")).rows[0]!.n);
    let seedNote = `reused the ${fmt(have)} demo reports already in \`${DB_NAME}\` (seeded by \`npm run seed:demo\`)`;
    if (have !== REPORTS) {
      console.log(`seeding ${fmt(REPORTS)} demo reports (scripts/seed-demo.ts) ...`);
      const s = await seedDemo(pool, { reports: REPORTS, seed: 1, months: 15, chunk: 50_000, reset: true });
      seedNote = `seeded in this run by scripts/seed-demo.ts: ${fmt(s.reports)} reports, ${fmt(s.events)} events in ${fmt(s.seconds, 1)} s`;
      // the product's caches (reference data, aggregates) start afresh on the seeded data
      await stopChild(product);
      product = startProduct();
      await waitForHealth(product, base, 600_000);
    }
    let rebuildNote = "";
    if (env.BENCH_DASHBOARDS_REBUILD === "1") {
      process.stdout.write("select stats_rebuild() ... ");
      const t0 = performance.now();
      await pool.query("select stats_rebuild()");
      const seconds = (performance.now() - t0) / 1000;
      console.log(`${fmt(seconds, 1)} s`);
      rebuildNote = `; \`select stats_rebuild()\` (set-based, migration 015) took ${fmt(seconds, 1)} s in this run`;
    }
    const total = Number((await pool.query<{ n: string }>("select count(*) as n from reports")).rows[0]!.n);
    const events = Number((await pool.query<{ n: string }>("select count(*) as n from report_events")).rows[0]!.n);
    // The aggregates the endpoints read (migration 014): say how complete they are, a partial rebuild makes cheap figures.
    const aggregate = async (table: string) => (await pool.query("select 1 from pg_class where relname = $1", [table])).rowCount
      ? Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n) : null;
    const aggregates = Object.fromEntries(await Promise.all(["stats_now", "stats_open_age", "stats_flow", "stats_flow_place", "stats_flow_kind", "stats_held", "stats_custody"]
      .map(async (t) => [t, await aggregate(t)] as const)));
    const aggregateNote = Object.entries(aggregates).map(([t, n]) => `${t} ${n === null ? "absent" : `${fmt(n)} rows`}`).join(", ")
      + (aggregates.stats_custody === 0 || aggregates.stats_held === 0
        ? " (EMPTY custody tables: stats_rebuild() did not finish, so working-days-held figures cover no reports and cost less than they will)" : "");

    const kel = (await pool.query<{ unit: string; code: string; n: string }>(
      `select u.id as unit, u.region_code as code, count(*) as n from reports r join units u on u.kind = 'kelurahan' and u.region_code = r.kelurahan_code
       group by 1, 2 order by 3 desc limit 1`)).rows[0]!;
    const adminSession = await login(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await ensureOfficer(base, adminSession, { email: "lurah.dash@aspirasi.local", role: "kelurahan_officer", unitId: kel.unit, password: OFFICER_PASSWORD });
    const lurah = await login(base, "lurah.dash@aspirasi.local", OFFICER_PASSWORD);

    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    const last90 = `from=${day(90)}&to=${day(0)}`;
    const kota = kel.code.slice(0, 5);
    const adminWho = "jsc_admin (all)";
    const lurahWho = `kelurahan officer (${kel.unit}, ${fmt(Number(kel.n))} reports)`;
    const cases: Case[] = [{ name: "baseline: GET /health", who: "-", path: "/health", session: null }];
    const add = (who: string, session: Session, p: string) => cases.push({ name: p, who, path: p, session });
    for (const p of [
      "/api/v1/stats/overview", `/api/v1/stats/overview?kota=${kota}`, "/api/v1/stats/overview?category=jalan_rusak",
      `/api/v1/stats/overview?${last90}`, "/api/v1/stats/overview?channel=qlue&category=sampah",
      "/api/v1/stats/areas?level=kota", "/api/v1/stats/areas?level=kecamatan", "/api/v1/stats/areas?level=kelurahan",
      `/api/v1/stats/areas?level=kelurahan&kota=${kota}&category=pohon`,
      "/api/v1/stats/units?kind=kelurahan", "/api/v1/stats/units?kind=agency", `/api/v1/stats/units?kind=kelurahan&${last90}`,
      "/api/v1/stats/trend?interval=day", "/api/v1/stats/trend?interval=week", "/api/v1/stats/trend?interval=month",
      `/api/v1/stats/trend?interval=day&kota=${kota}&category=jalan_rusak`,
      "/api/v1/stats/rankings?kind=kelurahan", "/api/v1/stats/rankings?kind=agency", `/api/v1/stats/rankings?kind=kelurahan&${last90}`,
    ]) add(adminWho, adminSession, p);
    for (const p of [
      "/api/v1/stats/overview", "/api/v1/stats/areas?level=kelurahan", "/api/v1/stats/units?kind=kelurahan",
      "/api/v1/stats/trend?interval=day", "/api/v1/stats/trend?interval=month", "/api/v1/stats/rankings?kind=kelurahan",
      "/api/v1/stats/overview?category=jalan_rusak",
    ]) add(lurahWho, lurah, p);

    const loadBefore = os.loadavg()[0]!;
    const results: { c: Case; o: Outcome }[] = [];
    for (const c of cases) {
      const o = await time(base, c);
      results.push({ c, o });
      const what = o.kind === "timed" ? `p50 ${fmt(o.p50, 1).padStart(7)} ms  p99 ${fmt(o.p99, 1).padStart(7)} ms  n ${o.n}  ${fmt(o.bytes)} bytes`
        : o.kind === "missing" ? "MISSING (404)" : `ERROR ${o.status} ${o.body}`;
      console.log(`${c.who.slice(0, 20).padEnd(20)} ${c.name.padEnd(70)} ${what}`);
    }
    if (product.exitCode !== undefined) throw new Error(`the product exited during the run:\n${product.tail.join("\n")}`);

    // Freshness: new reports count at once (the triggers append to the delta logs, readers add them), and the
    // worker's fold of the logs into the tables is timed on what is left after the posts.
    const total0 = await overviewTotal(base, adminSession);
    const t0 = performance.now();
    for (let i = 0; i < FRESH_REPORTS; i++) {
      const res = await request(base, "POST", "/api/v1/public/reports", {
        json: { description: `Uji kesegaran dasbor nomor ${i}: lampu jalan mati di dekat pasar`, lat: -6.1754, lon: 106.8272, contact: { email: `bench${i}@example.invalid` } },
      });
      if (res.status !== 201) throw new Error(`POST /api/v1/public/reports: ${res.status} ${res.body.slice(0, 200)}`);
    }
    const postSeconds = (performance.now() - t0) / 1000;
    const total1 = await overviewTotal(base, adminSession);
    const logRows = Number((await pool.query<{ n: string }>("select (select count(*) from stats_log_current) + (select count(*) from stats_log_flow) + (select count(*) from stats_log_held) as n")).rows[0]!.n);
    const f0 = performance.now();
    let folded = false;
    for (let k = 0; k < 100 && !folded; k++) folded = (await pool.query<{ done: boolean }>("select stats_compact() as done")).rows[0]!.done;
    const foldMs = performance.now() - f0;
    const total2 = await overviewTotal(base, adminSession);
    const freshness = `${fmt(FRESH_REPORTS)} reports posted through \`POST /api/v1/public/reports\` (${fmt(FRESH_REPORTS / postSeconds, 1)} req/s, triggers included):`
      + ` the overview's total went from ${fmt(total0)} to ${fmt(total1)} before any fold (${total1 - total0 === FRESH_REPORTS ? "exact" : "NOT EXACT"})`
      + ` and stayed ${fmt(total2)} after it; \`select stats_compact()\` folded the ${fmt(logRows)} log rows left in ${fmt(foldMs, 1)} ms`;
    console.log(freshness);

    const measured = results.filter((r) => !r.c.name.startsWith("baseline"));
    const timed = measured.filter((r): r is { c: Case; o: Extract<Outcome, { kind: "timed" }> } => r.o.kind === "timed");
    const failed = timed.filter((r) => r.o.p99 >= TARGET_MS);
    const missing = measured.filter((r) => r.o.kind !== "timed");
    const worst = timed.length ? timed.reduce((a, b) => (b.o.p99 > a.o.p99 ? b : a)) : null;
    const verdict = failed.length === 0 && missing.length === 0 ? "PASS"
      : `FAIL (${[...failed.map((r) => `${r.c.who} ${r.c.name}`), ...missing.map((r) => `${r.c.name}: ${r.o.kind === "missing" ? "missing" : "error"}`)].join("; ")})`;
    const rows = results.map(({ c, o }) => o.kind === "timed"
      ? `| ${c.who} | \`${c.path}\` | ${fmt(o.bytes)} | ${o.n} | ${fmt(o.p50, 1)} | ${fmt(o.p99, 1)} | ${fmt(o.max, 1)} | ${c.name.startsWith("baseline") ? "-" : o.p99 < TARGET_MS ? "PASS" : "FAIL"} |`
      : `| ${c.who} | \`${c.path}\` | - | - | - | - | - | ${o.kind === "missing" ? "MISSING (404)" : `ERROR ${o.status}`} |`);
    return [
      SECTION_START,
      `## Monitoring dashboards: the stats endpoints over ${fmt(total)} reports`,
      "",
      "Generated by `npx tsx bench/dashboards.ts` (bench/dashboards.ts); rerunning it replaces this section.",
      "",
      `- Date: ${machine.date}`,
      `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
      `- Node ${machine.node}; ${machine.postgres} (${machine.postgresSettings})`,
      `- Database \`${DB_NAME}\` (kept): ${fmt(total)} reports, ${fmt(events)} events; ${seedNote}`,
      `- Aggregate tables: ${aggregateNote}${rebuildNote}`,
      `- Machine load (1-minute load average, ${os.cpus().length} cores) before / after the measurements: ${fmt(loadBefore, 2)} / ${fmt(os.loadavg()[0]!, 2)};`
        + " other processes on the machine inflate the p99 figures",
      `- Freshness: ${freshness}`,
      `- Target: p99 < ${TARGET_MS} ms per case. Result: ${verdict}${worst ? `; slowest case: ${worst.c.who}, ${worst.c.name}, p99 ${fmt(worst.o.p99, 1)} ms` : ""}`,
      "",
      "| caller | request | bytes | n | p50 ms | p99 ms | max ms | result |",
      "|---|---|---:|---:|---:|---:|---:|---|",
      ...rows,
      "",
      `Method: the product (src/main.ts, API and worker in one process) runs as a child process against \`${DB_NAME}\`,`,
      "filled by `npm run seed:demo` (scripts/seed-demo.ts: Jakarta's 2021 channel mix, resolution times around the",
      "published 39.87 h average, 15 months of history, every report's events; aggregates rebuilt by `stats_rebuild()`).",
      "The officer is created and logged in through the API. Each case: "
        + `${WARMUP} warm-up requests, then ${REQUESTS} requests one after another on one keep-alive HTTP connection`
        + ` (at most ${CASE_SECONDS} s per case: n is the number of timed requests),`,
      "each timed by the client on the same machine (request sent to last byte received). The baseline is measured in the",
      "same run on the same connection.",
      SECTION_END,
    ].join("\n");
  } finally {
    await pool.end().catch(() => undefined);
    if (product) await stopChild(product).catch(() => undefined);
    agent.destroy();
    await admin.end().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) runSection(runDashboardsBench, SECTION_START, SECTION_END);
