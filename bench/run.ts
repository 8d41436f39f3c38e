/**
 * `npm run bench`: the product on PostgreSQL against a bare baseline, measured in the same run.
 *
 *   1. a fresh database (aspirasi_bench) on the local PostgreSQL;
 *   2. the product (src/main.ts: API + worker) and the baseline (bench/baseline-server.ts, the same
 *      framework doing one INSERT / one primary-key SELECT) as child processes, so the load generator
 *      stays off the servers' event loops;
 *   3. per scenario and server: warm-up, then a measured autocannon run (50 connections);
 *   4. a table of req/s, p50, p99, the ratio to the baseline and PASS/FAIL against the targets,
 *      written into BENCHMARKS.md between <!-- bench:core --> and <!-- /bench:core -->.
 *
 * Environment: BENCH_DATABASE_URL (server URL; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (50), BENCH_SEED_REPORTS (500),
 * BENCH_PORT (3901), BENCH_BASELINE_PORT (3902), BENCH_KEEP=1 (keep the database),
 * BENCH_NO_WRITE=1 (do not touch BENCHMARKS.md), BENCH_STRICT=1 (exit 1 when a scenario fails),
 * BENCH_PROFILE_DIR=dir (write V8 CPU profiles of both servers there), BENCH_RETRIES (2: runs disturbed by other
 * processes are measured again), BENCH_QUIET_SECONDS (60: how long to wait for a quiet machine before a run),
 * BENCH_DRAIN_SECONDS (180: how long to wait for the job queue to drain between runs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const env = process.env;
export const SECONDS = positive(env.BENCH_SECONDS, 15);
export const WARMUP_SECONDS = positive(env.BENCH_WARMUP_SECONDS, 3);
export const CONNECTIONS = positive(env.BENCH_CONNECTIONS, 50);
const SEED_REPORTS = positive(env.BENCH_SEED_REPORTS, 500);
const PRODUCT_PORT = positive(env.BENCH_PORT, 3901);
const BASELINE_PORT = positive(env.BENCH_BASELINE_PORT, 3902);
export const KEEP = env.BENCH_KEEP === "1";
export const SERVER_URL = env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const DB_NAME = "aspirasi_bench";
export const BENCH_FILE = path.join(ROOT, "BENCHMARKS.md");
const SECTION_START = "<!-- bench:core -->";
const SECTION_END = "<!-- /bench:core -->";

export function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Child processes

export interface Child {
  name: string;
  proc: ChildProcess;
  /** the last lines it printed, shown when it fails */
  tail: string[];
  exited: Promise<number | null>;
  exitCode: number | null | undefined;
}

