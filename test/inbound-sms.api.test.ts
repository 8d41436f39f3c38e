import { afterEach, describe, expect, it } from "vitest";
import type { OutboundMessage, OutboundSender } from "../src/app/outbound.ts";
import { TwilioSmsConnector, twilioSignature } from "../src/channels/sms/twilio.connector.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

const TOKEN = "0123456789abcdef0123456789abcdef";
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

class Outbox implements OutboundSender {
  sent: OutboundMessage[] = [];
  async send(m: OutboundMessage) {
    this.sent.push(m);
    return { externalId: `SM-out-${this.sent.length}` };
  }
}

function sms(fields: Record<string, string>, token = TOKEN) {
  const params = new URLSearchParams({ ToCountry: "ID", NumMedia: "0", To: "+6281100000001", ApiVersion: "2010-04-01", ...fields });
  const body = params.toString();
  // PUBLIC_BASE_URL in tests is http://localhost:0: Twilio signs the URL it called.
  const signature = twilioSignature(token, "http://localhost:0/webhooks/sms", params);
  return { body, signature };
}

async function post(a: TestApp, m: { body: string; signature: string }) {
  return a.server.inject({
    method: "POST",
    url: "/webhooks/sms",
    payload: m.body,
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": m.signature },
  });
}


describe("SMS in: Twilio webhook -> stored -> job -> report or thread", () => {
  it("opens a report, threads the reply, answers CEK, never duplicates a redelivery, refuses bad signatures", async () => {
    const out = new Outbox();
    app = await startTestApp({ worker: true, connectors: new Map([["sms", new TwilioSmsConnector({ authToken: TOKEN })]]), senders: new Map([["sms", out]]) });
    const pool = app.running.ctx.pool;
    const count = async (table: string) => (await pool.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;

    // Unsigned or wrongly signed: 401, nothing stored.
    const forged = sms({ MessageSid: "SMforged", From: "+6281299990000", Body: "palsu" }, "wrong-token");
    expect((await post(app, forged)).statusCode).toBe(401);
    expect(await count("inbound_payloads")).toBe(0);

    const first = sms({ MessageSid: "SM0001", From: "+6281234567890", Body: "Lampu jalan mati di Jl. Kebon Sirih, gelap bgt" });
    const res = await post(app, first);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/xml");
    // Twilio retries on a timeout: the same delivery again is stored once and yields one report.
    expect((await post(app, first)).statusCode).toBe(200);
    const created = await waitFor(async () => (await pool.query<{ ticket: string; state: string; channel: string; citizen_id: string }>(
      "select r.ticket, r.state, r.channel, r.citizen_id from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'SM0001'")).rows[0]);
    expect(created).toMatchObject({ state: "triage", channel: "sms" });
    expect(await count("reports")).toBe(1);
    const identity = await pool.query("select kind, value from citizen_identities where citizen_id = $1", [created.citizen_id]);
    expect(identity.rows).toEqual([{ kind: "phone", value: "+6281234567890" }]);

    // The same sender writes again within the window: it continues the report.
    await post(app, sms({ MessageSid: "SM0002", From: "+6281234567890", Body: "Tambahan: dekat halte busway" }));
    await waitFor(async () => (await pool.query("select 1 from inbound_messages where external_id = 'SM0002' and outcome = 'thread_appended'")).rowCount);
    expect(await count("reports")).toBe(1);
    const admin = await app.admin();
    const view = (await app.get(`/api/v1/reports/${created.ticket}`, admin)).json();
    const messageIn = view.timeline.find((e: { type: string }) => e.type === "message_in");
    expect(messageIn.data.text).toBe("Tambahan: dekat halte busway");

    // CEK <ticket> from another phone: answered on SMS, no report opened.
    await post(app, sms({ MessageSid: "SM0003", From: "+6285700000000", Body: `CEK ${created.ticket}` }));
    const reply = await waitFor(async () => out.sent.find((m) => m.text.includes("Status laporan")));
    expect(reply.text).toContain(created.ticket);
    expect(reply.text).toContain("Verifikasi");
    expect(reply.citizen.phone).toBe("+6285700000000");
    expect(await count("reports")).toBe(1);

    // A signed payload the connector cannot read is kept as malformed; the job goes on.
    const broken = sms({ From: "+6281234567890", Body: "tanpa MessageSid" });
    expect((await post(app, broken)).statusCode).toBe(200);
    await post(app, sms({ MessageSid: "SM0004", From: "+6281311112222", Body: "Sampah menumpuk di pasar" }));
    await waitFor(async () => (await pool.query("select 1 from inbound_messages where external_id = 'SM0004'")).rowCount);
    const malformed = await pool.query("select status, error from inbound_payloads where status = 'malformed'");
    expect(malformed.rows).toHaveLength(1);
    expect(malformed.rows[0].error).toMatch(/MessageSid/);
    expect(await count("reports")).toBe(2);
  });

  it("keeps but does not act on what one sender sends beyond the hour's allowance", async () => {
    const out = new Outbox();
    app = await startTestApp({ worker: true, connectors: new Map([["sms", new TwilioSmsConnector({ authToken: TOKEN })]]), senders: new Map([["sms", out]]) });
    const pool = app.running.ctx.pool;
    const first = sms({ MessageSid: "SMR0", From: "+6281234500000", Body: "Pohon tumbang di Jl. Cikini" });
    await post(app, first);
    const { ticket } = await waitFor(async () => (await pool.query<{ ticket: string }>(
      "select r.ticket from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'SMR0'")).rows[0]);
    // A script asks for the status 25 times: 20 answers (each an SMS we pay for), the rest kept unanswered.
    for (let i = 1; i <= 25; i++) await post(app, sms({ MessageSid: `SMR${i}`, From: "+6289900000000", Body: `CEK ${ticket}` }));
    const outcomes = await waitFor(async () => {
      const { rows } = await pool.query<{ outcome: string; n: number }>(
        "select outcome, count(*)::int as n from inbound_messages where sender_value = '+6289900000000' group by outcome order by outcome");
      return rows.reduce((a, r) => a + r.n, 0) === 25 ? rows : null;
    });
    expect(outcomes).toEqual([{ outcome: "rate_limited", n: 5 }, { outcome: "status_answered", n: 20 }]);
    await waitFor(async () => out.sent.filter((m) => m.citizen.phone === "+6289900000000").length === 20);
    // Every payload is stored and handled; none is lost or malformed.
    const payloads = await pool.query<{ status: string; n: number }>("select status, count(*)::int as n from inbound_payloads group by status");
    expect(payloads.rows).toEqual([{ status: "processed", n: 26 }]);
  });

  it("is off when not configured", async () => {
    app = await startTestApp();
    const res = await post(app, sms({ MessageSid: "SM1", From: "+6281234567890", Body: "x" }));
    expect(res.statusCode).toBe(404);
  });
});
