import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepSla } from "../src/app/sla-sweep.ts";
import type { statsAreas, statsOverview, statsRankings, statsTrend, statsUnits } from "../src/app/stats.ts";
import { PLACES, startTestApp, uploadPhoto, type Officer, type TestApp } from "./harness.ts";

// Known histories, built through the real API with a controlled clock (no holidays in Nov-Dec 2026 besides weekends).
const T0 = new Date("2026-11-02T02:00:00Z"); // Monday 09:00 WIB
const T = new Date("2026-12-07T02:00:00Z"); // Monday 09:00 WIB
const DAY = 86_400_000;
type Overview = Awaited<ReturnType<typeof statsOverview>>;
type Areas = Awaited<ReturnType<typeof statsAreas>>;
type Units = Awaited<ReturnType<typeof statsUnits>>;
type Trend = Awaited<ReturnType<typeof statsTrend>>;
type Rankings = Awaited<ReturnType<typeof statsRankings>>;
type OfficerView = { sla: { heldByUnit: Array<{ unit: { id: string }; workingDays: number }> } };

let app: TestApp;
let executive: Officer;
let lurah: Officer;
let lurahKotaTua: Officer;
let agency: Officer;
let sudin: Officer;
let validator: Officer;
const t: Record<string, string> = {};

async function submit(place: { lat: number; lon: number } | null, description: string): Promise<string> {
  const res = await app.post("/api/v1/public/reports", {
    description,
    ...(place ? { lat: place.lat, lon: place.lon, category: "fasilitas_kelurahan" } : {}),
    contact: { email: "warga@example.com" },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>) {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
}

async function get<T = Record<string, unknown>>(url: string, officer: Officer): Promise<T> {
  const res = await app.get(url, officer);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

/** The tickets a link of the stats lists (all pages). */
async function listed(query: string, officer: Officer): Promise<string[]> {
  const body = await get<{ items: Array<{ ticket: string }> }>(`/api/v1/reports?${query}&limit=200`, officer);
  return body.items.map((i) => i.ticket).sort();
}

const sorted = (...keys: string[]) => keys.map((k) => t[k]!).sort();

/** Sessions last 12 hours: log everyone in again after moving the clock. */
async function login(): Promise<void> {
  [executive, lurah, lurahKotaTua, agency, sudin, validator] = await Promise.all([
    app.officer("executive", null),
    app.officer("kelurahan_officer", "kel-31.71.01.1001"),
    app.officer("kelurahan_officer", "kel-31.73.03.1008"),
    app.officer("agency_officer", "dinas-bina-marga"),
    app.officer("agency_officer", "dinas-bina-marga@31.71"),
    app.officer("validator", "dinas-bina-marga@31.71"),
  ]);
}

beforeAll(async () => {
  app = await startTestApp({ now: T0 });
  // Five weeks ago: one report left waiting (overdue), two in Kota Tua closed late later on.
  t.O = await submit(PLACES.monas, "Lampu taman mati sudah lama di depan balai warga");
  t.K1 = await submit(PLACES.kotaTua, "Pos ronda rusak atapnya bocor di RW 03");
  t.K2 = await submit(PLACES.kotaTua, "Balai warga kotor tidak terurus sejak lama");

  app.clock.now = T;
  await login();
  expect(await sweepSla(app.running.ctx)).toBeGreaterThanOrEqual(3);
  await act(lurahKotaTua, t.K1, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });
  await act(lurahKotaTua, t.K2, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });

  t.A = await submit(PLACES.monas, "Pos ronda di gang tiga rusak parah atapnya");
  t.B = await submit(PLACES.monas, "Jalan lingkungan berlubang di depan balai warga");
  t.C = await submit(PLACES.monas, "Fasilitas umum MCK rusak di RW 02");
  t.D = await submit(PLACES.monas, "Fasum taman bermain rusak ayunan patah");
  t.F = await submit(PLACES.monas, "Gang sempit becek perlu perbaikan saluran");
  t.G = await submit(PLACES.kotaTua, "Lampu gang mati sudah seminggu");
  t.E = await submit(null, "Tolong dicek ada masalah di lingkungan kami");
  t.H1 = await submit(PLACES.monas, "Laporan iseng satu");
  t.H2 = await submit(PLACES.monas, "Laporan iseng dua");
  t.M = await submit(PLACES.blokM, "Laporan iseng tiga");
  await act(lurah, t.H1, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });
  await act(lurah, t.H2, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });
  await act(await app.officer("kelurahan_officer", "kel-31.74.07.1001"), t.M, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });
  for (const k of ["B", "C", "D", "F"]) await act(lurah, t[k]!, { action: "take_up" });

  // A day later the kelurahan coordinates four of them to Dinas Bina Marga.
  app.clock.now = new Date(T.getTime() + DAY);
  await login();
  for (const k of ["B", "C", "D", "F"]) {
    await act(lurah, t[k]!, { action: "coordinate", unit: "dinas-bina-marga", reason: "Kewenangan Bina Marga", publicComment: "Dikoordinasikan" });
  }
  await act(agency, t.B, { action: "accept_coordination" });
  for (const k of ["D", "F"]) {
    await act(agency, t[k]!, { action: "accept_coordination" });
    await act(agency, t[k]!, { action: "dispose", unit: "dinas-bina-marga@31.71", note: "Mohon ditangani" });
  }
  await act(sudin, t.F, { action: "take_up" });
  const photo = await uploadPhoto(app, sudin);
  await act(sudin, t.F, { action: "submit_follow_up", note: "Sudah diperbaiki", photos: [photo] });
  await act(validator, t.F, { action: "validate", publicComment: "Sudah diperbaiki" });
  const dispute = await app.post(`/api/v1/public/reports/${t.F}/disputes`, { reason: "Masih becek", contact: { email: "tetangga@example.com" } });
  expect(dispute.statusCode, dispute.body).toBe(201);

  app.clock.now = new Date(T.getTime() + 3 * DAY); // Thursday 09:00 WIB
  await login();
}, 240_000);

