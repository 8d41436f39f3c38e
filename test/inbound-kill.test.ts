import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TwilioSmsConnector, twilioSignature } from "../src/channels/sms/twilio.connector.ts";
import { startTestApp, type TestApp } from "./harness.ts";

const TOKEN = "kill-test-token";
const TOTAL = 5_000;

/**
 * Nothing is lost: 5,000 mixed SMS (new reports, replies, status questions, redeliveries) are
 * accepted while the worker process is killed with SIGKILL and restarted several times; in the
 * end every message produced exactly one report or thread entry (or one status answer).
 */
describe("inbound survives SIGKILL of the worker", () => {
  let app: TestApp | undefined;
  let worker: ChildProcess | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await app?.close();
    for (const c of cleanups) await c();
  });

  it(`${TOTAL} messages, 4 kills, each message handled exactly once`, { timeout: 240_000 }, async () => {
    app = await startTestApp({ connectors: new Map([["sms", new TwilioSmsConnector({ authToken: TOKEN })]]) });
    const pool = app.running.ctx.pool;
    const dbUrl = app.databaseUrl;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-kill-"));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));

    const startWorker = () =>
      spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role=worker"], {
        env: { ...process.env, DATABASE_URL: dbUrl, DATA_DIR: dataDir, TWILIO_AUTH_TOKEN: TOKEN, SMTP_PORT: "0", WORKER_CONCURRENCY: "1" },
        stdio: "ignore",
      });

    // The mix: 1,000 citizens; each sends a first message, replies, sometimes asks CEK; 10% are redelivered.
    const bodies: string[] = [];
    let sid = 0;
    for (let i = 0; bodies.length < TOTAL; i++) {
      const from = `+62812${String(i % 1000).padStart(7, "0")}`;
      const n = sid++;
      const text = n % 13 === 0 ? "CEK JKT-000101-0001" : `Laporan warga ${n}: saluran mampet di RT ${n % 20}`;
      const params = new URLSearchParams({ MessageSid: `SM${String(n).padStart(10, "0")}`, From: from, To: "+6281100000001", Body: text, NumMedia: "0" });
      bodies.push(params.toString());
      if (n % 10 === 0 && bodies.length < TOTAL) bodies.push(params.toString()); // Twilio retry of the same delivery
    }
    const distinct = new Set(bodies).size;

    const handled = async () => (await pool.query<{ n: number }>("select count(*)::int as n from inbound_messages")).rows[0]!.n;
    // Each worker is killed once it has made some progress (not on a timer: a loaded machine starts it slowly).
    let kills = 0;
    const processedAtKill: number[] = [];
    worker = startWorker();
    const killer = (async () => {
      while (kills < 4) {
        const before = await handled();
        const giveUp = Date.now() + 60_000;
        while ((await handled()) < before + 150 && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 50));
        worker?.kill("SIGKILL");
        kills++;
        processedAtKill.push(await handled());
        worker = startWorker();
      }
    })();

    for (const body of bodies) {
      const params = new URLSearchParams(body);
      const res = await app.server.inject({
        method: "POST",
        url: "/webhooks/sms",
        payload: body,
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, "http://localhost:0/webhooks/sms", params) },
      });
      expect(res.statusCode).toBe(200);
    }

    const deadline = Date.now() + 180_000;
    for (;;) {
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from inbound_payloads where status = 'pending'");
      if (rows[0]!.n === 0 && kills >= 4) break;
      if (Date.now() > deadline) throw new Error(`still ${rows[0]!.n} pending`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await killer;
    worker.kill("SIGKILL");
    expect(kills).toBe(4);
    // The kills landed while work was going on, not before it started or after it ended.
    expect(processedAtKill.some((n) => n > 0 && n < distinct)).toBe(true);

    const one = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await one("select count(*)::int as n from inbound_payloads")).toBe(distinct);
    expect(await one("select count(*)::int as n from inbound_payloads where status <> 'processed'")).toBe(0);
    expect(await one("select count(*)::int as n from inbound_messages")).toBe(distinct);
    const created = await one("select count(*)::int as n from inbound_messages where outcome = 'report_created'");
    const appended = await one("select count(*)::int as n from inbound_messages where outcome = 'thread_appended'");
    const answered = await one("select count(*)::int as n from inbound_messages where outcome = 'status_answered'");
    expect(created + appended + answered).toBe(distinct);
    // Exactly one report per report_created message, and one thread entry per appended message.
    expect(await one("select count(*)::int as n from reports where channel = 'sms'")).toBe(created);
    expect(await one("select count(distinct channel_ref)::int as n from reports where channel = 'sms'")).toBe(created);
    expect(await one("select count(*)::int as n from report_events where type = 'message_in'")).toBe(appended);
    expect(await one("select count(distinct data->>'externalId')::int as n from report_events where type = 'message_in'")).toBe(appended);
    expect(await one("select count(*)::int as n from outbox where template in ('status_reply', 'unknown_ticket')")).toBe(answered);
    // 1,000 senders: each opened one report, the rest continued it.
    expect(created).toBe(1000);
  });
});
