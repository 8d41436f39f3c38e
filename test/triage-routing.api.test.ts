import { afterEach, describe, expect, it } from "vitest";
import { PLACES, startTestApp, type TestApp } from "./harness.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const KEBON_JERUK = "31.73.05.1001";

describe("triage reads a report nobody categorized or placed", () => {
  it("the issue's example: an SMS-style complaint with a school's name is placed, categorized and routed, with the reason", async () => {
    app = await startTestApp();
    const created = await app.post("/api/v1/public/reports", { description: "jalan berlubang depan SDN 03 Kebon Jeruk, udh 2 minggu gk dibenerin" });
    const { ticket, state } = created.json() as { ticket: string; state: string };
    expect(state).toBe("waiting");
    const admin = await app.admin();
    const view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json();
    expect(view.holdingUnit.id).toBe("dinas-bina-marga@31.73");
    expect(view).toMatchObject({ category: { code: "jalan_rusak" }, kelurahan: { code: KEBON_JERUK } });
    expect(view.triage).toMatchObject({ automatic: true, flags: [], place: { best: { kelurahanCode: KEBON_JERUK, source: "text" } } });
    expect(view.triage.classification.top[0].code).toBe("jalan_rusak");
    expect(view.triage.classification.evidence.length).toBeGreaterThan(0);
    expect(view.timeline[0].reason).toMatch(/^Suku Dinas Bina Marga Jakarta Barat: kategori Jalan rusak\/berlubang, titik di Kelurahan Kebon Jeruk; kategori dibaca dari teks \(0\.\d\d: [^)]*lubang[^)]*\); tempat dibaca dari teks \("[^"]*kebon jeruk[^"]*", 0\.\d\d\)$/);
  });

  it("without substance, or unclear: the desk gets it with the reason and the candidates", async () => {
    app = await startTestApp();
    const admin = await app.admin();
    const spam = (await app.post("/api/v1/public/reports", { description: "PROMO slot gacor hari ini!!! hubungi wa 0812xxxx bit.ly/gacor" })).json() as { ticket: string; state: string };
    expect(spam.state).toBe("triage");
    const spamView = (await app.get(`/api/v1/reports/${spam.ticket}`, admin)).json();
    expect(spamView.triage.flags.map((f: { kind: string }) => f.kind)).toContain("spam");
    expect(spamView.timeline[0].reason).toMatch(/perlu diperiksa/);

    const vague = (await app.post("/api/v1/public/reports", { description: "Mohon segera ditangani, sudah lama sekali dibiarkan begini" })).json() as { ticket: string; state: string };
    expect(vague.state).toBe("triage");
    const vagueView = (await app.get(`/api/v1/reports/${vague.ticket}`, admin)).json();
    expect(vagueView.triage.automatic).toBe(false);
    expect(vagueView.triage.classification.top.length).toBeLessThanOrEqual(3);

    // A pin outside Jakarta (Bogor): held for the desk, naming the neighbouring city.
    const outside = (await app.post("/api/v1/public/reports", { description: "Jalan berlubang besar", lat: PLACES.bogor.lat, lon: PLACES.bogor.lon, category: "jalan_rusak" })).json() as { ticket: string; state: string };
    expect(outside.state).toBe("triage");
    const outsideView = (await app.get(`/api/v1/reports/${outside.ticket}`, admin)).json();
    expect(outsideView.triage.place.outside.name).toMatch(/Bogor/);
    expect(outsideView.timeline[0].reason).toMatch(/Bogor/);
  });
});

describe("routing after a correction follows the category's rule", () => {
  it("the desk names category and place, the rule picks the unit and its reason; a later correction tells the previous holder", async () => {
    app = await startTestApp();
    const created = await app.post("/api/v1/public/reports", { description: "Tolong dicek, sudah dua minggu tidak ada perubahan" });
    const { ticket, state } = created.json() as { ticket: string; state: string };
    expect(state).toBe("triage");
    const admin = await app.admin();
    const route = (body: Record<string, unknown>) => app!.post(`/api/v1/reports/${ticket}/transitions`, { action: "route", ...body }, admin);

    // Not enough to decide a unit, or a place that contradicts itself: refused, nothing changes.
    expect((await route({ kelurahan: KEBON_JERUK })).statusCode).toBe(400);
    expect((await route({ category: "jalan_rusak", kelurahan: KEBON_JERUK, lat: PLACES.monas.lat, lon: PLACES.monas.lon })).statusCode).toBe(400);
    expect((await route({ category: "jalan_rusak", lat: PLACES.bogor.lat, lon: PLACES.bogor.lon })).statusCode).toBe(400);
    expect((await route({ category: "jalan_rusak", kelurahan: "99.99.99.9999" })).statusCode).toBe(400);
    expect((await route({ category: "jalan_rusak", kelurahan: "Kebon Jeruk" })).statusCode).toBe(400);

    const routed = await route({ category: "jalan_rusak", kelurahan: KEBON_JERUK });
    expect(routed.statusCode).toBe(200);
    let view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json();
    expect(view).toMatchObject({ state: "waiting", category: { code: "jalan_rusak" }, kelurahan: { code: KEBON_JERUK, name: "Kebon Jeruk" } });
    expect(view.holdingUnit.id).toBe("dinas-bina-marga@31.73");
    const routedEvent = view.timeline.findLast((e: { type: string }) => e.type === "routed");
    expect(routedEvent.reason).toBe("Suku Dinas Bina Marga Jakarta Barat: kategori Jalan rusak/berlubang, titik di Kelurahan Kebon Jeruk");

    // The category was wrong: a broken kelurahan facility. The rule sends it to the kelurahan; the sub-office is told.
    expect((await route({ category: "fasilitas_kelurahan" })).statusCode).toBe(200);
    view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json();
    expect(view.holdingUnit.id).toBe(`kel-${KEBON_JERUK}`);
    const told = await app.running.ctx.pool.query<{ unit_id: string; payload: { to: string } }>(
      "select unit_id, payload from unit_notifications where template = 'report_rerouted'");
    expect(told.rows).toEqual([{ unit_id: "dinas-bina-marga@31.73", payload: expect.objectContaining({ ticket, to: "Kelurahan Kebon Jeruk" }) }]);
  });
});
