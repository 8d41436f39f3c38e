import { afterEach, describe, expect, it } from "vitest";
import { startMailbox as startLocalMailbox, type Mailbox } from "./mailbox.ts";
import { acceptRawPayload } from "../src/app/inbound.ts";
import { EmailConnector } from "../src/channels/email/email.connector.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

const OURS = "pengaduan@jakarta.go.id";
let app: TestApp | undefined;
let mailbox: Mailbox | undefined;
afterEach(async () => {
  await app?.close();
  await mailbox?.close();
  app = mailbox = undefined;
});

/** A local mailbox, closed after each test. */
async function startMailbox(): Promise<Mailbox> {
  mailbox = await startLocalMailbox();
  return mailbox;
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
