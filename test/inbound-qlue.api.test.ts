import { afterEach, describe, expect, it } from "vitest";
import { connectorsFromEnv } from "../src/channels/registry.ts";
import { qlueSignature } from "../src/channels/qlue/qlue.connector.ts";
import { startTestApp, uploadPhoto, type TestApp, waitFor } from "./harness.ts";

const SECRET = "qlue-test-secret";
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});


function qlue(a: TestApp, event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  return a.server.inject({ method: "POST", url: "/webhooks/qlue", payload: body, headers: { "content-type": "application/json", "x-qlue-signature": qlueSignature(SECRET, body) } });
}

describe("Qlue partner app through the inbound path", () => {
  it("a report, a comment on it, and a low rating of its follow-up that reopens it", async () => {
    app = await startTestApp({ worker: true, connectors: connectorsFromEnv({ QLUE_WEBHOOK_SECRET: SECRET, SMTP_PORT: "0" }) });
    const pool = app.running.ctx.pool;
    const user = { id: "qlue-77", name: "Rina" };
    expect((await qlue(app, { event: "report.created", id: "ev1", occurred_at: "2026-11-28T01:00:00Z", data: {
      report_id: "Q-1001", user, description: "Lampu taman mati", photos: [], location: { lat: -6.1754, lng: 106.8272, address: "Taman Monas" } } })).statusCode).toBe(200);
    const created = await waitFor(async () => (await pool.query<{ ticket: string; kelurahan_code: string }>(
      "select r.ticket, r.kelurahan_code from inbound_messages m join reports r on r.id = m.report_id where m.external_id = 'report:Q-1001'")).rows[0]);
    expect(created.kelurahan_code).toBe("31.71.01.1001");
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

    // The reporter rates the follow-up 1 star in Qlue: a dispute, back to the kelurahan.
    await qlue(app, { event: "rating.created", id: "ev3", occurred_at: "2026-11-28T02:00:00Z", data: { report_id: "Q-1001", user, rating: 1, comment: "Masih mati" } });
    await waitFor(async () => (await pool.query("select 1 from inbound_messages where external_id like 'rating:Q-1001:%'")).rowCount);
    const view = (await app.get(`/api/v1/reports/${created.ticket}`, admin)).json();
    expect(view).toMatchObject({ state: "waiting", reopenCount: 1 });
    expect(view.holdingUnit.id).toBe("kel-31.71.01.1001");
    expect(view.timeline.map((e: { type: string }) => e.type)).toContain("disputed");
  });
});