export function startChild(name: string, script: string, childEnv: NodeJS.ProcessEnv, args: string[] = []): Child {
  // node --import tsx: the child is node itself, so its pid is the server's (no npx wrapper to orphan it).
  // BENCH_PROFILE_DIR: V8 CPU profiles of the servers (written when they stop), to see where the time goes.
  const profile = env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(env.BENCH_PROFILE_DIR)}`] : [];
  const proc = spawn(process.execPath, [...profile, "--import", "tsx", script, ...args], { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const child: Child = { name, proc, tail: [], exited: Promise.resolve(null), exitCode: undefined };
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      child.tail.push(line);
      if (child.tail.length > 40) child.tail.shift();
    }
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  child.exited = new Promise((resolve) => {
    proc.on("exit", (code, signal) => {
      child.exitCode = code ?? (signal ? -1 : null);
      resolve(code);
    });
  });
  return child;
}

export async function waitForHealth(child: Child, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== undefined) throw new Error(`${child.name} exited (${child.exitCode}) before it was ready:\n${child.tail.join("\n")}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${child.name} not healthy after ${timeoutMs / 1000} s:\n${child.tail.join("\n")}`);
}

export async function stopChild(child: Child): Promise<void> {
  if (child.exitCode !== undefined) return;
  child.proc.kill("SIGTERM");
  const stopped = await Promise.race([child.exited.then(() => true), sleep(8_000).then(() => false)]);
  if (!stopped && child.exitCode === undefined) {
    child.proc.kill("SIGKILL");
    await child.exited;
  }
}

// ---------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; best effort): where the cycles of a measured run go, and whether
// something else on the machine (a test run, a build) was competing for the two cores.

const CLOCK_TICKS_PER_SECOND = 100;

function cpuTicksOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy and total ticks of the whole machine (all cores), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    return { busy, total: busy + idle! + iowait! };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The PostgreSQL processes working for the bench database: its backends and the shared background processes. */
async function benchPostgresPids(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = $1 or (datname is null and backend_type <> 'client backend')",
    [DB_NAME],
  );
  return rows.map((r) => r.pid);
}

export interface CpuSnapshot {
  machine: { busy: number; total: number };
  server: number;
  ourProcesses: number;
  postgres: Map<number, number>;
  generator: NodeJS.CpuUsage;
}

export async function cpuSnapshot(client: pg.Client, serverPid: number | undefined, childPids: number[]): Promise<CpuSnapshot> {
  const postgres = new Map<number, number>();
  for (const pid of await benchPostgresPids(client)) postgres.set(pid, cpuTicksOf(pid));
  return {
    machine: machineTicks(),
    server: serverPid ? cpuTicksOf(serverPid) : 0,
    ourProcesses: childPids.reduce((sum, pid) => sum + cpuTicksOf(pid), 0),
    postgres,
    generator: process.cpuUsage(),
  };
}

export interface CpuUse {
  serverMs: number;
  postgresMs: number;
  generatorMs: number;
  /** share of the machine's CPU used by processes that are not part of the benchmark */
  otherShare: number;
  /** share of the machine's CPU in use */
  busyShare: number;
}

/** CPU milliseconds spent between two snapshots by the server, PostgreSQL (the bench database) and autocannon. */
export async function cpuSince(before: CpuSnapshot, client: pg.Client, serverPid: number | undefined, childPids: number[]): Promise<CpuUse> {
  const after = await cpuSnapshot(client, serverPid, childPids);
  let postgres = 0;
  // a backend that was not there before (a pool connecting during the run) counts from its start
  for (const [pid, ticks] of after.postgres) postgres += ticks - (before.postgres.get(pid) ?? 0);
  const generator = process.cpuUsage(before.generator);
  const generatorMs = (generator.user + generator.system) / 1000;
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  const total = after.machine.total - before.machine.total;
  const busy = after.machine.busy - before.machine.busy;
  const ours = after.ourProcesses - before.ourProcesses + postgres + (generatorMs * CLOCK_TICKS_PER_SECOND) / 1000;
  return {
    serverMs: ms(after.server - before.server),
    postgresMs: ms(postgres),
    generatorMs,
    otherShare: total > 0 ? Math.max(0, busy - ours) / total : 0,
    busyShare: total > 0 ? busy / total : 0,
  };
}

/**
 * Waits (up to BENCH_QUIET_SECONDS, default 60) until processes outside the benchmark use less than
 * 15% of the machine, so a concurrent test run does not end up in the figures. Returns that share.
 */
export async function waitForQuiet(client: pg.Client, childPids: number[]): Promise<number> {
  const deadline = Date.now() + positive(env.BENCH_QUIET_SECONDS, 60) * 1000;
  let waited = false;
  for (;;) {
    const before = await cpuSnapshot(client, undefined, childPids);
    await sleep(1000);
    const use = await cpuSince(before, client, undefined, childPids);
    if (use.otherShare < DISTURBED_SHARE || Date.now() >= deadline) {
      if (waited) process.stdout.write(`(other processes now ${fmt(use.otherShare * 100)}% of the CPU) `);
      return use.otherShare;
    }
    if (!waited) process.stdout.write(`waiting for a quiet machine (other processes use ${fmt(use.otherShare * 100)}% of the CPU) ... `);
    waited = true;
  }
}

// ---------------------------------------------------------------------------------------------
// What PostgreSQL backends are doing during a run, sampled from pg_stat_activity.

export class WaitSampler {
  private counts = new Map<string, number>();
  private samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(private readonly client: pg.Client) {}

  start(intervalMs = 100): void {
    this.counts.clear();
    this.samples = 0;
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ w: string; n: number }>(
        `select case when state = 'idle in transaction' then 'idle in transaction (waiting for the app)'
                     when wait_event is null then 'running (CPU)'
                     else wait_event_type || ':' || wait_event end as w, count(*)::int as n
           from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')
            and backend_type = 'client backend'
          group by 1`,
        [DB_NAME],
      );
      this.samples++;
      for (const r of rows) this.counts.set(r.w, (this.counts.get(r.w) ?? 0) + r.n);
    } catch {
      // a missed sample is fine
    } finally {
      this.busy = false;
    }
  }

  /** Average number of backends in each state over the run, busiest first. */
  stop(): Array<{ what: string; backends: number }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const n = Math.max(this.samples, 1);
    return [...this.counts.entries()].map(([what, c]) => ({ what, backends: c / n })).sort((a, b) => b.backends - a.backends);
  }
}

// ---------------------------------------------------------------------------------------------
// Request bodies: realistic Indonesian complaints at random points inside Jakarta.

export const PLACES = [
  "Jl. Gatot Subroto dekat halte Semanggi", "Jl. HR Rasuna Said depan Gedung Kuningan", "Jl. Daan Mogot km 12", "Jl. Matraman Raya",
  "Jl. Pramuka dekat lampu merah", "Jl. Kramat Raya depan pasar", "gang sebelah masjid Al-Ikhlas RT 05 RW 03", "Jl. Panjang Kebon Jeruk",
  "Jl. Raya Bogor km 20", "Jl. Pluit Karang", "Jl. Cipinang Jaya", "Jl. Kemang Raya", "jalan masuk Rusun Marunda", "Jl. Tebet Barat Dalam",
];
export const ROAD_DAMAGE = [
  "Jalan berlubang cukup dalam di {place}, sudah dua minggu belum diperbaiki dan membahayakan pengendara motor terutama saat hujan.",
  "Aspal di {place} mengelupas sepanjang kurang lebih 30 meter, banyak kendaraan mengerem mendadak. Mohon segera ditambal.",
  "Ada lubang besar di {place} yang tertutup genangan air, kemarin malam seorang pengendara ojek terjatuh di sana.",
  "Tutup saluran di {place} amblas sehingga jalan berlubang, sudah dipasangi ban bekas oleh warga sebagai tanda bahaya.",
];
export const GARBAGE = [
  "Sampah menumpuk di pinggir {place} sejak tiga hari, baunya menyengat dan mulai menyumbat saluran air.",
  "Truk sampah tidak datang ke {place} sudah seminggu, warga terpaksa membuang sampah di lahan kosong.",
  "Tempat pembuangan sementara di {place} meluber sampai ke badan jalan, banyak lalat dan tikus. Mohon diangkut.",
  "Ada pembuangan sampah liar di {place}, setiap malam ada yang membuang puing dan kasur bekas.",
];
export const NAMES = ["Budi Santoso", "Siti Rahmawati", "Agus Wijaya", "Dewi Lestari", "Rudi Hartono", "Nur Aini", "Yusuf Maulana", "Putri Ayu"];

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

interface ReportRequestBody {
  description: string;
  category: string;
  lat: number;
  lon: number;
  address?: string;
  contact?: { name?: string; email: string };
}

/** One complaint; about a third leave an email (some of them the same person again). */
export function makeReport(): ReportRequestBody {
  const road = Math.random() < 0.5;
  const place = pick(PLACES);
  const body: ReportRequestBody = {
    description: pick(road ? ROAD_DAMAGE : GARBAGE).replace("{place}", place),
    category: road ? "jalan_rusak" : "sampah",
    lat: Number(between(-6.3, -6.1).toFixed(6)),
    lon: Number(between(106.7, 106.95).toFixed(6)),
  };
  if (Math.random() < 0.4) body.address = place;
  if (Math.random() < 0.35) {
    const n = Math.floor(Math.random() * 5000);
    body.contact = Math.random() < 0.5 ? { name: pick(NAMES), email: `warga${n}@contoh.id` } : { email: `warga${n}@contoh.id` };
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Target {
  url: string;
  createPath: string;
  lookupPath: (ticket: string) => string;
}

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: string;
  cpu: CpuUse;
  waits: Array<{ what: string; backends: number }>;
}

function createRequests(target: Target): autocannon.Request[] {
  return [{
    method: "POST",
    path: target.createPath,
    headers: { "content-type": "application/json", "accept-language": "id-ID,id;q=0.9" },
    setupRequest: (request) => ({ ...request, body: JSON.stringify(makeReport()) }),
  }];
}

function lookupRequests(target: Target, tickets: string[]): autocannon.Request[] {
  return [{
    method: "GET",
    path: target.lookupPath(tickets[0]!),
    headers: { "accept-language": "id-ID,id;q=0.9" },
    setupRequest: (request) => ({ ...request, path: target.lookupPath(pick(tickets)) }),
  }];
}

export interface Probe {
  /** a connection to the bench database, for pg_stat_activity */
  client: pg.Client;
  sampler: WaitSampler;
  /** the product and the baseline */
  childPids: number[];
}

export const RETRIES = Math.max(0, Math.floor(Number(env.BENCH_RETRIES ?? 2)) || 0);
/** a run during which other processes used more of the machine than this is measured again */
export const DISTURBED_SHARE = 0.15;

export async function measure(
  label: string,
  target: Pick<Target, "url">,
  requests: () => autocannon.Request[],
  serverPid: number | undefined,
  probe: Probe,
  opts: { overallRate?: number; warmup?: boolean } = {},
): Promise<Measured> {
  process.stdout.write(`  ${label}: `);
  const rate = opts.overallRate ? { overallRate: opts.overallRate } : {};
  let best: Measured | null = null;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) process.stdout.write(`disturbed (other processes used ${fmt(best!.cpu.otherShare * 100)}% of the CPU), again: `);
    await waitForQuiet(probe.client, probe.childPids);
    if (attempt === 0 && opts.warmup !== false) {
      process.stdout.write(`warm-up ${WARMUP_SECONDS} s ... `);
      await autocannon({ url: target.url, connections: CONNECTIONS, duration: WARMUP_SECONDS, requests: requests(), ...rate });
    }
    process.stdout.write(`measuring ${SECONDS} s ... `);
    const before = await cpuSnapshot(probe.client, serverPid, probe.childPids);
    probe.sampler.start();
    const result = await autocannon({ url: target.url, connections: CONNECTIONS, duration: SECONDS, requests: requests(), ...rate });
    const waits = probe.sampler.stop();
    const cpu = await cpuSince(before, probe.client, serverPid, probe.childPids);
    const statusCodes = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith("2"))
      .map(([code, s]) => `${code}×${s.count ?? 0}`)
      .join(", ");
    const m: Measured = {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      cpu,
      waits,
    };
    if (!best || m.cpu.otherShare < best.cpu.otherShare) best = m;
    if (m.cpu.otherShare < DISTURBED_SHARE) break;
  }
  const m = best!;
  const failures = m.non2xx || m.errors ? `, ${m.non2xx} non-2xx${m.statusCodes ? ` (${m.statusCodes})` : ""}, ${m.errors} errors` : "";
  console.log(`${fmt(m.rps, 0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms${failures} [CPU ${fmt(m.cpu.busyShare * 100)}% busy, other processes ${fmt(m.cpu.otherShare * 100)}%]`);
  return m;
}

/** Creates reports through the API (a few at a time) and returns their tickets. */
export async function seedReports(target: Target, count: number): Promise<string[]> {
  const tickets: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const res = await fetch(`${target.url}${target.createPath}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(makeReport()),
      });
      const body = (await res.json()) as { ticket?: unknown };
      if (res.status !== 201 || typeof body.ticket !== "string") throw new Error(`seeding ${target.url}: ${res.status} ${JSON.stringify(body)}`);
      tickets.push(body.ticket);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return tickets;
}

