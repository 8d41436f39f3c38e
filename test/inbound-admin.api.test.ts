import { afterEach, describe, expect, it } from "vitest";
import { acceptRawPayload, processInbound } from "../src/app/inbound.ts";
import type { WebhookConnector } from "../src/channels/connector.ts";
import { EmailConnector } from "../src/channels/email/email.connector.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const MAIL = Buffer.from(
  "From: Budi <budi@example.id>\r\nTo: pengaduan@jakarta.go.id\r\nSubject: Sampah menumpuk\r\nMessage-ID: <m1@example.id>\r\n" +
  "Date: Sat, 28 Nov 2026 08:00:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSampah menumpuk di Jl. Cikini Raya sejak seminggu.\r\n",
);

describe("inbound payloads no connector could read", () => {
  it("are kept for inspection; an administrator reads one as it arrived and has it handled again", async () => {
    // The e-mail channel is off when the message arrives: it cannot be read, but it is not lost.
    const connectors = new Map<string, WebhookConnector>();
    app = await startTestApp({ worker: true, connectors });
    const ctx = app.running.ctx;
    await acceptRawPayload(ctx, "email", MAIL, "message/rfc822");
    await acceptRawPayload(ctx, "email", Buffer.from([0xff, 0x00, 0xfe]), "message/rfc822");
    const admin = await app.admin();
    const list = await waitFor(async () => {
      const res = (await app!.get("/api/v1/inbound?status=malformed", admin)).json() as { items: Array<{ id: number; channel: string; error: string; sizeBytes: number }> };
      return res.items.length === 2 ? res.items : null;
    });
    expect(list.every((p) => p.channel === "email" && /no connector configured/.test(p.error))).toBe(true);
    const mail = list.find((p) => p.sizeBytes === MAIL.length)!;
    const binary = list.find((p) => p.sizeBytes === 3)!;

    const one = (await app.get(`/api/v1/inbound/${mail.id}`, admin)).json();
    expect(one).toMatchObject({ encoding: "utf8", contentType: "message/rfc822", status: "malformed" });
    expect(one.body).toBe(MAIL.toString("utf8"));
    expect((await app.get(`/api/v1/inbound/${binary.id}`, admin)).json()).toMatchObject({ encoding: "base64", body: Buffer.from([0xff, 0x00, 0xfe]).toString("base64") });

    // Officers other than administrators see nothing of it.
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    expect((await app.get("/api/v1/inbound", lurah)).statusCode).toBe(403);
    expect((await app.post(`/api/v1/inbound/${mail.id}/requeue`, undefined, lurah)).statusCode).toBe(403);

    // The channel is switched on; the administrator requeues the message and it becomes a report.
    connectors.set("email", new EmailConnector({ ourAddresses: ["pengaduan@jakarta.go.id"] }));
    expect((await app.post(`/api/v1/inbound/${mail.id}/requeue`, undefined, admin)).statusCode).toBe(200);
    const report = await waitFor(async () => (await ctx.pool.query<{ description: string }>(
      "select r.description from inbound_messages m join reports r on r.id = m.report_id where m.payload_id = $1", [mail.id])).rows[0]);
    expect(report.description).toContain("Sampah menumpuk");
    // Only a malformed payload can be requeued; an unknown id is a 404.
    expect((await app.post(`/api/v1/inbound/${mail.id}/requeue`, undefined, admin)).statusCode).toBe(404);
    expect((await app.get("/api/v1/inbound/999999", admin)).statusCode).toBe(404);
    expect((await app.get("/api/v1/inbound?status=bogus", admin)).statusCode).toBe(400);
  });
});

describe("per-sender limits", () => {
  it("one address opens at most the hour's allowance of reports; the rest is kept with the outcome rate_limited", async () => {
    app = await startTestApp({ worker: true, connectors: new Map([["email", new EmailConnector({ ourAddresses: ["pengaduan@jakarta.go.id"] })]]) });
    const ctx = app.running.ctx;
    for (let i = 0; i < 12; i++) {
      const mail = MAIL.toString("utf8").replace("Subject: Sampah menumpuk", `Subject: Keluhan nomor ${i}`).replace("<m1@example.id>", `<flood-${i}@example.id>`);
      await acceptRawPayload(ctx, "email", Buffer.from(mail), "message/rfc822");
    }
    const outcomes = await waitFor(async () => {
      const { rows } = await ctx.pool.query<{ outcome: string; n: number }>("select outcome, count(*)::int as n from inbound_messages group by outcome order by outcome");
      return rows.reduce((a, r) => a + r.n, 0) === 12 ? rows : null;
    });
    expect(outcomes).toEqual([{ outcome: "rate_limited", n: 2 }, { outcome: "report_created", n: 10 }]);
    expect((await ctx.pool.query("select 1 from reports")).rowCount).toBe(10);
  });
});

describe("a message that cannot be handled", () => {
  it("is kept as malformed while the rest of its batch is handled", async () => {
    // A connector that reads any payload; a NUL byte in the text makes PostgreSQL refuse the report.
    const connector: WebhookConnector = {
      channel: "test",
      verify: () => true,
      parse: (raw) => [{
        channel: "test", externalId: raw.toString("utf8"), kind: "message", sender: { kind: "test_user", value: raw.toString("utf8") },
        text: raw.toString("utf8").startsWith("bad") ? "rusak\u0000" : `Laporan ${raw.toString("utf8")}`, sentAt: null, attachments: [], thread: {},
      }],
    };
    app = await startTestApp({ connectors: new Map([["test", connector]]) });
    const ctx = app.running.ctx;
    for (const body of ["one", "bad-two", "three"]) await acceptRawPayload(ctx, "test", Buffer.from(body), "text/plain");
    expect(await processInbound(ctx, new Map([["test", connector]]), 10)).toBe(3);
    const payloads = await ctx.pool.query<{ body: Buffer; status: string; error: string | null }>("select body, status, error from inbound_payloads order by id");
    expect(payloads.rows.map((p) => [p.body.toString(), p.status])).toEqual([["one", "processed"], ["bad-two", "malformed"], ["three", "processed"]]);
    expect(payloads.rows[1]!.error).toMatch(/^handling failed/);
    expect((await ctx.pool.query("select 1 from reports")).rowCount).toBe(2);
    expect((await ctx.pool.query("select 1 from inbound_messages")).rowCount).toBe(2);
  });
});
