/**
 * Duplicate candidates and linking through the API (issue #4): what the portal may see before
 * submit, what officers see, linking a duplicate (support counted once, the link on both timelines,
 * the duplicate's reporter told the original's ticket, later news for both reporters), and the
 * contract's errors for bad input, unknown tickets, scope and the lifecycle.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DUPLICATE_SCORE_THRESHOLD } from "../src/app/duplicates.ts";
import { followerMessages } from "../src/store/duplicates.store.ts";
import { findReportByTicket } from "../src/store/reports.store.ts";
import { PLACES, startTestApp, type Officer, type TestApp } from "./harness.ts";

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(async () => {
  await app.close();
});

/** A point dx metres east and dy metres north of a place. */
function near(place: { lat: number; lon: number }, dx: number, dy = 0) {
  return { lat: Number((place.lat + dy / 111_320).toFixed(6)), lon: Number((place.lon + dx / (111_320 * Math.cos((Math.abs(place.lat) * Math.PI) / 180))).toFixed(6)) };
}

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

function candidatesUrl(q: Record<string, string | number>): string {
  return `/api/v1/public/duplicates?${new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]))}`;
}

function expectError(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  if (code) expect(body.error?.code).toBe(code);
}

async function link(officer: Officer, duplicate: string, body: Record<string, unknown>) {
  return app.post(`/api/v1/reports/${duplicate}/duplicate-of`, body, officer);
}

interface PublicItem {
  ticket: string;
  likely: boolean;
  score: number;
  distanceM: number;
  location: { lat: number; lon: number };
  excerpt: string;
  category: { code: string };
}