/**
 * Waits until the product's worker has run every due job and delivered the outbox, so one scenario's
 * backlog does not bleed into the next.
 */
export async function drainQueue(admin: pg.Client, timeoutMs = positive(env.BENCH_DRAIN_SECONDS, 180) * 1000): Promise<{ jobs: number; ms: number; drained: boolean }> {
  const started = Date.now();
  const count = async () =>
    (await admin.query<{ n: number }>(
      `select (select count(*) from graphile_worker.jobs where run_at <= now() and attempts < max_attempts)::int
            + coalesce((select count(*) from outbox where status = 'pending'), 0)::int as n`,
    )).rows[0]!.n;
  const jobs = await count();
  let left = jobs;
  while (left > 0 && Date.now() - started < timeoutMs) {
    await sleep(250);
    left = await count();
  }
  return { jobs, ms: Date.now() - started, drained: left === 0 };
}

// ---------------------------------------------------------------------------------------------
// Reporting

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Scenario {
  name: string;
  endpoint: string;
  minRatio: number;
  maxP99Ms?: number;
  ours: Measured;
  baseline: Measured;
  /** the product held to the target throughput (a fixed offered rate) instead of saturated */
  atTargetRate?: { rate: number; ours: Measured };
}

function targetRateLine(s: Scenario): string | null {
  const t = s.atTargetRate;
  if (!t) return null;
  const kept = t.ours.rps >= t.rate * 0.95;
  const ok = kept && (s.maxP99Ms === undefined || t.ours.p99 < s.maxP99Ms) && t.ours.non2xx === 0 && t.ours.errors === 0;
  return `${s.name} at a fixed ${fmt(t.rate)} req/s (${fmt(s.minRatio * 100)}% of the baseline's throughput): ours served ${fmt(t.ours.rps)} req/s, ` +
    `p50 ${t.ours.p50} ms, p99 ${t.ours.p99} ms${t.ours.non2xx ? `, ${t.ours.non2xx} non-2xx` : ""} -> ` +
    `${ok ? "holds the target rate" : kept ? "keeps the rate but not the latency" : "cannot keep the rate"}` +
    `${s.maxP99Ms !== undefined ? ` (p99 ${t.ours.p99 < s.maxP99Ms ? "<" : "≥"} ${s.maxP99Ms} ms)` : ""}`;
}

