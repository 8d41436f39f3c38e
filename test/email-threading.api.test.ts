import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { acceptRawPayload } from "../src/app/inbound.ts";
import { EmailConnector } from "../src/channels/email/email.connector.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

const OURS = "pengaduan@jakarta.go.id";
let app: TestApp | undefined;
let smtp: SMTPServer | undefined;
afterEach(async () => {
  await app?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  app = smtp = undefined;
});

/** The citizens' mail provider: a local SMTP server that keeps what we send. */
async function startMailbox(): Promise<{ port: number; mails: ParsedMail[] }> {
  const mails: ParsedMail[] = [];
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => (mails.push(m), done()), done);
    },
  });
  await new Promise<void>((resolve) => smtp!.listen(0, "127.0.0.1", resolve));
  return { port: (smtp.server.address() as AddressInfo).port, mails };
}

const mail = (id: string, subject: string, body: string, extra: string[] = []) => Buffer.from([
  "From: Dewi <dewi@example.id>", `To: ${OURS}`, `Subject: ${subject}`, `Message-ID: <${id}>`, "Date: Sat, 28 Nov 2026 08:00:00 +0700",
  "Content-Type: text/plain; charset=utf-8", ...extra, "", body, ""].join("\r\n"));

describe("e-mail answers stay in the citizen's thread", () => {
  it("our answer replies to her message; her reply to our answer continues the report", async () => {
    const box = await startMailbox();
    app = await startTestApp({
      worker: true,
      connectors: new Map([["email", new EmailConnector({ ourAddresses: [OURS] })]]),
      env: { SMTP_OUT_HOST: "127.0.0.1", SMTP_OUT_PORT: String(box.port), EMAIL_FROM: `Aspirasi Jakarta <${OURS}>` },
    });
    const ctx = app.running.ctx;
    await acceptRawPayload(ctx, "email", mail("first-1@example.id", "Trotoar rusak", "Trotoar di Jl. Salemba Raya rusak dan berlubang."), "message/rfc822");
    const answer = await waitFor(async () => box.mails[0]);
    const { rows: [report] } = await ctx.pool.query<{ id: string; ticket: string }>("select id, ticket from reports");
    expect(answer.inReplyTo).toBe("<first-1@example.id>");
    expect(answer.references).toEqual("<first-1@example.id>");
    expect(answer.subject).toBe(`Re: Trotoar rusak [${report!.ticket}]`);
    expect(answer.text).toContain(report!.ticket);

    // She answers our mail from another client that drops the subject's ticket: In-Reply-To names our message.
    await acceptRawPayload(ctx, "email", mail("second-2@example.id", "foto menyusul", "Fotonya saya kirim besok.", [`In-Reply-To: ${answer.messageId}`]), "message/rfc822");
    const reply = await waitFor(async () => (await ctx.pool.query<{ outcome: string; report_id: string }>(
      "select outcome, report_id from inbound_messages where external_id = 'second-2@example.id'")).rows[0]);
    expect(reply).toEqual({ outcome: "thread_appended", report_id: report!.id });
    expect((await ctx.pool.query("select 1 from reports")).rowCount).toBe(1);
  });
});
