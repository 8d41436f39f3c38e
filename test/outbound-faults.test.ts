import { afterEach, describe, expect, it } from "vitest";
import { TwilioSmsConnector, twilioSignature } from "../src/channels/sms/twilio.connector.ts";
import { TwilioSmsSender } from "../src/channels/outbound/twilio-sms.sender.ts";
import { startFakeHttp, type FakeHttp, type FakeReply } from "../src/channels/outbound/fake-http.ts";
import { startTestApp, type TestApp } from "./harness.ts";

const TOKEN = "fault-token";
let app: TestApp | undefined;
let fake: FakeHttp | undefined;
afterEach(async () => {
  await app?.close();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

/**
 * The outbound side against a fake Twilio that answers 500, 429 and hangs before it accepts:
 * every citizen answer is delivered exactly once in the end.
 */
describe("outbound delivery through failures", () => {
  it("30 SMS answers through 500s, 429s and timeouts: each delivered exactly once", { timeout: 120_000 }, async () => {
    const delivered = new Map<string, number>();
    let calls = 0;
    fake = await startFakeHttp((req) => {
      calls++;
      const key = String(req.headers["idempotency-key"]);
      // A third of calls fail in each of three ways until the clock has moved past their backoff.
      const faults: FakeReply[] = [{ status: 500, json: { code: 20500, message: "Internal" } }, { status: 429, headers: { "retry-after": "1" }, json: { code: 20429 } }, "hang"];
      if (!delivered.has(key) && calls % 2 === 1) return faults[calls % 3]!;
      delivered.set(key, (delivered.get(key) ?? 0) + 1);
      return { status: 201, json: { sid: `SM${calls}`, status: "queued" } };
    });
    const sender = new TwilioSmsSender({ baseUrl: fake.origin, accountSid: "AC00000000000000000000000000000000", authToken: "t", from: "+628111272206", timeoutMs: 300 });
    app = await startTestApp({ worker: true, connectors: new Map([["sms", new TwilioSmsConnector({ authToken: TOKEN })]]), senders: new Map([["sms", sender]]) });
    for (let i = 0; i < 30; i++) {
      const params = new URLSearchParams({ MessageSid: `SMin${i}`, From: `+6281300000${String(i).padStart(3, "0")}`, Body: `Jalan rusak nomor ${i}` });
      const res = await app.server.inject({
        method: "POST", url: "/webhooks/sms", payload: params.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TOKEN, "http://localhost:0/webhooks/sms", params) },
      });
      expect(res.statusCode).toBe(200);
    }
    const pool = app.running.ctx.pool;
    const start = Date.now();
    for (;;) {
      const { rows } = await pool.query<{ status: string; n: number }>("select status, count(*)::int as n from outbox group by status");
      const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      if ((by.sent ?? 0) === 30) break;
      expect(by.dead ?? 0).toBe(0);
      if (Date.now() - start > 90_000) throw new Error(`not all delivered: ${JSON.stringify(by)}`);
      // Let the backoff pass without waiting for it.
      app.clock.now = new Date(Date.now() + (Date.now() - start) * 200);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(delivered.size).toBe(30);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    const retried = await pool.query<{ n: number }>("select count(*)::int as n from outbox where attempts > 1");
    expect(retried.rows[0]!.n).toBeGreaterThan(0);
    expect(fake.requests.every((r) => !r.url.includes("+62"))).toBe(true);
  });
});