function verdict(s: Scenario): { pass: boolean; target: string; why: string[] } {
  const ratio = s.ours.rps / s.baseline.rps;
  const why: string[] = [];
  if (ratio < s.minRatio) why.push(`ratio ${fmt(ratio * 100)}% < ${fmt(s.minRatio * 100)}%`);
  if (s.maxP99Ms !== undefined && s.ours.p99 >= s.maxP99Ms) why.push(`p99 ${s.ours.p99} ms ≥ ${s.maxP99Ms} ms`);
  for (const [who, m] of [["ours", s.ours], ["baseline", s.baseline]] as const) {
    if (m.non2xx > 0) why.push(`${who}: ${m.non2xx} non-2xx${m.statusCodes ? ` (${m.statusCodes})` : ""}`);
    if (m.errors > 0) why.push(`${who}: ${m.errors} errors (${m.timeouts} timeouts)`);
  }
  const target = `≥ ${fmt(s.minRatio * 100)}% of baseline${s.maxP99Ms !== undefined ? `, p99 < ${s.maxP99Ms} ms` : ""}`;
  return { pass: why.length === 0, target, why };
}

function tableRows(scenarios: Scenario[]): string[][] {
  return scenarios.map((s) => {
    const v = verdict(s);
    return [
      `${s.name} (${s.endpoint})`,
      fmt(s.ours.rps),
      String(s.ours.p50),
      String(s.ours.p99),
      fmt(s.baseline.rps),
      String(s.baseline.p50),
      String(s.baseline.p99),
      `${fmt((s.ours.rps / s.baseline.rps) * 100)}%`,
      v.target,
      v.pass ? "PASS" : `FAIL (${v.why.join("; ")})`,
    ];
  });
}

