/**
 * The inbound-channel benchmark (`npm run bench` runs it after bench/run.ts; `tsx bench/inbound.ts` runs it alone):
 *
 *   1. webhook acceptance: the product as `--role=api` (no worker: acceptance alone) against the bare baseline
 *      (bench/baseline-server.ts: the same X-Twilio-Signature check and one INSERT of the raw body), each driven
 *      by autocannon with a distinct signed Twilio SMS webhook per request (unique MessageSid);
 *   2. end to end: N signed SMS webhooks stored through the product's API, then ONE `--role=worker` process
 *      started and timed until no payload is pending (70% new senders, 20% replies of earlier senders,
 *      10% "CEK <ticket>" status questions);
 *   3. the figures written into BENCHMARKS.md between <!-- bench:inbound --> and <!-- /bench:inbound -->.
 *
 * Environment: as bench/run.ts (BENCH_DATABASE_URL, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS,
 * BENCH_PORT, BENCH_BASELINE_PORT, BENCH_KEEP, BENCH_NO_WRITE, BENCH_STRICT, BENCH_RETRIES, BENCH_QUIET_SECONDS,
 * BENCH_PROFILE_DIR) plus BENCH_E2E_MESSAGES (10000), BENCH_E2E_TIMEOUT_SECONDS (900), BENCH_STATUS_TICKETS (200:
 * reports created through the public API first, for the status questions to ask about).
 * It uses the same database name as bench/run.ts (aspirasi_bench), so the two run one after the other.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type autocannon from "autocannon";
import pg from "pg";
import { twilioSignature } from "../src/channels/sms/twilio.connector.ts";
import {
  CONNECTIONS,
  DB_NAME,
  DISTURBED_SHARE,
  KEEP,
  RETRIES,
  SECONDS,
  SERVER_URL,
  WARMUP_SECONDS,
  WaitSampler,
  cpuSince,
  cpuSnapshot,
  databaseUrl,
  describeMachine,
  fmt,
  isMain,
  makeReport,
  measure,
  perRequestCpu,
  pick,
  positive,
  seedReports,
  sleep,
  startChild,
  stopChild,
  waitForHealth,
  waitForQuiet,
  waitsLine,
  writeSection,
  type Child,
  type CpuUse,
  type Machine,
  type Measured,
  type Probe,
} from "./run.ts";

const env = process.env;
const PRODUCT_PORT = positive(env.BENCH_PORT, 3901);
const BASELINE_PORT = positive(env.BENCH_BASELINE_PORT, 3902);
const E2E_MESSAGES = Math.floor(positive(env.BENCH_E2E_MESSAGES, 10_000));
const E2E_TIMEOUT_MS = positive(env.BENCH_E2E_TIMEOUT_SECONDS, 900) * 1000;
const STATUS_TICKETS = Math.floor(positive(env.BENCH_STATUS_TICKETS, 200));
const FILL_CONCURRENCY = 16;
const AUTH_TOKEN = env.BENCH_TWILIO_AUTH_TOKEN ?? "bench-twilio-auth-token-0123456789";
const ACCEPT_TARGET = 1000;
const E2E_TARGET = 300;
const SECTION_START = "<!-- bench:inbound -->";
const SECTION_END = "<!-- /bench:inbound -->";
/** replies come from senders whose first message is at least this many messages earlier (stored in order) */
const REPLY_DISTANCE = 200;

// ---------------------------------------------------------------------------------------------
// Signed Twilio SMS webhooks

const ACCOUNT_SID = `AC${"b3".repeat(16)}`;
const CITY_NUMBER = "+6281100001112";

const REPLIES = [
  "Sampai sekarang belum ada petugas yang datang, mohon ditindaklanjuti.",
  "Tambahan: lokasinya persis di depan warung makan, dekat tiang listrik.",
  "Kondisinya makin parah setelah hujan semalam.",
  "Terima kasih, apakah sudah diteruskan ke kelurahan?",
  "Warga sekitar juga sudah mengeluhkan hal yang sama.",
  "Mohon kabari kalau perlu foto, saya bisa kirim lewat WhatsApp.",
];

interface SmsMessage {
  from: string;
  text: string;
}

const newSid = () => `SM${randomBytes(16).toString("hex")}`;

