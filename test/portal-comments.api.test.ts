import { afterEach, describe, expect, it } from "vitest";
import { PLACES, startTestApp, type TestApp } from "./harness.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("Balai Warga comments", () => {
  it("join the report's timeline like a reply on any channel, show in public without the author, and tell the unit", async () => {
    app = await startTestApp();
    const created = await app.post("/api/v1/public/reports", {
      description: "Lampu taman mati di Monas", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: { name: "Rina", email: "rina@example.id" },
    });
    expect(created.statusCode).toBe(201);
    const { ticket } = created.json() as { ticket: string };

    // The reporter comments again, giving her e-mail: the same citizen, not a new one.
    const res = await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "Sudah seminggu, hubungi saya di 081234567890", contact: { email: "RINA@example.id" } });
    expect(res.statusCode).toBe(201);
    // Someone else comments without a contact.
    expect((await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "Saya juga melihatnya" })).statusCode).toBe(201);

    const pub = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { timeline: Array<{ type: string; comment: string | null }> };
    const comments = pub.timeline.filter((e) => e.type === "message_in");
    expect(comments.map((c) => c.comment)).toEqual([expect.stringContaining("Sudah seminggu"), "Saya juga melihatnya"]);
    expect(JSON.stringify(pub)).not.toMatch(/081234567890|rina|Rina/);

    const pool = app.running.ctx.pool;
    const citizens = await pool.query("select id from citizens");
    expect(citizens.rowCount).toBe(1);
    const events = await pool.query<{ actor_citizen_id: string | null; data: { channel: string } }>(
      "select e.actor_citizen_id, e.data from report_events e join reports r on r.id = e.report_id where r.ticket = $1 and e.type = 'message_in' order by e.id", [ticket]);
    expect(events.rows.map((e) => [e.actor_citizen_id, e.data.channel])).toEqual([[citizens.rows[0].id, "portal"], [null, "portal"]]);
    const notes = await pool.query("select 1 from unit_notifications where template = 'citizen_message'");
    expect(notes.rowCount).toBe(2);

    // Bad input and unknown or closed reports: clear 4xx, nothing written.
    expect((await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "  " })).statusCode).toBe(400);
    expect((await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "x".repeat(2001) })).statusCode).toBe(400);
    expect((await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "ok", extra: 1 })).statusCode).toBe(400);
    expect((await app.post("/api/v1/public/reports/JKT-000000-0000/comments", { text: "ok" })).statusCode).toBe(404);
    const admin = await app.admin();
    expect((await app.post(`/api/v1/reports/${ticket}/transitions`, { action: "close", reason: "invalid", publicComment: "Bukan laporan" }, admin)).statusCode).toBe(200);
    expect((await app.post(`/api/v1/public/reports/${ticket}/comments`, { text: "Kenapa ditutup?" })).statusCode).toBe(409);
    expect((await pool.query("select 1 from report_events where type = 'message_in'")).rowCount).toBe(2);
  });
});
