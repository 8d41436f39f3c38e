import { createHmac } from "node:crypto";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { acceptRawPayload } from "../src/app/inbound.ts";
import { startSmtpListener, type SmtpListener } from "../src/channels/email/smtp-listener.ts";
import { connectorsFromEnv } from "../src/channels/registry.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

let app: TestApp | undefined;
let smtp: SmtpListener | undefined;
afterEach(async () => {
  await smtp?.close();
  await app?.close();
  app = undefined;
  smtp = undefined;
});

const env = {
  FACEBOOK_APP_SECRET: "fb-secret", FACEBOOK_VERIFY_TOKEN: "fb-verify", FACEBOOK_PAGE_ID: "1000",
  TWITTER_CONSUMER_SECRET: "tw-secret", TWITTER_USER_ID: "2000",
  SMTP_PORT: "2525", EMAIL_ADDRESSES: "aspirasi@jakarta.go.id",
};


/** A minimal SMTP client: enough to hand one message to the listener, as a mail server would. */
async function sendMail(port: number, from: string, to: string, message: string): Promise<string[]> {
  const socket = net.connect(port, "127.0.0.1");
  const replies: string[] = [];
  let buffer = "";
  const next = () => new Promise<string>((resolve) => {
    const check = () => {
      const m = /^(\d{3}) .*\r\n/m.exec(buffer);
      if (m) {
        const end = buffer.indexOf(m[0]) + m[0].length;
        const reply = buffer.slice(0, end);
        buffer = buffer.slice(end);
        replies.push(reply.trim());
        resolve(reply);
      } else socket.once("data", (d) => ((buffer += d.toString()), check()));
    };
    check();
  });
  await next();
  for (const line of [`EHLO test`, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, "DATA"]) {
    socket.write(line + "\r\n");
    await next();
  }
  socket.write(message.replace(/\n/g, "\r\n") + "\r\n.\r\n");
  await next();
  socket.write("QUIT\r\n");
  await next();
  socket.end();
  return replies;
}

describe("more channels through the same inbound path", () => {
  it("Facebook: verify challenge, signed Messenger text opens a report; a wrong signature is refused", async () => {
    app = await startTestApp({ worker: true, connectors: connectorsFromEnv(env) });
    const ok = await app.server.inject({ method: "GET", url: "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=fb-verify&hub.challenge=12345" });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("12345");
    expect((await app.server.inject({ method: "GET", url: "/webhooks/facebook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1" })).statusCode).toBe(403);

    const body = JSON.stringify({ object: "page", entry: [{ id: "1000", time: 1764300000000, messaging: [{
      sender: { id: "5550001" }, recipient: { id: "1000" }, timestamp: 1764300000000,
      message: { mid: "m_abc123", text: "Pohon tumbang menutup jalan di Jl. Cikini Raya" },
    }] }] });
    const signature = "sha256=" + createHmac("sha256", "fb-secret").update(body).digest("hex");
    const bad = await app.server.inject({ method: "POST", url: "/webhooks/facebook", payload: body, headers: { "content-type": "application/json", "x-hub-signature-256": signature.replace(/.$/, "0") } });
    expect(bad.statusCode).toBe(401);
    const res = await app.server.inject({ method: "POST", url: "/webhooks/facebook", payload: body, headers: { "content-type": "application/json", "x-hub-signature-256": signature } });
    expect(res.statusCode).toBe(200);
    const pool = app.running.ctx.pool;
    const report = await waitFor(async () => (await pool.query("select r.channel, r.description from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'm_abc123'")).rows[0]);
    expect(report).toEqual({ channel: "facebook", description: "Pohon tumbang menutup jalan di Jl. Cikini Raya" });
  });

  it("Twitter: the CRC challenge is answered with the HMAC of the token", async () => {
    app = await startTestApp({ connectors: connectorsFromEnv(env) });
    const res = await app.server.inject({ method: "GET", url: "/webhooks/twitter?crc_token=abc" });
    expect(res.json()).toEqual({ response_token: "sha256=" + createHmac("sha256", "tw-secret").update("abc").digest("base64") });
  });

  it("E-mail: a message through SMTP opens a report; a reply with the ticket in the subject continues it; an auto-reply does not", async () => {
    app = await startTestApp({ worker: true, connectors: connectorsFromEnv(env) });
    const ctx = app.running.ctx;
    smtp = await startSmtpListener({ port: 0, host: "127.0.0.1", store: async (raw) => void (await acceptRawPayload(ctx, "email", raw, "message/rfc822")) });
    const replies = await sendMail(smtp.port, "warga@example.com", "aspirasi@jakarta.go.id", [
      "From: Siti Warga <warga@example.com>", "To: aspirasi@jakarta.go.id", "Subject: Got mampet di RT 05",
      "Message-ID: <first-001@example.com>", "Date: Fri, 27 Nov 2026 08:00:00 +0700", "", "Got di depan rumah mampet, air meluap kalau hujan.",
    ].join("\n"));
    expect(replies.at(-2)).toMatch(/^250/);
    const pool = ctx.pool;
    const first = await waitFor(async () => (await pool.query<{ ticket: string }>("select r.ticket from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'first-001@example.com'")).rows[0]);
    await sendMail(smtp.port, "warga@example.com", "aspirasi@jakarta.go.id", [
      "From: warga@example.com", "To: aspirasi@jakarta.go.id", `Subject: Re: Got mampet [${first.ticket}]`,
      "Message-ID: <second-002@example.com>", "In-Reply-To: <first-001@example.com>", "", "Sudah seminggu belum ada yang datang.",
    ].join("\n"));
    await sendMail(smtp.port, "warga@example.com", "aspirasi@jakarta.go.id", [
      "From: warga@example.com", "To: aspirasi@jakarta.go.id", "Subject: Balasan otomatis: Got mampet",
      "Auto-Submitted: auto-replied", "Message-ID: <auto-003@example.com>", "", "Saya sedang cuti.",
    ].join("\n"));
    const outcomes = await waitFor(async () => {
      const { rows } = await pool.query<{ external_id: string; outcome: string }>("select external_id, outcome from inbound_messages order by id");
      return rows.length === 3 ? rows : null;
    });
    expect(outcomes).toEqual([
      { external_id: "first-001@example.com", outcome: "report_created" },
      { external_id: "second-002@example.com", outcome: "thread_appended" },
      { external_id: "auto-003@example.com", outcome: "ignored" },
    ]);
    expect((await pool.query<{ n: number }>("select count(*)::int as n from reports")).rows[0]!.n).toBe(1);
  });
});
