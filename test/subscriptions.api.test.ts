import type { ParsedMail } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { startMailbox as startLocalMailbox, type Mailbox } from "./mailbox.ts";
import { drainOutbox } from "../src/app/deliver-outbox.ts";
import { queueSubscriberUpdates } from "../src/app/subscriptions.ts";
import { PLACES, RecordingSender, startTestApp, type TestApp, waitFor } from "./harness.ts";

const BASE = "https://aspirasi.example";
const REPORTER = { name: "Bambang Haryadi", phone: "081355566677" };

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

async function submit(a: TestApp, description = "Jalan berlubang di depan halte Monas, membahayakan pengendara motor."): Promise<string> {
  const res = await a.post("/api/v1/public/reports", { description, category: "jalan_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: REPORTER });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

const header = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, "") ?? null;
const tokenIn = (text: string) => /\/langganan\/([A-Za-z0-9_-]{43})\b/.exec(text)?.[1] ?? null;

async function subscriberRows(a: TestApp, template: string) {
  const { rows } = await a.running.ctx.pool.query<{ id: number; status: string; recipient: { email: string; language: string }; payload: Record<string, unknown> }>(
    "select id, status, recipient, payload from outbox where template = $1 order by id", [template]);
  return rows;
}

describe("e-mail subscriptions to a report's updates", () => {
  it("subscribe -> confirmation mail -> confirm -> an officer's change is mailed -> one-click unsubscribe -> nothing more", async () => {
    const box = await startMailbox();
    app = await startTestApp({
      worker: true,
      connectors: new Map(),
      env: { SMTP_OUT_HOST: "127.0.0.1", SMTP_OUT_PORT: String(box.port), EMAIL_FROM: "Aspirasi Jakarta <aspirasi@jakarta.go.id>", PUBLIC_BASE_URL: BASE },
    });
    const a = app;
    const ticket = await submit(a);

    const sub = await a.post(`/api/v1/public/reports/${ticket}/subscriptions`, { email: "  Warga.Pemantau@Contoh.ID ", language: "id" });
    expect(sub.statusCode, sub.body).toBe(202);
    expect(sub.json()).toEqual({ status: "pending" });

    // The confirmation mail: to the address, with the portal's confirmation link.
    const confirmMail = await waitFor(async () => box.mails[0]);
    expect(confirmMail.to).toMatchObject({ value: [{ address: "warga.pemantau@contoh.id" }] });
    expect(confirmMail.subject).toBe(`Konfirmasi langganan laporan ${ticket}`);
    expect(confirmMail.text).toContain(`${BASE}/langganan/`);
    expect(header(confirmMail, "list-unsubscribe")).toBeNull();
    const confirmToken = tokenIn(confirmMail.text ?? "")!;
    expect(confirmToken).toHaveLength(43);
    // Only the token's digest is stored.
    const stored = await a.running.ctx.pool.query<{ token_hash: string }>("select token_hash from subscription_tokens");
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]!.token_hash).not.toContain(confirmToken);
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const status = await a.get(`/api/v1/public/subscriptions/${confirmToken}`);
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toEqual({ ticket, status: "pending", emailMasked: "w***@contoh.id" });
    for (const bad of ["A".repeat(43), "short", confirmToken.slice(0, 42) + (confirmToken.endsWith("A") ? "B" : "A")]) {
      const res = await a.get(`/api/v1/public/subscriptions/${bad}`);
      expect(res.statusCode, bad).toBe(404);
      expect((await a.post(`/api/v1/public/subscriptions/${bad}/confirm`)).statusCode).toBe(404);
      expect((await a.post(`/api/v1/public/subscriptions/${bad}/unsubscribe`)).statusCode).toBe(404);
    }

    const confirmed = await a.post(`/api/v1/public/subscriptions/${confirmToken}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ status: "active", ticket });
    expect((await a.post(`/api/v1/public/subscriptions/${confirmToken}/confirm`)).json()).toEqual({ status: "active", ticket });
    // Subscribing again while active says the same and sends nothing.
    expect((await a.post(`/api/v1/public/reports/${ticket}/subscriptions`, { email: "warga.pemantau@contoh.id" })).statusCode).toBe(202);

    // An officer takes the report up, with a public comment and an internal note.
    const admin = await a.admin();
    const taken = await a.post(`/api/v1/reports/${ticket}/transitions`, { action: "take_up", note: "catatan internal: hubungi pak RT", publicComment: "Tim Suku Dinas meninjau lokasi besok pagi." }, admin);
    expect(taken.statusCode, taken.body).toBe(200);
    const update = await waitFor(async () => box.mails[1]);
    expect(update.subject).toBe(`Kabar laporan ${ticket}: Proses`);
    expect(update.text).toContain(`Status laporan ${ticket}: Proses.`);
    expect(update.text).toContain("Tim Suku Dinas meninjau lokasi besok pagi.");
    expect(update.text).toContain(`${BASE}/laporan/${ticket}`);
    expect(update.text).not.toContain("catatan internal");
    for (const secret of [REPORTER.name, REPORTER.phone]) expect(JSON.stringify(update)).not.toContain(secret);
    const manageToken = tokenIn(update.text ?? "")!;
    expect(manageToken).toBeTruthy();
    expect(manageToken).not.toBe(confirmToken);
    expect(header(update, "list-unsubscribe")).toBe(`<${BASE}/api/v1/public/subscriptions/${manageToken}/unsubscribe>`);
    expect(header(update, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(box.mails).toHaveLength(2);

    // The relay commits after the SMTP server saw the mail; the update is queued once, also when the change is retried.
    const sent = await waitFor(async () => {
      const rows = await subscriberRows(a, "subscription_update");
      return rows.length === 1 && rows[0]!.status === "sent" && rows;
    });
    expect(sent[0]!.recipient).toEqual({ email: "warga.pemantau@contoh.id", language: "id" });
    const { rows: [takeUp] } = await a.running.ctx.pool.query<{ id: number; report_id: string }>(
      "select e.id, e.report_id from report_events e join reports r on r.id = e.report_id where r.ticket = $1 and e.type = 'taken_up'", [ticket]);
    await queueSubscriberUpdates(a.running.ctx.pool, { id: takeUp!.report_id, ticket, state: "in_progress" }, Number(takeUp!.id));
    expect(await subscriberRows(a, "subscription_update")).toHaveLength(1);

    // One-click unsubscribe from the mail client (RFC 8058).
    const oneClick = await a.server.inject({
      method: "POST",
      url: `/api/v1/public/subscriptions/${manageToken}/unsubscribe`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.json()).toEqual({ status: "unsubscribed", ticket });
    expect((await a.get(`/api/v1/public/subscriptions/${confirmToken}`)).json()).toMatchObject({ status: "unsubscribed" });
    // The old confirmation link does not subscribe again.
    expect((await a.post(`/api/v1/public/subscriptions/${confirmToken}/confirm`)).statusCode).toBe(409);

    // The next change mails nobody.
    const closed = await a.post(`/api/v1/reports/${ticket}/transitions`, { action: "close", closeReason: "no_further_action", publicComment: "Sudah diperbaiki warga." }, admin);
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await subscriberRows(a, "subscription_update")).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(box.mails).toHaveLength(2);
  }, 90_000);

  it("answers 202 without sending beyond one confirmation per hour and 10 pending a day; 404 and 400 for bad requests", async () => {
    app = await startTestApp({ now: new Date("2026-11-20T02:00:00Z") });
    const a = app;
    const tickets: string[] = [];
    for (let i = 0; i < 11; i++) tickets.push(await submit(a, `Jalan berlubang nomor ${i + 1} di depan halte Monas, membahayakan pengendara.`));
    const ask = (ticket: string, body: unknown = { email: "rajin@contoh.id" }) => a.post(`/api/v1/public/reports/${ticket}/subscriptions`, body);

    expect((await ask(tickets[0]!)).statusCode).toBe(202);
    // Again within the hour: the same answer, nothing sent.
    const again = await ask(tickets[0]!);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ status: "pending" });
    expect(await subscriberRows(a, "subscription_confirm")).toHaveLength(1);

    // Ten pending subscriptions a day per address: the eleventh report gets the same answer and no mail.
    for (const t of tickets.slice(1)) expect((await ask(t)).statusCode).toBe(202);
    let rows = await subscriberRows(a, "subscription_confirm");
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.payload.ticket)).not.toContain(tickets[10]);
    // Another address is not held back; its language is kept for its mails.
    expect((await ask(tickets[10]!, { email: "lain@contoh.id", language: "en" })).statusCode).toBe(202);
    rows = await subscriberRows(a, "subscription_confirm");
    expect(rows.at(-1)!.recipient).toEqual({ email: "lain@contoh.id", language: "en" });
    // An administrator's view of the outbox hides the link tokens of the mails waiting to go ...
    const adminView = (await a.get("/api/v1/outbox?status=pending", await a.admin())).json() as { items: Array<{ template: string; payload: Record<string, unknown> }> };
    const waiting = adminView.items.filter((i) => i.template === "subscription_confirm");
    expect(waiting).toHaveLength(11);
    expect(waiting.every((i) => i.payload.token === "(hidden)")).toBe(true);
    expect(rows.every((r) => typeof r.payload.token === "string" && r.payload.token.length === 43)).toBe(true);
    const mail = new RecordingSender();
    // the relay, at the test's clock (rows are queued at the database's own time)
    const relay = async () => {
      await a.running.ctx.pool.query("update outbox set next_attempt_at = $1 where status = 'pending'", [a.clock.now]);
      return drainOutbox(a.running.ctx, new Map([["email", mail]]));
    };
    expect(await relay()).toBeGreaterThanOrEqual(11);
    // ... and a sent mail's row keeps no token at all.
    expect((await subscriberRows(a, "subscription_confirm")).every((r) => r.status === "sent" && !("token" in r.payload))).toBe(true);

    // A day later the allowance is back, and the first report's confirmation may be sent again.
    a.clock.now = new Date("2026-11-21T02:30:00Z");
    expect((await ask(tickets[10]!)).statusCode).toBe(202);
    expect((await ask(tickets[0]!)).statusCode).toBe(202);
    rows = await subscriberRows(a, "subscription_confirm");
    expect(rows.filter((r) => r.recipient.email === "rajin@contoh.id").map((r) => r.payload.ticket)).toEqual([...tickets.slice(0, 10), tickets[10], tickets[0]]);
    await relay();
    // One token per confirmation queued; every token is stored hashed.
    const { rows: [n] } = await a.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from subscription_tokens");
    expect(n!.n).toBe(13);

    // A week-old confirmation link no longer confirms; a fresh one does.
    const confirmOf = (ticket: string) => mail.sent.filter((m) => m.reportTicket === ticket && m.template === "subscription_confirm").map((m) => tokenIn(m.text)!);
    const [stale, fresh] = confirmOf(tickets[0]!) as [string, string];
    a.clock.now = new Date("2026-11-27T03:00:00Z");
    const refused = await a.post(`/api/v1/public/subscriptions/${stale}/confirm`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: "CONFLICT" } });
    expect((await a.get(`/api/v1/public/subscriptions/${stale}`)).json()).toMatchObject({ status: "pending", ticket: tickets[0] });
    expect((await a.post(`/api/v1/public/subscriptions/${fresh}/confirm`)).json()).toEqual({ status: "active", ticket: tickets[0] });

    expect((await ask("JKT-991231-9999")).statusCode).toBe(404);
    expect((await ask("not a ticket")).statusCode).toBe(404);
    for (const body of [{ email: "bukan-email" }, {}, { email: "a@b.id", language: "fr" }, { email: "a@b.id", extra: 1 }, { email: "x".repeat(250) + "@b.id" }]) {
      const res = await ask(tickets[0]!, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
  }, 120_000);
});