/** The form body Twilio posts for one incoming SMS, with its X-Twilio-Signature for the given webhook URL. */
function signedSms(webhookUrl: string, m: SmsMessage): { body: string; signature: string } {
  const sid = newSid();
  const form = new URLSearchParams([
    ["ToCountry", "ID"], ["ToState", ""], ["SmsMessageSid", sid], ["NumMedia", "0"], ["ToCity", ""], ["FromZip", ""],
    ["SmsSid", sid], ["FromState", ""], ["SmsStatus", "received"], ["FromCity", ""], ["Body", m.text], ["FromCountry", "ID"],
    ["To", CITY_NUMBER], ["ToZip", ""], ["NumSegments", String(Math.max(1, Math.ceil(m.text.length / 153)))], ["MessageSid", sid],
    ["AccountSid", ACCOUNT_SID], ["From", m.from], ["ApiVersion", "2010-04-01"],
  ]);
  return { body: form.toString(), signature: twilioSignature(AUTH_TOKEN, webhookUrl, form) };
}

const randomPhone = () => `+628${1 + Math.floor(Math.random() * 9)}${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;

/** autocannon requests: every request a new SMS (new MessageSid, random sender and complaint), signed for that server. */
function webhookRequests(publicBaseUrl: string): autocannon.Request[] {
  const webhookUrl = `${publicBaseUrl}/webhooks/sms`;
  return [{
    method: "POST",
    path: "/webhooks/sms",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "TwilioProxy/1.1" },
    setupRequest: (request) => {
      const { body, signature } = signedSms(webhookUrl, { from: randomPhone(), text: makeReport().description });
      return { ...request, body, headers: { ...request.headers, "x-twilio-signature": signature } };
    },
  }];
}

type Kind = "new" | "reply" | "status";

/** The end-to-end mix, in order: 70% new senders, 20% replies of earlier senders, 10% "CEK <ticket>". */
function e2ePlan(count: number, tickets: string[]): Array<SmsMessage & { kind: Kind }> {
  const plan: Array<SmsMessage & { kind: Kind }> = [];
  const senders: string[] = [];
  let next = 0;
  const newPhone = () => `+62813${String(70_000_000 + next++).padStart(8, "0")}`;
  for (let i = 0; i < count; i++) {
    const r = Math.random();
    // senders far enough back that their first message is stored (and processed) before the reply
    const eligible = Math.max(0, senders.length - REPLY_DISTANCE);
    if (r >= 0.9 && tickets.length) {
      plan.push({ kind: "status", from: newPhone(), text: `CEK ${pick(tickets)}` });
    } else if (r >= 0.7 && eligible > 0) {
      plan.push({ kind: "reply", from: senders[Math.floor(Math.random() * eligible)]!, text: pick(REPLIES) });
    } else {
      const from = newPhone();
      senders.push(from);
      plan.push({ kind: "new", from, text: makeReport().description });
    }
  }
  return plan;
}

/** Posts the messages to the product's webhook, a few at a time in order; returns the seconds it took. */
async function postAll(baseUrl: string, publicBaseUrl: string, messages: SmsMessage[]): Promise<number> {
  const webhookUrl = `${publicBaseUrl}/webhooks/sms`;
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const m = messages[next++]!;
      const { body, signature } = signedSms(webhookUrl, m);
      const res = await fetch(`${baseUrl}/webhooks/sms`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`storing a webhook: ${res.status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
  return (Date.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Results

interface Acceptance {
  ours: Measured;
  baseline: Measured;
  /** rows stored during the runs (warm-up included) against 2xx answers: every accepted webhook must be stored */
  oursStored: number;
  baselineStored: number;
}

interface EndToEnd {
  messages: number;
  planned: Record<Kind, number>;
  fillSeconds: number;
  /** first payload claimed by the worker until none is pending */
  seconds: number;
  /** worker spawned until none is pending (start-up included) */
  wallSeconds: number;
  outcomes: Record<string, number>;
  reportsCreated: number;
  malformed: number;
  pendingLeft: number;
  firstErrors: string[];
  cpu: CpuUse;
  waits: Array<{ what: string; backends: number }>;
}

const rate = (e: EndToEnd) => e.messages / Math.max(e.seconds, 1e-3);

function acceptanceVerdict(a: Acceptance): { pass: boolean; why: string[] } {
  const why: string[] = [];
  if (a.ours.rps < ACCEPT_TARGET) why.push(`${fmt(a.ours.rps)} req/s < ${fmt(ACCEPT_TARGET)}`);
  for (const [who, m] of [["ours", a.ours], ["baseline", a.baseline]] as const) {
    if (m.non2xx > 0) why.push(`${who}: ${m.non2xx} non-2xx${m.statusCodes ? ` (${m.statusCodes})` : ""}`);
    if (m.errors > 0) why.push(`${who}: ${m.errors} errors (${m.timeouts} timeouts)`);
  }
  return { pass: why.length === 0, why };
}

function e2eVerdict(e: EndToEnd): { pass: boolean; why: string[] } {
  const why: string[] = [];
  if (rate(e) < E2E_TARGET) why.push(`${fmt(rate(e))} messages/s < ${fmt(E2E_TARGET)}`);
  if (e.pendingLeft > 0) why.push(`${fmt(e.pendingLeft)} still pending after ${fmt(E2E_TIMEOUT_MS / 1000)} s`);
  if (e.malformed > 0) why.push(`${fmt(e.malformed)} payloads malformed`);
  return { pass: why.length === 0, why };
}

const HEADER = ["scenario", "ours", "ours p50 ms", "ours p99 ms", "baseline", "baseline p50 ms", "baseline p99 ms", "ratio", "target", "result"];

function rows(a: Acceptance, e: EndToEnd | null): string[][] {
  const av = acceptanceVerdict(a);
  const out = [[
    "webhook acceptance (POST /webhooks/sms, `--role=api`)",
    `${fmt(a.ours.rps)} req/s`, String(a.ours.p50), String(a.ours.p99),
    `${fmt(a.baseline.rps)} req/s`, String(a.baseline.p50), String(a.baseline.p99),
    `${fmt((a.ours.rps / a.baseline.rps) * 100)}%`,
    `≥ ${fmt(ACCEPT_TARGET)} req/s`,
    av.pass ? "PASS" : `FAIL (${av.why.join("; ")})`,
  ]];
  if (e) {
    const ev = e2eVerdict(e);
    out.push([
      `end to end: ${fmt(e.messages)} stored SMS -> reports (one \`--role=worker\`)`,
      `${fmt(rate(e))} messages/s`, "", "", "", "", "", "",
      `≥ ${fmt(E2E_TARGET)} messages/s`,
      ev.pass ? "PASS" : `FAIL (${ev.why.join("; ")})`,
    ]);
  }
  return out;
}

function textTable(body: string[][]): string {
  const all = [HEADER, ...body];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i >= 1 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ");
  return [line(HEADER), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}

function markdownTable(body: string[][]): string {
  const align = HEADER.map((_, i) => (i >= 1 && i <= 7 ? "---:" : "---"));
  return [HEADER, align, ...body].map((r) => `| ${r.join(" | ")} |`).join("\n");
}


function outcomeLine(e: EndToEnd): string {
  const o = e.outcomes;
  const got = Object.entries(o).sort((x, y) => y[1] - x[1]).map(([k, n]) => `${k} ${fmt(n)}`).join(", ");
  return `outcomes ${got || "none"} (planned: ${fmt(e.planned.new)} new senders, ${fmt(e.planned.reply)} replies, ${fmt(e.planned.status)} status questions); ` +
    `${fmt(e.reportsCreated)} reports with channel sms; ${fmt(e.malformed)} malformed`;
}

function detailLines(a: Acceptance, e: EndToEnd | null): string[] {
  const lines = [
    `webhook acceptance: CPU per request: ours ${perRequestCpu(a.ours.cpu, a.ours.total, "server")}; baseline ${perRequestCpu(a.baseline.cpu, a.baseline.total, "server")}.`,
    `  PostgreSQL backends of the bench database, average by state during the ours run: ${waitsLine(a.ours.waits)}.`,
    `  Requests measured: ours ${fmt(a.ours.total)}, baseline ${fmt(a.baseline.total)}; distinct payload rows stored over warm-up and all runs: ours ${fmt(a.oursStored)}, baseline ${fmt(a.baselineStored)}.`,
  ];
  if (e) {
    lines.push(
      `end to end: ${outcomeLine(e)}.`,
      `  ${fmt(e.messages)} payloads processed in ${fmt(e.seconds, 1)} s from the first claim to none pending (${fmt(e.wallSeconds, 1)} s from spawning the worker, start-up included); ` +
        `storing them through the API beforehand took ${fmt(e.fillSeconds, 1)} s (${FILL_CONCURRENCY} concurrent requests, ${fmt(e.messages / e.fillSeconds)} req/s).`,
      `  CPU per message: ${perRequestCpu(e.cpu, e.messages, "worker")}; worker start-up included.`,
      `  PostgreSQL backends of the bench database, average by state: ${waitsLine(e.waits)}.`,
    );
    if (e.firstErrors.length) lines.push(`  First errors: ${e.firstErrors.join(" | ")}`);
  }
  return lines;
}

function writeBenchmarks(machine: Machine, a: Acceptance, e: EndToEnd | null, notes: string[]): void {
  const section = [
    SECTION_START,
    "## Inbound channels: SMS webhook acceptance and messages to reports",
    "",
    "Generated by `npm run bench` (bench/inbound.ts, after bench/run.ts; `npx tsx bench/inbound.ts` alone); rerunning it replaces this section.",
    "",
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
    `- Node ${machine.node}; ${machine.postgres} (${machine.postgresSettings}); product LOG_REQUESTS=${machine.logRequests}`,
    `- Command: \`npm run bench\` (BENCH_SECONDS=${SECONDS}, ${CONNECTIONS} connections, warm-up ${WARMUP_SECONDS} s, BENCH_E2E_MESSAGES=${E2E_MESSAGES})`,
    "",
    markdownTable(rows(a, e)),
    "",
    "Latencies in milliseconds (autocannon, 2xx responses only, 1 ms resolution); req/s is the mean of per-second samples.",
    "",
    "Measured in the same runs:",
    "",
    ...detailLines(a, e).map((l) => (l.startsWith("  ") ? l : `- ${l}`)),
    ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : []),
    "",
    "Method: one fresh database (`aspirasi_bench`) on the local PostgreSQL; servers run as child processes on the same",
    "machine as PostgreSQL and the load generator. Webhook acceptance: the product (`src/main.ts --role=api`: no worker",
    "in the process, so nothing parses the payloads during the run) against the baseline (`bench/baseline-server.ts`",
    "`POST /webhooks/sms`: fastify 5 + pg pool of 20, the same X-Twilio-Signature check (HMAC-SHA1 over the URL and the",
    "sorted form parameters) and one autocommit INSERT of the raw body, unique by sha256, no headers kept). Each request",
    "is a distinct Twilio SMS webhook (new MessageSid, random Indonesian number, a complaint of 100-200 characters, the",
    "19 form parameters Twilio sends), signed for that server's URL by the load generator (autocannon `setupRequest`).",
    `Baseline first, then the product; each a ${WARMUP_SECONDS} s warm-up (discarded) and a ${SECONDS} s measurement with ${CONNECTIONS} connections.`,
    `End to end: ${fmt(STATUS_TICKETS)} reports are first created through the public API (the tickets the status questions ask about), the`,
    `payloads of the acceptance runs are removed, and ${fmt(E2E_MESSAGES)} signed SMS webhooks are posted to the product's API`,
    `(${FILL_CONCURRENCY} at a time, in order): 70% from new senders, 20% replies from a sender at least ${REPLY_DISTANCE} messages earlier`,
    "(threaded to that sender's open report by the 2-day SMS window), 10% \"CEK <ticket>\" status questions. The API is then",
    "stopped, and one `src/main.ts --role=worker` process (its inbound loop: batches of 20 payloads per transaction,",
    "plus the outbox relay, which has no SMS sender configured and skips the replies) is started on the backlog.",
    "messages/s = payloads / (time from the first batch's claim, `min(processed_at)`, to the moment no payload is pending).",
    "Before each run the script waits for the machine to be quiet; an acceptance run during which other processes used",
    `more than ${fmt(DISTURBED_SHARE * 100)}% of the CPU is measured again (up to ${RETRIES} times; the least disturbed run is kept).`,
    "Any non-2xx response, connection error, malformed payload or payload left pending fails its scenario.",
    SECTION_END,
  ].join("\n");
  writeSection(SECTION_START, SECTION_END, section);
}

// ---------------------------------------------------------------------------------------------
// Main

async function countRows(client: pg.Client, sql: string): Promise<number> {
  return (await client.query<{ n: number }>(sql)).rows[0]!.n;
}

async function main(): Promise<number> {
  const children: Child[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-bench-inbound-"));
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
    console.log("Inbound channels (bench/inbound.ts)");
    console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}`);
    console.log(`Node ${machine.node}, ${machine.postgres} (${machine.postgresSettings}), ${machine.date}`);
    console.log(`${CONNECTIONS} connections, warm-up ${WARMUP_SECONDS} s, measure ${SECONDS} s per run; end to end ${fmt(E2E_MESSAGES)} messages\n`);

    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.query(`create database ${DB_NAME}`);
    dbCreated = true;
    const benchUrl = databaseUrl(DB_NAME);

    const productUrl = `http://127.0.0.1:${PRODUCT_PORT}`;
    const baselineUrl = `http://127.0.0.1:${BASELINE_PORT}`;
    const productPublic = `http://localhost:${PRODUCT_PORT}`;
    const baselinePublic = `http://localhost:${BASELINE_PORT}`;
    const productEnv: NodeJS.ProcessEnv = {
      ...env,
      DATABASE_URL: benchUrl,
      PORT: String(PRODUCT_PORT),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: "bench-admin-password",
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL: productPublic,
      SMTP_PORT: "0",
    };
    delete productEnv.ASPIRASI_ROLE;
    const api = startChild("product API (src/main.ts --role=api)", "src/main.ts", productEnv, ["--role=api"]);
    children.push(api);
    const baseline = startChild("baseline (bench/baseline-server.ts)", "bench/baseline-server.ts", {
      ...env,
      DATABASE_URL: benchUrl,
      PORT: String(BASELINE_PORT),
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL: baselinePublic,
    });
    children.push(baseline);
    process.stdout.write("starting the product API and the baseline ... ");
    const t0 = Date.now();
    await Promise.all([waitForHealth(api, productUrl), waitForHealth(baseline, baselineUrl)]);
    console.log(`ready in ${fmt((Date.now() - t0) / 1000, 1)} s`);

    benchDb = new pg.Client({ connectionString: benchUrl });
    await benchDb.connect();
    const db = benchDb;
    const pids = () => children.filter((c) => c.exitCode === undefined).map((c) => c.proc.pid ?? 0).filter((pid) => pid > 0);
    const probe: Probe = { client: db, sampler: new WaitSampler(db), childPids: pids() };
    const notes: string[] = [];

    // 1. Webhook acceptance
    console.log("webhook acceptance (POST /webhooks/sms, a distinct signed SMS per request)");
    const acceptBase = await measure("baseline", { url: baselineUrl }, () => webhookRequests(baselinePublic), baseline.proc.pid, probe);
    const acceptOurs = await measure("ours    ", { url: productUrl }, () => webhookRequests(productPublic), api.proc.pid, probe);
    const acceptance: Acceptance = {
      ours: acceptOurs,
      baseline: acceptBase,
      oursStored: await countRows(db, "select count(*)::int as n from inbound_payloads where channel = 'sms'"),
      baselineStored: await countRows(db, "select count(*)::int as n from bench_inbound_payloads"),
    };
    console.log(`  payload rows stored (warm-up included): ours ${fmt(acceptance.oursStored)}, baseline ${fmt(acceptance.baselineStored)}`);
    for (const [who, m] of [["ours", acceptOurs], ["baseline", acceptBase]] as const)
      if (m.cpu.otherShare >= DISTURBED_SHARE)
        notes.push(`webhook acceptance, ${who}: processes outside the benchmark used ${fmt(m.cpu.otherShare * 100)}% of the machine's CPU during the run; that figure is depressed.`);
    await stopChild(baseline);

    // 2. End to end
    let e2e: EndToEnd | null = null;
    if (E2E_MESSAGES > 0) {
      console.log(`end to end: ${fmt(E2E_MESSAGES)} SMS -> reports`);
      // The acceptance runs' payloads would be in the backlog: start from an empty inbound table.
      await db.query("truncate inbound_messages, inbound_payloads");
      process.stdout.write(`  creating ${fmt(STATUS_TICKETS)} reports through the public API (tickets for the status questions) ... `);
      const tickets = await seedReports({ url: productUrl, createPath: "/api/v1/public/reports", lookupPath: (t) => t }, STATUS_TICKETS);
      console.log("done");
      const plan = e2ePlan(E2E_MESSAGES, tickets);
      const planned: Record<Kind, number> = { new: 0, reply: 0, status: 0 };
      for (const m of plan) planned[m.kind]++;
      process.stdout.write(`  storing ${fmt(plan.length)} signed webhooks through the API (${fmt(planned.new)} new, ${fmt(planned.reply)} replies, ${fmt(planned.status)} CEK) ... `);
      const fillSeconds = await postAll(productUrl, productPublic, plan);
      const pending = await countRows(db, "select count(*)::int as n from inbound_payloads where status = 'pending'");
      console.log(`${fmt(fillSeconds, 1)} s (${fmt(plan.length / fillSeconds)} req/s), ${fmt(pending)} pending`);
      if (pending !== plan.length) throw new Error(`expected ${plan.length} pending payloads, found ${pending}`);
      await stopChild(api);

      process.stdout.write("  worker: ");
      await waitForQuiet(db, []);
      const before = await cpuSnapshot(db, undefined, []);
      const spawned = Date.now();
      const worker = startChild("product worker (src/main.ts --role=worker)", "src/main.ts", productEnv, ["--role=worker"]);
      children.push(worker);
      probe.sampler.start();
      let left = pending;
      let endedAt: Date | null = null;
      let lastPrint = Date.now();
      while (Date.now() - spawned < E2E_TIMEOUT_MS) {
        if (worker.exitCode !== undefined) throw new Error(`${worker.name} exited (${worker.exitCode}):\n${worker.tail.join("\n")}`);
        const { rows: r } = await db.query<{ pending: number; t: Date }>(
          "select count(*)::int as pending, clock_timestamp() as t from inbound_payloads where status = 'pending'",
        );
        left = r[0]!.pending;
        if (left === 0) {
          endedAt = r[0]!.t;
          break;
        }
        if (Date.now() - lastPrint > 10_000) {
          process.stdout.write(`${fmt(pending - left)} done ... `);
          lastPrint = Date.now();
        }
        await sleep(100);
      }
      const wallSeconds = (Date.now() - spawned) / 1000;
      const waits = probe.sampler.stop();
      const cpu = await cpuSince(before, db, worker.proc.pid, [worker.proc.pid ?? 0]);
      const { rows: [span] } = await db.query<{ first: Date | null; last: Date | null }>(
        "select min(processed_at) as first, max(processed_at) as last from inbound_payloads where processed_at is not null",
      );
      const first = span?.first ?? null;
      const end = endedAt ?? span?.last ?? new Date();
      const { rows: outcomeRows } = await db.query<{ outcome: string; n: number }>(
        "select outcome, count(*)::int as n from inbound_messages where channel = 'sms' group by outcome",
      );
      const { rows: errorRows } = await db.query<{ error: string; n: number }>(
        "select error, count(*)::int as n from inbound_payloads where status = 'malformed' group by error order by 2 desc limit 3",
      );
      e2e = {
        messages: plan.length,
        planned,
        fillSeconds,
        seconds: first ? (end.getTime() - first.getTime()) / 1000 : wallSeconds,
        wallSeconds,
        outcomes: Object.fromEntries(outcomeRows.map((r) => [r.outcome, r.n])),
        reportsCreated: await countRows(db, "select count(*)::int as n from reports where channel = 'sms'"),
        malformed: await countRows(db, "select count(*)::int as n from inbound_payloads where status = 'malformed'"),
        pendingLeft: left,
        firstErrors: errorRows.map((r) => `${r.n}× ${r.error}`),
        cpu,
        waits,
      };
      console.log(`${fmt(rate(e2e))} messages/s (${fmt(e2e.seconds, 1)} s; ${fmt(wallSeconds, 1)} s with start-up) [CPU ${fmt(cpu.busyShare * 100)}% busy, other processes ${fmt(cpu.otherShare * 100)}%]`);
      if (cpu.otherShare >= DISTURBED_SHARE)
        notes.push(`end to end: processes outside the benchmark used ${fmt(cpu.otherShare * 100)}% of the machine's CPU during the run; that figure is depressed.`);
      const expectOutcome: Array<[string, number]> = [["report_created", planned.new], ["thread_appended", planned.reply], ["status_answered", planned.status]];
      for (const [outcome, n] of expectOutcome)
        if ((e2e.outcomes[outcome] ?? 0) !== n) notes.push(`end to end: ${fmt(e2e.outcomes[outcome] ?? 0)} messages ended as ${outcome}, ${fmt(n)} were planned as such.`);
      await stopChild(worker);
    }

    for (const c of children) if (c.exitCode !== undefined && c.exitCode !== 0 && c.exitCode !== null) notes.push(`${c.name} exited with code ${c.exitCode}.`);

    const table = rows(acceptance, e2e);
    console.log(`\n${textTable(table)}\n`);
    for (const l of detailLines(acceptance, e2e)) console.log(l);
    for (const n of notes) console.log(`note: ${n}`);

    if (env.BENCH_NO_WRITE !== "1") {
      writeBenchmarks(machine, acceptance, e2e, notes);
      console.log("\nrecorded in BENCHMARKS.md");
    }
    const failed = !acceptanceVerdict(acceptance).pass || (e2e !== null && !e2eVerdict(e2e).pass);
    return failed && env.BENCH_STRICT === "1" ? 1 : 0;
  } finally {
    if (!interrupted) await cleanup();
  }
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
