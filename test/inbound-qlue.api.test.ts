import { afterEach, describe, expect, it } from "vitest";
import { connectorsFromEnv } from "../src/channels/registry.ts";
import { qlueSignature } from "../src/channels/qlue/qlue.connector.ts";
import { sendersFromEnv } from "../src/channels/senders.ts";
import { memoryVault } from "../src/channels/twitter/twitter-oauth.ts";
import { startFakeHttp, type FakeHttp } from "../src/channels/outbound/fake-http.ts";
import { startTestApp, uploadPhoto, type TestApp, waitFor } from "./harness.ts";

const SECRET = "qlue-test-secret";
const CALLBACK_SECRET = "qlue-callback-secret";
let app: TestApp | undefined;
let partner: FakeHttp | undefined;
afterEach(async () => {
  await app?.close();
  await partner?.close();
  app = undefined;
  partner = undefined;
});


function qlue(a: TestApp, event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  return a.server.inject({ method: "POST", url: "/webhooks/qlue", payload: body, headers: { "content-type": "application/json", "x-qlue-signature": qlueSignature(SECRET, body) } });
}

describe("Qlue partner app through the inbound path", () => {
  it("a report, a comment on it, and a low rating of its follow-up that reopens it", async () => {
    // Qlue's partner API, checking our signature on every status callback.
    partner = await startFakeHttp((req) =>
      req.headers["x-aspirasi-signature"] === qlueSignature(CALLBACK_SECRET, req.body) ? { status: 200, json: { ok: true } } : { status: 401, json: { error: "bad signature" } });
    const env = { QLUE_WEBHOOK_SECRET: SECRET, QLUE_API_BASE_URL: partner.origin, QLUE_CALLBACK_SECRET: CALLBACK_SECRET, SMTP_PORT: "0" };
    app = await startTestApp({ worker: true, connectors: connectorsFromEnv(env), senders: sendersFromEnv(env, { identity: async () => null, reportRef: async () => null, emailThread: async () => ({ subject: null, messageIds: [] }), publicBaseUrl: "http://localhost:0", tokenVault: () => memoryVault() }) });
    const pool = app.running.ctx.pool;
    const user = { id: "qlue-77", name: "Rina" };
    expect((await qlue(app, { event: "report.created", id: "ev1", occurred_at: "2026-11-28T01:00:00Z", data: {
      report_id: "Q-1001", user, description: "Lampu taman mati", photos: [], category: "taman", location: { lat: -6.1754, lng: 106.8272, address: "Taman Monas" } } })).statusCode).toBe(200);
    const created = await waitFor(async () => (await pool.query<{ ticket: string; kelurahan_code: string; category_code: string; channel_ref: string }>(
      "select r.ticket, r.kelurahan_code, r.category_code, r.channel_ref from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'report:Q-1001'")).rows[0]);
    expect(created).toMatchObject({ kelurahan_code: "31.71.01.1001", category_code: "taman", channel_ref: "Q-1001" });
    await qlue(app, { event: "comment.created", id: "ev2", occurred_at: "2026-11-28T01:05:00Z", data: { report_id: "Q-1001", comment_id: "C-1", user, text: "Sudah 3 hari mati" } });
    await waitFor(async () => (await pool.query("select 1 from inbound_messages where external_id = 'comment:C-1' and outcome = 'thread_appended'")).rowCount);

    // The desk routes it, the kelurahan fixes it, the validator accepts: done.
    const admin = await app.admin();
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    const validator = await app.officer("validator", "kel-31.71.01.1001");
    const act = async (who: typeof admin, body: Record<string, unknown>) => expect((await app!.post(`/api/v1/reports/${created.ticket}/transitions`, body, who)).statusCode).toBe(200);
    await act(admin, { action: "route", unit: "kel-31.71.01.1001", category: "fasilitas_kelurahan" });
    await act(lurah, { action: "take_up" });
    await act(lurah, { action: "submit_follow_up", note: "Lampu diganti", photos: [await uploadPhoto(app, lurah)] });
    await act(validator, { action: "validate" });
    // Qlue shows the citizen the follow-up as complete (the relay sends the status as it is then).
    const statuses = () => partner!.requests.filter((r) => r.url === "/partner/reports/Q-1001/status").map((r) => JSON.parse(r.body) as { status: string; comment: string; ticket: string });
    await waitFor(async () => statuses().some((s) => s.status === "complete"));

    // The reporter rates the follow-up 1 star in Qlue: a dispute, back to the kelurahan.
    await qlue(app, { event: "rating.created", id: "ev3", occurred_at: "2026-11-28T02:00:00Z", data: { report_id: "Q-1001", user, rating: 1, comment: "Masih mati" } });
    await waitFor(async () => (await pool.query("select 1 from inbound_messages where external_id like 'rating:Q-1001:%'")).rowCount);
    const view = (await app.get(`/api/v1/reports/${created.ticket}`, admin)).json();
    expect(view).toMatchObject({ state: "waiting", reopenCount: 1 });
    expect(view.holdingUnit.id).toBe("kel-31.71.01.1001");
    expect(view.timeline.map((e: { type: string }) => e.type)).toContain("disputed");

    // Qlue was told of every change, signed, in order, and ends on "wait" with the reason.
    const seen = await waitFor(async () => {
      const s = statuses();
      return s.length >= 5 && s.at(-1)!.status === "wait" ? s : null;
    });
    expect(seen.every((s) => s.ticket === created.ticket)).toBe(true);
    expect(seen.findIndex((s) => s.status === "complete")).toBeLessThan(seen.length - 1);
    expect(seen.at(-1)!.comment).toMatch(/dibuka kembali|sanggah|reopen/i);
    // Each callback is marked in the relay's transaction, which commits after Qlue answered: wait for it.
    const outbox = await waitFor(async () => {
      const { rows } = await pool.query<{ status: string }>("select status from outbox where kind = 'partner_status'");
      return rows.length > 0 && rows.every((r) => r.status !== "pending") ? rows : null;
    });
    expect(outbox.every((r) => r.status === "sent")).toBe(true);
  });
});
