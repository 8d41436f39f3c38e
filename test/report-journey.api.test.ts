import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PLACES, startTestApp, uploadPhoto, type Officer, type TestApp } from "./harness.ts";

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(async () => {
  await app.close();
});

async function submit(body: Record<string, unknown>) {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { ticket: string; state: string; label: string; colour: string };
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>, status = 200) {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

describe("the whole lifecycle through the API", () => {
  it("citizen -> kelurahan -> coordination -> agency -> disposition -> sub-office TL -> validation -> done -> dispute -> red again", async () => {
    const created = await submit({
      description: "Jalan berlubang besar di depan Monas, sudah dua minggu",
      lat: PLACES.monas.lat,
      lon: PLACES.monas.lon,
      category: "fasilitas_kelurahan",
      contact: { name: "Budi Santoso", email: "budi@example.com", phone: "0812-3456-7890" },
    });
    expect(created).toMatchObject({ state: "waiting", label: "Menunggu", colour: "red" });
    expect(created.ticket).toMatch(/^JKT-\d{6}-\d{4}$/);
    // The public timeline tells the arrival once (the automatic routing is part of it).
    const first = (await app.get(`/api/v1/public/reports/${created.ticket}`)).json();
    expect(first.timeline.map((e: { type: string }) => e.type)).toEqual(["created"]);
    expect(first.timeline[0].label).toContain("Kelurahan Gambir");

    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    const otherLurah = await app.officer("kelurahan_officer", "kel-31.73.03.1008");
    const agency = await app.officer("agency_officer", "dinas-bina-marga");
    const sudin = await app.officer("agency_officer", "dinas-bina-marga@31.71");
    const validator = await app.officer("validator", "dinas-bina-marga@31.71");

    // Scope: another kelurahan neither sees nor touches it.
    expect((await app.get(`/api/v1/reports/${created.ticket}`, otherLurah)).statusCode).toBe(403);
    const otherList = (await app.get("/api/v1/reports", otherLurah)).json() as { items: Array<{ ticket: string }> };
    expect(otherList.items.map((i) => i.ticket)).not.toContain(created.ticket);
    await act(otherLurah, created.ticket, { action: "take_up" }, 403);

    const view = (await app.get(`/api/v1/reports/${created.ticket}`, lurah)).json();
    expect(view.holdingUnit.id).toBe("kel-31.71.01.1001");
    expect(view.kelurahan).toEqual({ code: "31.71.01.1001", name: "Gambir" });
    expect(view.citizen.email).toBe("b***@example.com");
    expect(view.allowedActions).toEqual(expect.arrayContaining(["take_up", "coordinate", "close"]));

    await act(lurah, created.ticket, { action: "take_up" });
    const coordinated = await act(lurah, created.ticket, { action: "coordinate", unit: "dinas-bina-marga", reason: "Jalan provinsi, kewenangan Bina Marga", publicComment: "Dikoordinasikan ke Dinas Bina Marga" });
    expect(coordinated).toMatchObject({ state: "coordination", colour: "red" });

    // The article's case: red, but visibly coordinated.
    const pub = (await app.get(`/api/v1/public/reports/${created.ticket}`)).json();
    expect(pub).toMatchObject({ state: "coordination", label: "Koordinasi", colour: "red", redReason: "coordination" });
    expect(pub.statusComment).toContain("Dinas Bina Marga");
    const officerView = (await app.get(`/api/v1/reports/${created.ticket}`, lurah)).json();
    expect(officerView.projections.qlue.status).toBe("wait");
    expect(officerView.projections.qlue.comment).toContain("Dinas Bina Marga");
    expect(officerView.projections.open311.status).toBe("open");

    // The kelurahan still monitors it; the sub-office cannot act before the agency accepts.
    expect((await app.get(`/api/v1/reports/${created.ticket}`, lurah)).statusCode).toBe(200);
    await act(lurah, created.ticket, { action: "take_up" }, 403);
    await act(agency, created.ticket, { action: "accept_coordination" });
    await act(agency, created.ticket, { action: "dispose", unit: "dinas-bina-marga@31.71", note: "Mohon ditangani Sudin Jakarta Pusat" });
    expect((await app.get(`/api/v1/public/reports/${created.ticket}`)).json()).toMatchObject({ label: "Disposisi", colour: "red" });
    await act(sudin, created.ticket, { action: "take_up" });
    expect((await app.get(`/api/v1/public/reports/${created.ticket}`)).json()).toMatchObject({ label: "Proses", colour: "yellow" });

    // Follow-up needs evidence; the author cannot validate it.
    await act(sudin, created.ticket, { action: "submit_follow_up", note: "Sudah ditambal" }, 400);
    const photo = await uploadPhoto(app, sudin);
    await act(sudin, created.ticket, { action: "submit_follow_up", note: "Lubang sudah ditambal aspal", publicComment: "Lubang sudah ditambal", photos: [photo] });
    await act(validator, created.ticket, { action: "reject_follow_up" }, 400);
    await act(validator, created.ticket, { action: "reject_follow_up", reason: "Foto tidak menunjukkan lokasi" });
    expect((await app.get(`/api/v1/public/reports/${created.ticket}`)).json()).toMatchObject({ label: "TL Ditolak", colour: "yellow" });
    await act(sudin, created.ticket, { action: "submit_follow_up", note: "Ditambal ulang, foto dengan papan lokasi", photos: [photo] });
    await act(lurah, created.ticket, { action: "validate" }, 403);
    await act(validator, created.ticket, { action: "validate", publicComment: "Sudah diperbaiki" });
    const done = (await app.get(`/api/v1/public/reports/${created.ticket}`)).json();
    expect(done).toMatchObject({ state: "done", label: "Selesai", colour: "green" });
    expect(done.photos).toHaveLength(1);

    // A neighbour disputes (the category allows any citizen): red again at the unit that did the TL.
    const dispute = await app.post(`/api/v1/public/reports/${created.ticket}/disputes`, { reason: "Lubangnya muncul lagi", contact: { email: "tetangga@example.com" } });
    expect(dispute.statusCode, dispute.body).toBe(201);
    const reopened = (await app.get(`/api/v1/reports/${created.ticket}`, sudin)).json();
    expect(reopened).toMatchObject({ state: "waiting", colour: "red", reopenCount: 1 });
    expect(reopened.holdingUnit.id).toBe("dinas-bina-marga@31.71");
    const publicReopened = (await app.get(`/api/v1/public/reports/${created.ticket}`)).json();
    expect(publicReopened.redReason).toBe("reopened");

    // Time held is attributed per unit.
    const units = reopened.sla.heldByUnit.map((h: { unit: { id: string } }) => h.unit.id);
    expect(units).toEqual(expect.arrayContaining(["kel-31.71.01.1001", "dinas-bina-marga", "dinas-bina-marga@31.71"]));

    // The public never sees identity: not in the JSON at all.
    const publicJson = JSON.stringify(publicReopened);
    for (const secret of ["budi@example.com", "Budi", "0812", "+62812", "tetangga@example.com"]) expect(publicJson).not.toContain(secret);

    // Every change is an event (the timeline also lists the outbound messages, which are not events).
    const types = reopened.timeline.filter((e: { type: string }) => e.type !== "outbound_message").map((e: { type: string }) => e.type);
    expect(types).toEqual(["created", "taken_up", "coordinated", "coordination_accepted", "disposed", "taken_up",
      "follow_up_submitted", "follow_up_rejected", "follow_up_submitted", "follow_up_validated", "disputed"]);
  });

  it("a report without place or category lands at triage; the desk routes it; closing needs an honest reason", async () => {
    const r = await submit({ description: "Tolong dicek, ada masalah di lingkungan kami" });
    expect(r).toMatchObject({ state: "triage", label: "Verifikasi", colour: "red" });
    const admin = await app.admin();
    const lurah = await app.officer("kelurahan_officer", "kel-31.74.07.1001");
    await act(lurah, r.ticket, { action: "route", unit: "kel-31.74.07.1001" }, 403);
    await act(admin, r.ticket, { action: "route", unit: "kel-31.74.07.1001", category: "fasilitas_kelurahan", note: "Lokasi dari telepon: Melawai" });
    await act(lurah, r.ticket, { action: "close", closeReason: "outside_jurisdiction" }, 400);
    const closed = await act(lurah, r.ticket, { action: "close", closeReason: "outside_jurisdiction", responsibleParty: "PT KAI (stasiun)" });
    expect(closed).toMatchObject({ state: "closed", colour: "grey" });
    const pub = (await app.get(`/api/v1/public/reports/${r.ticket}`)).json();
    expect(pub.statusComment).toContain("PT KAI");
    await act(lurah, r.ticket, { action: "take_up" }, 409);
  });

  it("closing as duplicate links the original; a point outside Jakarta goes to triage", async () => {
    const original = await submit({ description: "Sampah menumpuk di pinggir jalan", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon, category: "sampah" });
    expect(original.state).toBe("waiting");
    const dup = await submit({ description: "Sampah numpuk bgt", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon, category: "sampah" });
    const sudin = await app.officer("agency_officer", "dinas-lingkungan-hidup@31.74");
    const view = (await app.get(`/api/v1/reports/${dup.ticket}`, sudin)).json();
    expect(view.holdingUnit.id).toBe("dinas-lingkungan-hidup@31.74");
    await act(sudin, dup.ticket, { action: "close", closeReason: "duplicate" }, 400);
    await act(sudin, dup.ticket, { action: "close", closeReason: "duplicate", duplicateOf: dup.ticket }, 400);
    await act(sudin, dup.ticket, { action: "close", closeReason: "duplicate", duplicateOf: original.ticket });
    const pub = (await app.get(`/api/v1/public/reports/${dup.ticket}`)).json();
    expect(pub.statusComment).toContain(original.ticket);

    const outside = await submit({ description: "Jalan rusak di Bogor", lat: PLACES.bogor.lat, lon: PLACES.bogor.lon, category: "jalan_rusak" });
    expect(outside.state).toBe("triage");
  });

  it("supports count once per supporter and disputes outside the window or policy are refused with 409", async () => {
    const r = await submit({ description: "Lampu jalan mati", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, category: "lampu_jalan" });
    expect((await app.post(`/api/v1/public/reports/${r.ticket}/supports`, { contact: { email: "a@example.com" } })).statusCode).toBe(201);
    expect((await app.post(`/api/v1/public/reports/${r.ticket}/supports`, { contact: { email: "A@example.com" } })).statusCode).toBe(200);
    expect((await app.post(`/api/v1/public/reports/${r.ticket}/supports`, { contact: { email: "b@example.com" } })).statusCode).toBe(201);
    const officer = await app.officer("agency_officer", "dinas-bina-marga@31.73");
    expect((await app.get(`/api/v1/reports/${r.ticket}`, officer)).json().supportCount).toBe(2);
    const notDone = await app.post(`/api/v1/public/reports/${r.ticket}/disputes`, { reason: "belum", contact: { email: "a@example.com" } });
    expect(notDone.statusCode).toBe(409);
    expect(notDone.json().error.code).toBe("DISPUTE_NOT_ALLOWED");
  });
});
