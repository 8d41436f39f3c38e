import { afterEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../src/app/outbound.ts";
import { drainOutbox } from "../src/app/deliver-outbox.ts";
import { sweepSla } from "../src/app/sla-sweep.ts";
import { PLACES, RecordingSender, startTestApp, type TestApp, waitFor } from "./harness.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});



describe("transactional outbox, delivered by the job queue after commit", () => {
  it("answers the citizen on their channel and notifies the unit, once each", async () => {
    const portal = new RecordingSender();
    app = await startTestApp({ worker: true, senders: new Map([["portal", portal]]) });
    const res = await app.post("/api/v1/public/reports", {
      description: "Sampah menumpuk di depan pasar",
      lat: PLACES.blokM.lat,
      lon: PLACES.blokM.lon,
      category: "sampah",
      contact: { email: "warga@example.com" },
    });
    expect(res.statusCode).toBe(201);
    const { ticket } = res.json() as { ticket: string };
    await waitFor(async () => portal.sent.length === 1);
    expect(portal.sent[0]!.text).toContain(ticket);
    expect(portal.sent[0]!.text).toMatch(/sudah kami terima/);
    expect(portal.sent[0]!.citizen.email).toBe("warga@example.com");
    const pool = app.running.ctx.pool;
    // The unit's workspace inbox got its notification in the same transaction as the report.
    const { rows: notes } = await pool.query("select unit_id, template from unit_notifications");
    expect(notes).toEqual([{ unit_id: "dinas-lingkungan-hidup@31.74", template: "new_report" }]);
    // The sender was called inside the relay's transaction: the row reads "sent" once that commits.
    const outbox = await waitFor(async () => {
      const { rows } = await pool.query<{ status: string }>("select kind, status, attempts from outbox order by id");
      return rows.every((r) => r.status !== "pending") ? rows : null;
    });
    expect(outbox).toEqual([{ kind: "citizen_message", status: "sent", attempts: 1 }]);
    const sudin = await app.officer("agency_officer", "dinas-lingkungan-hidup@31.74");
    // The delivered message is one timeline entry with its delivery status (not also its message_out event).
    const timeline = (await app.get(`/api/v1/reports/${ticket}`, sudin)).json().timeline as Array<{ type: string; status?: string; template?: string }>;
    expect(timeline.filter((e) => e.type === "outbound_message" || e.type === "message_out").map((e) => [e.type, e.template, e.status]))
      .toEqual([["outbound_message", "received", "sent"]]);
    // Nothing is sent twice even if the relay runs again.
    expect(await drainOutbox(app.running.ctx, new Map([["portal", portal]]))).toBe(0);
    expect(portal.sent).toHaveLength(1);
  });

  it("retries temporary failures, dead-letters malformed ones, and an administrator can retry", async () => {
    const portal = new RecordingSender();
    portal.failures.push(new DeliveryError("temporary", "gateway 503"), new DeliveryError("malformed", "recipient rejected"));
    app = await startTestApp({ worker: true, senders: new Map([["portal", portal]]) });
    await app.post("/api/v1/public/reports", { description: "Lampu jalan mati", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "lampu_jalan", contact: { phone: "081234567890" } });
    const pool = app.running.ctx.pool;
    // The temporary failure is retried after its backoff: let the clock pass it.
    const retrying = await waitFor(async () => (await pool.query<{ attempts: number; last_error: string; status: string }>("select * from outbox where attempts = 1")).rows[0]);
    expect(retrying).toMatchObject({ status: "pending", last_error: "gateway 503" });
    app.clock.now = new Date(Date.now() + 60_000);
    const dead = await waitFor(async () => {
      const { rows } = await pool.query<{ id: number; status: string; attempts: number; last_error: string }>("select * from outbox where kind = 'citizen_message' and status = 'dead'");
      return rows[0];
    }, 30_000);
    expect(dead.last_error).toBe("recipient rejected");
    expect(portal.sent).toHaveLength(0);
    const admin = await app.admin();
    const list = (await app.get("/api/v1/outbox?status=dead", admin)).json() as { items: Array<{ id: number }> };
    expect(list.items.map((i) => i.id)).toEqual([dead.id]);
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    expect((await app.get("/api/v1/outbox?status=dead", lurah)).statusCode).toBe(403);
    expect((await app.post(`/api/v1/outbox/${dead.id}/retry`, {}, admin)).statusCode).toBe(200);
    await waitFor(async () => portal.sent.length === 1);
    expect(portal.sent[0]!.citizen.phone).toBe("+6281234567890");
  });

  it("a channel without a connector records the message as skipped", async () => {
    app = await startTestApp({ worker: true });
    await app.post("/api/v1/public/reports", { description: "Pohon tumbang", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "pohon", contact: { email: "x@example.com" } });
    const pool = app.running.ctx.pool;
    const row = await waitFor(async () => (await pool.query("select status, last_error from outbox where kind = 'citizen_message' and status <> 'pending'")).rows[0]);
    expect(row).toEqual({ status: "skipped", last_error: "no connector configured for channel portal" });
  });
});

describe("the SLA sweep", () => {
  it("flags overdue reports once, charges the unit that held it when the clock ran out, and escalates", async () => {
    // Monday 2025-06-02 09:00 WIB; sampah: first action in 1 working day, resolution in 3.
    app = await startTestApp({ now: new Date("2025-06-02T02:00:00Z") });
    const res = await app.post("/api/v1/public/reports", { description: "Sampah belum diangkut", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon, category: "sampah" });
    const { ticket } = res.json() as { ticket: string };
    const sudin = await app.officer("agency_officer", "dinas-lingkungan-hidup@31.74");
    expect(await sweepSla(app.running.ctx)).toBe(0);
    // Taken up on Monday: the first-action target is met.
    expect((await app.post(`/api/v1/reports/${ticket}/transitions`, { action: "take_up" }, sudin)).statusCode).toBe(200);
    // Thursday 09:00 is exactly three working days: not yet late.
    app.clock.now = new Date("2025-06-05T02:00:00Z");
    expect(await sweepSla(app.running.ctx)).toBe(0);
    // Friday 2025-06-06 is Idul Adha; Monday 09:00 is still only... past Thursday 09:00: late.
    app.clock.now = new Date("2025-06-09T03:00:00Z");
    expect(await sweepSla(app.running.ctx)).toBe(1);
    expect(await sweepSla(app.running.ctx)).toBe(0);
    // A week later the old session has expired; log in again.
    expect((await app.get(`/api/v1/reports/${ticket}`, sudin)).statusCode).toBe(401);
    const sudinAgain = await app.officer("agency_officer", "dinas-lingkungan-hidup@31.74");
    const view = (await app.get(`/api/v1/reports/${ticket}`, sudinAgain)).json();
    expect(view.sla.overdue).toBe(true);
    expect(view.escalationLevel).toBe(1);
    const breach = view.timeline.find((e: { type: string }) => e.type === "sla_breached");
    expect(breach.unit.id).toBe("dinas-lingkungan-hidup@31.74");
    const escalation = view.timeline.find((e: { type: string }) => e.type === "escalated");
    expect(escalation.data.supervisorUnitId).toBe("dinas-lingkungan-hidup");
    const overdue = (await app.get("/api/v1/reports?overdue=true", sudinAgain)).json() as { items: Array<{ ticket: string }> };
    expect(overdue.items.map((i) => i.ticket)).toEqual([ticket]);
  });

  it("a report coordinated away is charged to the unit holding it at the deadline, not the first receiver", async () => {
    app = await startTestApp({ now: new Date("2025-06-02T02:00:00Z") });
    const res = await app.post("/api/v1/public/reports", { description: "Fasilitas taman rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan" });
    const { ticket } = res.json() as { ticket: string };
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    await app.post(`/api/v1/reports/${ticket}/transitions`, { action: "coordinate", unit: "dinas-pertamanan-hutan-kota", reason: "Taman kota" }, lurah);
    app.clock.now = new Date("2025-07-01T02:00:00Z");
    expect(await sweepSla(app.running.ctx)).toBe(1);
    const admin = await app.admin();
    const view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json();
    const breach = view.timeline.find((e: { type: string }) => e.type === "sla_breached");
    expect(breach.unit.id).toBe("dinas-pertamanan-hutan-kota");
    const held = Object.fromEntries(view.sla.heldByUnit.map((h: { unit: { id: string }; workingDays: number }) => [h.unit.id, h.workingDays]));
    expect(held["kel-31.71.01.1001"]).toBe(0);
    expect(held["dinas-pertamanan-hutan-kota"]).toBeGreaterThan(15);
  });
});