const HEADER = ["scenario", "ours req/s", "ours p50 ms", "ours p99 ms", "baseline req/s", "baseline p50 ms", "baseline p99 ms", "ratio", "target", "result"];

function textTable(rows: string[][]): string {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i >= 1 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ");
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

function markdownTable(rows: string[][]): string {
  const align = HEADER.map((_, i) => (i >= 1 && i <= 7 ? "---:" : "---"));
  return [HEADER, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** CPU milliseconds per request of each party, and how busy the machine was. */
export function perRequestCpu(cpu: CpuUse, requests: number, serverName = "server"): string {
  const per = (ms: number) => fmt(ms / Math.max(requests, 1), 2);
  return `${serverName} ${per(cpu.serverMs)} ms, PostgreSQL ${per(cpu.postgresMs)} ms, load generator ${per(cpu.generatorMs)} ms ` +
    `(machine ${fmt(cpu.busyShare * 100)}% busy, other processes ${fmt(cpu.otherShare * 100)}%)`;
}

export function cpuLine(m: Measured): string {
  return perRequestCpu(m.cpu, m.total);
}

/** The five most sampled PostgreSQL wait events. */
export function waitsLine(waits: ReadonlyArray<{ what: string; backends: number }>): string {
  return waits.slice(0, 5).map((w) => `${w.what} ${fmt(w.backends, 1)}`).join(", ") || "none active when sampled";
}

export function waitLine(m: Measured): string {
  return waitsLine(m.waits);
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  postgresSettings: string;
  logRequests: string;
  date: string;
}

/** The machine, Node and PostgreSQL the figures were measured on. */
export async function describeMachine(admin: pg.Client): Promise<Machine> {
  const pgInfo = await admin.query<{ v: string; sc: string; sb: string; fsync: string }>(
    "select current_setting('server_version') as v, current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb, current_setting('fsync') as fsync",
  );
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: `PostgreSQL ${pgInfo.rows[0]!.v}`,
    postgresSettings: `synchronous_commit=${pgInfo.rows[0]!.sc}, fsync=${pgInfo.rows[0]!.fsync}, shared_buffers=${pgInfo.rows[0]!.sb}`,
    logRequests: env.LOG_REQUESTS === "1" ? "1" : "off",
    date: new Date().toISOString(),
  };
}

export function writeBenchmarks(machine: Machine, scenarios: Scenario[], notes: string[]): void {
  const rows = tableRows(scenarios);
  const detail = scenarios.flatMap((s) => [
    `- ${s.name}: CPU per request: ours ${cpuLine(s.ours)}; baseline ${cpuLine(s.baseline)}.`,
    `  PostgreSQL backends of the bench database, average by state during the ours run: ${waitLine(s.ours)}.`,
    `  Requests measured: ours ${fmt(s.ours.total)}, baseline ${fmt(s.baseline.total)}.`,
  ]);
  const atRate = scenarios.map(targetRateLine).filter((l): l is string => l !== null);
  const section = [
    SECTION_START,
    "## Core API: report creation and status lookup",
    "",
    "Generated by `npm run bench` (bench/run.ts); rerunning it replaces this section.",
    "",
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
    `- Node ${machine.node}; ${machine.postgres} (${machine.postgresSettings}); product LOG_REQUESTS=${machine.logRequests}`,
    `- Command: \`npm run bench\` (BENCH_SECONDS=${SECONDS}, ${CONNECTIONS} connections, warm-up ${WARMUP_SECONDS} s)`,
    "",
    markdownTable(rows),
    "",
    ...atRate.map((l) => `- ${l}`),
    ...(atRate.length ? [""] : []),
    "Latencies in milliseconds (autocannon, 2xx responses only, 1 ms resolution); req/s is the mean of per-second samples.",
    "",
    "Where the time went (measured in the same runs):",
    "",
    ...detail,
    ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : []),
    "",
    "Method: the product (`src/main.ts`, API and worker in one process, PostgreSQL pool of 20) and the baseline",
    "(`bench/baseline-server.ts`: fastify 5 + pg pool of 20, one autocommit INSERT per report, one primary-key SELECT per",
    "lookup, no validation, no reference data, no events, no outbox) run as child processes against one fresh",
    `database (\`${DB_NAME}\`), on the same machine as PostgreSQL and the load generator (autocannon in the bench process).`,
    `Each scenario runs the baseline first, then the product; each run is a ${WARMUP_SECONDS} s warm-up (discarded) and a`,
    `${SECONDS} s measurement with ${CONNECTIONS} connections. Report creation posts a JSON complaint (jalan_rusak or sampah, a random point`,
    "inside Jakarta, an email contact on about a third); status lookup first creates",
    `${SEED_REPORTS} reports on each server and then GETs random tickets among them. Before each product run the job queue and the`,
    "outbox are drained, so one run's deliveries do not run during the next; during a run the worker delivers as in production.",
    "Before each run the script waits for the machine to be quiet, and a run during which other processes used more than",
    `${fmt(DISTURBED_SHARE * 100)}% of the CPU is measured again (up to ${RETRIES} times; the least disturbed run is kept).`,
    `With ${CONNECTIONS} closed-loop connections latency follows from throughput (Little's law: mean latency = ${CONNECTIONS} / req/s),`,
    "so the product is also measured at a fixed offered rate equal to the creation target (half the baseline's throughput).",
    "Any non-2xx response or connection error fails the scenario.",
    SECTION_END,
  ].join("\n");
  writeSection(SECTION_START, SECTION_END, section);
}

/** Replaces the text between the start and end markers of BENCHMARKS.md (both included), or appends it; other sections stay. */
/**
 * Runs a benchmark that answers its BENCHMARKS.md section: records it between the markers (or prints it with
 * BENCH_NO_WRITE=1), and exits 1 on an error or, with BENCH_STRICT=1, when the section says "Result: FAIL".
 */
export function runSection(run: () => Promise<string>, startMarker: string, endMarker: string): void {
  run().then(
    (section) => {
      if (env.BENCH_NO_WRITE !== "1") {
        writeSection(startMarker, endMarker, section);
        console.log("recorded in BENCHMARKS.md");
      } else console.log(`\n${section}`);
      process.exit(env.BENCH_STRICT === "1" && section.includes("Result: FAIL") ? 1 : 0);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exit(1);
    },
  );
}

export function writeSection(startMarker: string, endMarker: string, section: string): void {
  let text: string;
  if (fs.existsSync(BENCH_FILE)) {
    const current = fs.readFileSync(BENCH_FILE, "utf8");
    const start = current.indexOf(startMarker);
    const end = current.indexOf(endMarker);
    text = start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + endMarker.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  } else {
    text = [
      "# Benchmarks",
      "",
      "Each section is produced by a benchmark script and replaced when it is rerun; the figures are those of the run recorded.",
      "",
      section,
      "",
    ].join("\n");
  }
  fs.writeFileSync(BENCH_FILE, text);
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const children: Child[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-bench-"));
  const admin = new pg.Client({ connectionString: SERVER_URL });
  let benchDb: pg.Client | null = null;
  let dbCreated = false;
  let interrupted = false;

  const cleanup = async () => {
    await Promise.all(children.map((c) => stopChild(c).catch(() => undefined)));
    await benchDb?.end().catch(() => undefined);
    if (dbCreated && !KEEP) await admin.query(`drop database if exists ${DB_NAME} with (force)`).catch((err: unknown) => console.error("could not drop the bench database:", err));
    await admin.end().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log("\ninterrupted: cleaning up");
    cleanup().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    await admin.connect();
    const machine = await describeMachine(admin);
    console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}`);
    console.log(`Node ${machine.node}, ${machine.postgres} (${machine.postgresSettings}), ${machine.date}`);
    console.log(`${CONNECTIONS} connections, warm-up ${WARMUP_SECONDS} s, measure ${SECONDS} s per run\n`);

    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
    dbCreated = true;
    const benchUrl = databaseUrl(DB_NAME);

    const productUrl = `http://127.0.0.1:${PRODUCT_PORT}`;
    const baselineUrl = `http://127.0.0.1:${BASELINE_PORT}`;
    const product = startChild("product (src/main.ts)", "src/main.ts", {
      ...env,
      DATABASE_URL: benchUrl,
      PORT: String(PRODUCT_PORT),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: "bench-admin-password",
    });
    children.push(product);
    const baseline = startChild("baseline (bench/baseline-server.ts)", "bench/baseline-server.ts", {
      ...env,
      DATABASE_URL: benchUrl,
      PORT: String(BASELINE_PORT),
    });
    children.push(baseline);
    process.stdout.write("starting the product and the baseline ... ");
    const t0 = Date.now();
    await Promise.all([waitForHealth(product, productUrl), waitForHealth(baseline, baselineUrl)]);
    console.log(`ready in ${fmt((Date.now() - t0) / 1000, 1)} s`);

    benchDb = new pg.Client({ connectionString: benchUrl });
    await benchDb.connect();
    const probe: Probe = { client: benchDb, sampler: new WaitSampler(benchDb), childPids: children.map((c) => c.proc.pid ?? 0).filter((pid) => pid > 0) };
    const notes: string[] = [];
    const drain = async (when: string) => {
      const d = await drainQueue(benchDb!);
      if (d.jobs > 0) console.log(`  (drained ${fmt(d.jobs)} queued jobs and outbox messages in ${fmt(d.ms / 1000, 1)} s ${when})`);
      if (!d.drained) notes.push(`The job queue did not drain within ${fmt(d.ms / 1000)} s ${when}; the next run shared the machine with the worker.`);
    };

    const ours: Target = { url: productUrl, createPath: "/api/v1/public/reports", lookupPath: (t) => `/api/v1/public/reports/${encodeURIComponent(t)}` };
    const bare: Target = { url: baselineUrl, createPath: "/reports", lookupPath: (t) => `/reports/${encodeURIComponent(t)}` };
    const scenarios: Scenario[] = [];

    console.log("report creation (POST)");
    await drain("before report creation");
    const createBase = await measure("baseline", bare, () => createRequests(bare), baseline.proc.pid, probe);
    await drain("before report creation (ours)");
    const createOurs = await measure("ours    ", ours, () => createRequests(ours), product.proc.pid, probe);
    // With 50 closed-loop connections latency is set by throughput (Little's law: mean = 50 / req/s), so also
    // measure the product offered exactly the target throughput: the p99 a citizen would see at that load.
    const targetRate = Math.max(1, Math.round(createBase.rps * 0.5));
    await drain("before report creation at the target rate");
    const createAtRate = await measure(`ours at ${targetRate} req/s`, ours, () => createRequests(ours), product.proc.pid, probe, { overallRate: targetRate });
    scenarios.push({
      name: "report creation", endpoint: "POST /api/v1/public/reports", minRatio: 0.5, maxP99Ms: 50, ours: createOurs, baseline: createBase,
      atTargetRate: { rate: targetRate, ours: createAtRate },
    });

    console.log(`status lookup (GET): creating ${SEED_REPORTS} reports on each server first`);
    const [ourTickets, bareTickets] = await Promise.all([seedReports(ours, SEED_REPORTS), seedReports(bare, SEED_REPORTS)]);
    await drain("before status lookup");
    const lookupBase = await measure("baseline", bare, () => lookupRequests(bare, bareTickets), baseline.proc.pid, probe);
    await drain("before status lookup (ours)");
    const lookupOurs = await measure("ours    ", ours, () => lookupRequests(ours, ourTickets), product.proc.pid, probe);
    scenarios.push({ name: "status lookup", endpoint: "GET /api/v1/public/reports/{ticket}", minRatio: 0.7, ours: lookupOurs, baseline: lookupBase });

    for (const s of scenarios)
      for (const [who, m] of [["ours", s.ours], ["baseline", s.baseline]] as const)
        if (m.cpu.otherShare >= DISTURBED_SHARE)
          notes.push(`${s.name}, ${who}: processes outside the benchmark used ${fmt(m.cpu.otherShare * 100)}% of the machine's CPU during the run; that figure is depressed.`);
    for (const c of children) if (c.exitCode !== undefined) throw new Error(`${c.name} exited (${c.exitCode}) during the run:\n${c.tail.join("\n")}`);

    console.log(`\n${textTable(tableRows(scenarios))}\n`);
    for (const s of scenarios) {
      const line = targetRateLine(s);
      if (line) console.log(line);
    }
    for (const s of scenarios) {
      console.log(`${s.name}: CPU per request: ours ${cpuLine(s.ours)}; baseline ${cpuLine(s.baseline)}`);
      console.log(`  PostgreSQL backends (average by state) during ours: ${waitLine(s.ours)}`);
      console.log(`  PostgreSQL backends (average by state) during baseline: ${waitLine(s.baseline)}`);
    }
    for (const n of notes) console.log(`note: ${n}`);

    if (env.BENCH_NO_WRITE !== "1") {
      writeBenchmarks(machine, scenarios, notes);
      console.log(`\nrecorded in ${path.relative(process.cwd(), BENCH_FILE) || BENCH_FILE}`);
    }
    const failed = scenarios.filter((s) => !verdict(s).pass).length;
    return failed > 0 && env.BENCH_STRICT === "1" ? 1 : 0;
  } finally {
    if (!interrupted) await cleanup();
  }
}

/** True when this module is the script being run (not imported by another benchmark, e.g. bench/inbound.ts). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