afterAll(async () => {
  await app?.close();
});

describe("monitoring statistics", () => {
  it("counts the red reasons, colours, ageing and overdue exactly, each with the list behind it", async () => {
    const o = await get<Overview>("/api/v1/stats/overview", executive);
    // 13 reports: O,A,G waiting; F reopened; C coordination; D disposition; E triage; B in progress; K1,K2,H1,H2,M closed.
    expect(o.totals).toEqual({ red: 7, yellow: 1, green: 0, grey: 5, total: 13 });
    expect(o.red).toEqual({ waiting: 3, reopened: 1, coordination: 1, disposition: 1, triage: 1 });
    expect(o.overdue.count).toBe(3); // O; K1 and K2 keep their flag after closing
    expect(o.ageing).toEqual([
      expect.objectContaining({ bucket: "0-2", open: 0 }),
      expect.objectContaining({ bucket: "3-7", open: 7 }),
      expect.objectContaining({ bucket: "8-14", open: 0 }),
      expect.objectContaining({ bucket: "15-30", open: 0 }),
      expect.objectContaining({ bucket: "31+", open: 1 }),
    ]);
    expect(o.channels).toEqual([expect.objectContaining({ channel: "portal", count: 13 })]);
    expect(o.categories.find((c) => c.code === "fasilitas_kelurahan")?.count).toBe(12);

    expect(await listed(o.links.red.waiting, executive)).toEqual(sorted("O", "A", "G"));
    expect(await listed(o.links.red.reopened, executive)).toEqual(sorted("F"));
    expect(await listed(o.links.red.coordination, executive)).toEqual(sorted("C"));
    expect(await listed(o.links.red.disposition, executive)).toEqual(sorted("D"));
    expect(await listed(o.links.red.triage, executive)).toEqual(sorted("E"));
    expect(await listed(o.links.totals.yellow, executive)).toEqual(sorted("B"));
    expect(await listed(o.links.totals.grey, executive)).toEqual(sorted("K1", "K2", "H1", "H2", "M"));
    expect(await listed(o.links.overdue, executive)).toEqual(sorted("O", "K1", "K2"));
    expect(await listed(o.links.ageing["31+"], executive)).toEqual(sorted("O"));
    expect(await listed(o.channels[0]!.link, executive)).toHaveLength(13);
    expect(await listed(o.links.ageing["3-7"], executive)).toEqual(sorted("A", "B", "C", "D", "E", "F", "G"));

    // Flows in the default period (30 days to today): 10 created; 5 closed and 1 done, of which K1 and K2
    // late; 1 reopened; no follow-up rejected of the 1 submitted.
    expect(o.sla).toEqual({ onTime: 4, late: 2, compliance: 0.667 });
    expect(o.rates).toEqual({ reopen: 0.167, followUpRejection: 0 });
    expect(o.flows).toMatchObject({ created: 10, done: 1, closed: 5, reopened: 1, followUpSubmitted: 1 });
  });

  it("scopes by role: a kelurahan officer sees only their kelurahan, with matching links", async () => {
    const o = await get<Overview>("/api/v1/stats/overview", lurah);
    expect(o.totals).toEqual({ red: 5, yellow: 1, green: 0, grey: 2, total: 8 });
    expect(o.red).toEqual({ waiting: 2, reopened: 1, coordination: 1, disposition: 1, triage: 0 });
    expect(await listed(o.links.red.waiting, lurah)).toEqual(sorted("O", "A"));
    expect(await listed(o.links.totals.total, lurah)).toEqual(sorted("O", "A", "B", "C", "D", "F", "H1", "H2"));
    const other = await get<Overview>("/api/v1/stats/overview", lurahKotaTua);
    expect(other.totals).toEqual({ red: 1, yellow: 0, green: 0, grey: 2, total: 3 });
    // A filter narrows within the scope; it never widens it.
    const filtered = await get<Overview>("/api/v1/stats/overview?kelurahan=31.73.03.1008", lurah);
    expect(filtered.totals.total).toBe(0);
    expect((await get<Overview>("/api/v1/stats/overview?kota=31.73", executive)).totals.total).toBe(3);
    expect((await app.get("/api/v1/stats/overview")).statusCode).toBe(401);
    expect((await app.get("/api/v1/stats/overview?kota=31", executive)).statusCode).toBe(400);
    expect((await app.get("/api/v1/stats/overview?from=2026-12-10&to=2026-12-01", executive)).statusCode).toBe(400);
  });

  it("gives the choropleth per area", async () => {
    const areas = await get<Areas>("/api/v1/stats/areas?level=kelurahan", executive);
    const gambir = areas.items.find((i) => i.code === "31.71.01.1001");
    expect(gambir).toMatchObject({ name: "Gambir", red: 5, yellow: 1, grey: 2, total: 8, redBreakdown: { waiting: 2, reopened: 1, coordination: 1, disposition: 1, triage: 0 } });
    expect(areas.items.map((i) => i.code)).toEqual(["31.71.01.1001", "31.73.03.1008", "31.74.07.1001"]);
    const kota = await get<Areas>("/api/v1/stats/areas?level=kota", executive);
    expect(kota.items.map((i) => [i.code, i.total])).toEqual([["31.71", 8], ["31.73", 3], ["31.74", 1]]);
  });

  it("attributes time held to the receiver after coordination", async () => {
    const units = await get<Units>("/api/v1/stats/units?kind=agency", executive);
    const bm = units.items.find((i) => i.unit.id === "dinas-bina-marga");
    // Held now: B (in progress) and C (coordination). Held B and C for 2 working days each (Tue -> Thu), D and F for none.
    expect(bm!.held).toEqual({ red: 1, yellow: 1, green: 0, grey: 0, total: 2 });
    expect(bm!.heldWorkingDays).toEqual({ sum: 4, median: 2, segments: 4 });
    const kel = await get<Units>("/api/v1/stats/units?kind=kelurahan", lurah);
    expect(kel.items.map((i) => i.unit.id)).toEqual(["kel-31.71.01.1001"]);
    // The officer view's own clock agrees for B: 1 day at the kelurahan, 2 at the agency.
    const view = await get<OfficerView>(`/api/v1/reports/${t.B}`, executive);
    const held = Object.fromEntries(view.sla.heldByUnit.map((h) => [h.unit.id, h.workingDays]));
    expect(held).toMatchObject({ "kel-31.71.01.1001": 1, "dinas-bina-marga": 2 });
  });

  it("ranks by rates with a minimum volume and explains the method", async () => {
    const r = await get<Rankings>("/api/v1/stats/rankings?kind=kelurahan&minVolume=2", executive);
    expect(r.minVolume).toBe(2);
    expect(r.method.id).toContain("kurang dari 2 ");
    expect(r.method.en).toContain("fewer than 2 ");
    expect(r.items.map((i) => [i.rank, i.unit.id, i.volume, i.resolvedOnTimeRate])).toEqual([
      [1, "kel-31.71.01.1001", 2, 1],
      [2, "kel-31.73.03.1008", 2, 0],
    ]);
    expect(r.unranked[0]).toMatchObject({ unit: { id: "kel-31.74.07.1001" }, volume: 1 });
    const strict = await get<Rankings>("/api/v1/stats/rankings?kind=kelurahan", executive);
    expect(strict.minVolume).toBe(20);
    expect(strict.items).toEqual([]);
  });

  it("trends per day", async () => {
    const trend = await get<Trend>("/api/v1/stats/trend?interval=day&from=2026-12-07&to=2026-12-10", executive);
    expect(trend.items.map((i) => [i.period, i.created, i.closed, i.done, i.reopened])).toEqual([
      ["2026-12-07", 10, 5, 0, 0],
      ["2026-12-08", 0, 0, 1, 1],
      ["2026-12-09", 0, 0, 0, 0],
      ["2026-12-10", 0, 0, 0, 0],
    ]);
    const month = await get<Trend>("/api/v1/stats/trend?interval=month&from=2026-11-01&to=2026-12-31", executive);
    expect(month.items.map((i) => [i.period, i.created])).toEqual([["2026-11-01", 3], ["2026-12-01", 10]]);
  });

  it("stats_rebuild() leaves the aggregates equal to the incremental ones", async () => {
    const pool = app.running.ctx.pool;
    const snapshot = async () => {
      await pool.query("select stats_compact()");
      const out: Record<string, unknown[]> = {};
      for (const [table, order, zero] of [
        ["stats_now", "1, 2, 3, 4, 5, 6", "n <> 0 or overdue <> 0"],
        ["stats_now_place", "1, 2, 3, 4", "n <> 0 or overdue <> 0"],
        ["stats_now_kind", "1, 2, 3, 4", "n <> 0 or overdue <> 0"],
        ["stats_open_age", "1, 2, 3, 4, 5", "n <> 0"],
        ["stats_flow", "1, 2, 3, 4, 5", "true"],
        ["stats_flow_place", "1, 2, 3", "true"],
        ["stats_flow_kind", "1, 2, 3", "true"],
        ["stats_held", "1, 2, 3", "true"],
        ["stats_custody", "1", "true"],
      ] as const) {
        const { rows } = await pool.query(`select * from ${table} where ${zero} order by ${order}`);
        out[table] = rows;
      }
      return out;
    };
    const before = await snapshot();
    expect(before.stats_now!.length).toBeGreaterThan(5);
    expect(before.stats_held!.length).toBeGreaterThan(3);
    expect(before.stats_custody!.length).toBeGreaterThan(5);
    // As after a bulk load: no reopen memory on the rows, flows and custody lost.
    await pool.query("update reports set reopen_red = false");
    await pool.query("delete from stats_flow; delete from stats_held; delete from stats_custody; delete from stats_open_age");
    expect((await pool.query("select count(*)::int as n from reports where red_reason = 'reopened'")).rows[0].n).toBe(0);
    await pool.query("select stats_rebuild()");
    expect((await pool.query("select ticket from reports where red_reason = 'reopened'")).rows).toEqual([{ ticket: t.F }]);
    expect(await snapshot()).toEqual(before);
  });
  it("links of a scoped caller list exactly the reports behind its figures, not those it handed on", async () => {
    t.R = await submit(PLACES.monas, "Trotoar amblas di depan sekolah dasar");
    await act(lurah, t.R, { action: "take_up" });
    await act(lurah, t.R, { action: "coordinate", unit: "dinas-bina-marga", reason: "Kewenangan Bina Marga", publicComment: "Dikoordinasikan" });
    await act(agency, t.R, { action: "refuse_coordination", reason: "Bukan kewenangan kami" });
    // The agency's inbox still shows R (it held it once); its figures do not count it.
    expect(await listed("", agency)).toContain(t.R);
    const o = await get<Overview>("/api/v1/stats/overview", agency);
    expect(o.totals.total).toBeGreaterThanOrEqual(4);
    const all = await listed(o.links.totals.total, agency);
    expect(all).not.toContain(t.R);
    expect(all).toHaveLength(o.totals.total);
    for (const colour of ["red", "yellow", "green", "grey"] as const) {
      expect(await listed(o.links.totals[colour], agency), colour).toHaveLength(o.totals[colour]);
    }
    for (const reason of ["waiting", "reopened", "coordination", "disposition", "triage"] as const) {
      expect(await listed(o.links.red[reason], agency), reason).toHaveLength(o.red[reason]);
    }
  });
});