describe("duplicate candidates for the portal, before submit", () => {
  it("offers the same problem nearby as likely, with public fields only", async () => {
    const original = await submit({
      description: "Sampah menumpuk di pinggir Jl. Melawai Raya depan Blok M Square, bau menyengat. Hubungi saya 0812-3456-7890",
      category: "sampah", ...near(PLACES.blokM, 0),
      contact: { name: "Budi Santoso", email: "budi@example.com", phone: "0812-3456-7890" },
    });
    const otherProblem = await submit({ description: "Lampu jalan di Jl. Melawai Raya depan Blok M Square mati", category: "lampu_jalan", ...near(PLACES.blokM, 30) });
    await submit({ description: "Sampah menumpuk di pinggir jalan dekat Pasar Santa", category: "sampah", ...near(PLACES.blokM, 2500) });

    const res = await app.get(candidatesUrl({ ...near(PLACES.blokM, 40, 10), description: "sampah numpuk di melawai depan blok m square, bau banget", category: "sampah" }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=30");
    const body = res.json() as { threshold: number; items: PublicItem[] };
    expect(body.threshold).toBe(DUPLICATE_SCORE_THRESHOLD);
    expect(body.items.map((i) => i.ticket)).toEqual([original]);
    const top = body.items[0]!;
    expect(top.likely).toBe(true);
    expect(top.score).toBeGreaterThanOrEqual(DUPLICATE_SCORE_THRESHOLD);
    expect(top.category.code).toBe("sampah");
    expect(top.distanceM % 50).toBe(0);
    expect(top.location).toEqual({ lat: Math.round(PLACES.blokM.lat * 1000) / 1000, lon: Math.round(PLACES.blokM.lon * 1000) / 1000 });
    // Never the reporter, never a contact, never internal fields.
    expect(top.excerpt).toContain("Sampah menumpuk");
    const json = JSON.stringify(body);
    for (const secret of ["Budi", "budi@example.com", "0812", "3456-7890", "citizen", "holding", "involved"]) expect(json).not.toContain(secret);
    expect(Object.keys(top).sort()).toEqual(
      ["category", "colour", "createdAt", "distanceM", "excerpt", "kelurahan", "label", "likely", "location", "score", "similarity", "state", "supportCount", "ticket"],
    );

    // Without a category the other problem at the spot is offered too, below: the words decide the order.
    // (Its shared place words can still lift it over the threshold: a known weakness, see the eval set's diff_no_category.)
    const open = (await app.get(candidatesUrl({ ...near(PLACES.blokM, 40, 10), description: "sampah numpuk di melawai depan blok m square, bau banget" }))).json() as { items: PublicItem[] };
    expect(open.items.map((i) => i.ticket)).toEqual([original, otherProblem]);
    expect(open.items[1]!.score).toBeLessThan(open.items[0]!.score - 0.1);

    // Without a point: the kelurahan when given, else nothing (the same words are everywhere).
    const inKelurahan = (await app.get(candidatesUrl({ kelurahan: PLACES.blokM.kelurahan, description: "Sampah menumpuk di pinggir Jl. Melawai Raya depan Blok M Square" }))).json() as { items: PublicItem[] };
    expect(inKelurahan.items[0]!.ticket).toBe(original);
    expect(inKelurahan.items[0]!.distanceM).toBeNull();
    expect((await app.get(candidatesUrl({ description: "Sampah menumpuk di pinggir Jl. Melawai Raya" }))).json()).toMatchObject({ items: [] });
  });

  it("leaves out closed reports and reports done long ago, and keeps an old open one", async () => {
    const now = Date.now();
    app.clock.now = new Date(now - 100 * 86_400_000);
    const oldOpen = await submit({ description: "Jalan berlubang besar di depan Stasiun Kota, belum ditambal", category: "jalan_rusak", ...near(PLACES.kotaTua, 0) });
    const oldDone = await submit({ description: "Jalan berlubang besar di depan Stasiun Kota, sudah ditambal", category: "jalan_rusak", ...near(PLACES.kotaTua, 20) });
    app.clock.now = new Date(now);
    const closed = await submit({ description: "Jalan berlubang besar di depan Stasiun Kota", category: "jalan_rusak", ...near(PLACES.kotaTua, 10) });
    const pool = app.running.ctx.pool;
    await pool.query("update reports set state = 'done', done_at = now() - interval '80 days' where ticket = $1", [oldDone]);
    await pool.query("update reports set state = 'closed', close_reason = 'invalid', closed_at = now() where ticket = $1", [closed]);
    const items = ((await app.get(candidatesUrl({ ...near(PLACES.kotaTua, 30), description: "lubang besar di jalan depan stasiun kota", category: "jalan_rusak" }))).json() as { items: PublicItem[] }).items;
    expect(items.map((i) => i.ticket)).toEqual([oldOpen]);
  });

  it("answers bad input with 400 and the contract's error shape", async () => {
    const bad: Array<[Record<string, string | number>, string]> = [
      [{ lat: PLACES.monas.lat }, "VALIDATION_FAILED"],
      [{ lat: "abc", lon: PLACES.monas.lon }, "VALIDATION_FAILED"],
      [{ lat: "", lon: "" }, "VALIDATION_FAILED"],
      [{ lat: 91, lon: 106.8 }, "VALIDATION_FAILED"],
      [{ lat: -6.2, lon: 106.8, category: "Jalan Rusak!" }, "VALIDATION_FAILED"],
      [{ lat: -6.2, lon: 106.8, category: "no_such_category" }, "CATEGORY_NOT_FOUND"],
      [{ kelurahan: "31.71" }, "VALIDATION_FAILED"],
      [{ kelurahan: "99.99.99.9999" }, "VALIDATION_FAILED"],
      [{ lat: -6.2, lon: 106.8, description: "x".repeat(2001) }, "VALIDATION_FAILED"],
      [{ lat: -6.2, lon: 106.8, radius: 5000 }, "VALIDATION_FAILED"],
    ];
    for (const [query, code] of bad) expectError(await app.get(candidatesUrl(query)), 400, code);
  });
});

describe("duplicates for officers and linking", () => {
  async function scenario() {
    const original = await submit({ description: "Sampah menumpuk di pinggir Jl. Melawai Raya depan Blok M Square sejak tiga hari", category: "sampah", ...near(PLACES.blokM, 0), contact: { email: "asli@example.com" } });
    const duplicate = await submit({ description: "sampah numpuk di melawai raya depan blok m square, bau", category: "sampah", ...near(PLACES.blokM, 50), contact: { name: "Sari", email: "sari@example.com" } });
    const sudin = await app.officer("agency_officer", "dinas-lingkungan-hidup@31.74");
    return { original, duplicate, sudin };
  }

  it("shows a report's candidates in scope, and refuses others' reports", async () => {
    const { original, duplicate, sudin } = await scenario();
    const res = await app.get(`/api/v1/reports/${duplicate}/duplicates`, sudin);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as { ticket: string; duplicateOf: string | null; candidates: Array<{ ticket: string; distanceM: number; description: string | null; canOpen: boolean; likely: boolean }>; linked: unknown[] };
    expect(view).toMatchObject({ ticket: duplicate, duplicateOf: null, linked: [] });
    expect(view.candidates.map((c) => c.ticket)).toEqual([original]);
    expect(view.candidates[0]).toMatchObject({ canOpen: true, likely: true, description: expect.stringContaining("Sampah menumpuk") });
    expect(view.candidates[0]!.distanceM).toBeGreaterThan(40);
    expect(view.candidates[0]!.distanceM).toBeLessThan(60);

    const otherKelurahan = await app.officer("kelurahan_officer", "kel-31.73.03.1008");
    expectError(await app.get(`/api/v1/reports/${duplicate}/duplicates`, otherKelurahan), 403, "FORBIDDEN");
    expectError(await app.get("/api/v1/reports/JKT-990101-9999/duplicates", sudin), 404, "REPORT_NOT_FOUND");
    expectError(await app.get(`/api/v1/reports/${duplicate}/duplicates`), 401, "UNAUTHENTICATED");
  });

  it("links a duplicate: closed with the original's ticket, supporters counted once, both timelines linked, both reporters informed", async () => {
    const { original, duplicate, sudin } = await scenario();
    const pool = app.running.ctx.pool;
    // A neighbour supported the duplicate; the reporter of the duplicate later supports the original too.
    expect((await app.post(`/api/v1/public/reports/${duplicate}/supports`, { contact: { email: "tetangga@example.com" } })).statusCode).toBe(201);

    const res = await link(sudin, duplicate, { ticket: original, note: "Lokasi dan masalah sama" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ticket: duplicate, state: "closed", colour: "grey", duplicateOf: { ticket: original, supportCount: 2 }, supportersAdded: 2 });

    // The public page of the duplicate names the original; its reporter is told so, on their channel.
    expect((await app.get(`/api/v1/public/reports/${duplicate}`)).json().statusComment).toContain(original);
    const dup = (await findReportByTicket(pool, duplicate))!;
    const orig = (await findReportByTicket(pool, original))!;
    const { rows: told } = await pool.query<{ template: string; payload: { duplicateOf: string }; recipient: { citizenId: string } }>(
      "select template, payload, recipient from outbox where report_id = $1 and template = 'closed'", [dup.id]);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload.duplicateOf).toBe(original);
    expect(told[0]!.recipient.citizenId).toBe(dup.citizenId);

    // Counted once: the duplicate's reporter supporting the original again adds nothing.
    const again = await app.post(`/api/v1/public/reports/${original}/supports`, { contact: { email: "Sari@example.com" } });
    expect(again.json()).toMatchObject({ added: false, supportCount: 2 });

    // The original's timeline names the duplicate; the duplicate's own timeline stays readable from the original.
    const officerView = (await app.get(`/api/v1/reports/${original}`, sudin)).json() as { supportCount: number; timeline: Array<{ type: string; reason: string | null; data: Record<string, unknown> }> };
    expect(officerView.supportCount).toBe(2);
    expect(officerView.timeline.find((e) => e.reason === "duplicate_linked")).toMatchObject({ type: "supported", data: { duplicateTicket: duplicate, supportersAdded: 2 } });
    const linked = (await app.get(`/api/v1/reports/${original}/duplicates`, sudin)).json() as { linked: Array<{ ticket: string; depth: number; timeline: Array<{ type: string; data: Record<string, unknown> }> }> };
    expect(linked.linked.map((l) => [l.ticket, l.depth])).toEqual([[duplicate, 1]]);
    expect(linked.linked[0]!.timeline.map((e) => e.type)).toEqual(["created", "supported", "closed"]);
    expect((await app.get(`/api/v1/reports/${duplicate}/duplicates`, sudin)).json()).toMatchObject({ duplicateOf: original });
    // The support moved to the original is not public per person; the public page of the original shows the count.
    expect((await app.get(`/api/v1/public/reports/${original}`)).json()).toMatchObject({ supportCount: 2 });

    // When the original changes, the duplicate's reporter hears of it on their own report's channel and thread.
    const news = await followerMessages(pool, orig, null, [
      { to: "unit", unitId: orig.holdingUnitId, template: "report_reopened", params: { ticket: original, reason: null } },
      { to: "citizen", template: "taken_up", params: { ticket: original, unit: "Suku Dinas" } },
    ]);
    expect(news).toEqual([expect.objectContaining({ reportId: dup.id, channel: "portal", recipient: { citizenId: dup.citizenId }, template: "taken_up", payload: { ticket: original, unit: "Suku Dinas" } })]);

    // End to end: the sub-office takes the original up; the outbox holds the news for both reporters.
    expect((await app.post(`/api/v1/reports/${original}/transitions`, { action: "take_up" }, sudin)).statusCode).toBe(200);
    const { rows: takenUp } = await pool.query<{ report_id: string; recipient: { citizenId: string } }>(
      "select report_id, recipient from outbox where template = 'taken_up' order by id");
    expect(takenUp.map((r) => [r.report_id, r.recipient.citizenId])).toEqual([[orig.id, orig.citizenId], [dup.id, dup.citizenId]]);

    // An anonymous duplicate counts once as a supporter and has nobody to tell.
    const anonymous = await submit({ description: "Sampah menumpuk di Melawai Raya depan Blok M Square", category: "sampah", ...near(PLACES.blokM, 20) });
    expect((await link(sudin, anonymous, { ticket: original })).json()).toMatchObject({ supportersAdded: 1, duplicateOf: { supportCount: 3 } });
    expect(await followerMessages(pool, orig, null, [{ to: "citizen", template: "done", params: { ticket: original } }])).toHaveLength(1);
  });

  it("refuses links the rules forbid: 400, 403, 404, 409", async () => {
    const { original, duplicate, sudin } = await scenario();
    const pool = app.running.ctx.pool;
    await app.admin();
    const executive = await app.officer("executive", null);
    const otherKelurahan = await app.officer("kelurahan_officer", "kel-31.73.03.1008");
    const before = (await pool.query<{ n: number }>("select (select count(*) from report_events)::int + (select count(*) from outbox)::int + (select count(*) from report_supports)::int as n")).rows[0]!.n;

    expectError(await link(sudin, duplicate, {}), 400, "VALIDATION_FAILED");
    expectError(await link(sudin, duplicate, { ticket: original, extra: 1 }), 400, "VALIDATION_FAILED");
    expectError(await link(sudin, duplicate, { ticket: "not a ticket" }), 400, "VALIDATION_FAILED");
    expectError(await link(sudin, duplicate, { ticket: duplicate }), 400, "VALIDATION_FAILED");
    expectError(await link(sudin, duplicate, { ticket: "JKT-990101-9999" }), 404, "REPORT_NOT_FOUND");
    expectError(await link(sudin, "JKT-990101-9999", { ticket: original }), 404, "REPORT_NOT_FOUND");
    expectError(await link(otherKelurahan, duplicate, { ticket: original }), 403, "FORBIDDEN");
    expectError(await link(executive, duplicate, { ticket: original }), 403, "FORBIDDEN");
    const noCsrf = await app.server.inject({ method: "POST", url: `/api/v1/reports/${duplicate}/duplicate-of`, payload: { ticket: original }, headers: { cookie: sudin.cookie } });
    expectError(noCsrf, 403, "CSRF_FAILED");
    const after = (await pool.query<{ n: number }>("select (select count(*) from report_events)::int + (select count(*) from outbox)::int + (select count(*) from report_supports)::int as n")).rows[0]!.n;
    expect(after).toBe(before);

    // Lifecycle: linked once, not twice; nothing links to a closed report, nor to a linked duplicate.
    expect((await link(sudin, duplicate, { ticket: original })).statusCode).toBe(200);
    expectError(await link(sudin, duplicate, { ticket: original }), 409, "INVALID_TRANSITION");
    const third = await submit({ description: "Sampah di Melawai", category: "sampah", ...near(PLACES.blokM, 10) });
    expectError(await link(sudin, third, { ticket: duplicate }), 409, "CONFLICT");
    await pool.query("update reports set state = 'closed', close_reason = 'invalid', closed_at = now() where ticket = $1", [original]);
    expectError(await link(sudin, third, { ticket: original }), 409, "CONFLICT");
  });
});
