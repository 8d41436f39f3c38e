import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACES, startTestApp, type Officer, type TestApp } from "./harness.ts";

/**
 * The inbox's workspace filters (reopened, assignee, kelurahan, a list of states) and the map's GeoJSON,
 * always inside the caller's scope. One app serves the file: three reports in Gambir (one reopened,
 * one assigned to a PPSU crew member, one plain) and one in Kota Tua.
 */

const GAMBIR = "kel-31.71.01.1001";
const KOTA_TUA = "kel-31.73.03.1008";

let app: TestApp;
let admin: Officer;
let lurah: Officer;
let lurahKotaTua: Officer;
let ppsu: Officer;
const t = { reopened: "", assigned: "", plain: "", kotaTua: "" };

interface Item { ticket: string; state: string; assigneeUserId: string | null; inCoordination: boolean; reopenCount: number }

async function report(place: { lat: number; lon: number }, description: string): Promise<string> {
  const res = await app.post("/api/v1/public/reports", { description, lat: place.lat, lon: place.lon, category: "fasilitas_kelurahan" });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>) {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
}

async function inbox(officer: Officer, query: string): Promise<Item[]> {
  const res = await app.get(`/api/v1/reports?${query}`, officer);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Item[] }).items;
}

const tickets = (items: Array<{ ticket: string }>) => items.map((i) => i.ticket).sort();

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
  lurah = await app.officer("kelurahan_officer", GAMBIR);
  lurahKotaTua = await app.officer("kelurahan_officer", KOTA_TUA);
  ppsu = await app.officer("ppsu_crew", GAMBIR);
  t.reopened = await report(PLACES.monas, "Toilet umum kelurahan rusak, pintunya lepas");
  t.assigned = await report(PLACES.monas, "Lampu balai warga kelurahan mati");
  t.plain = await report(PLACES.monas, "Pagar taman kelurahan roboh");
  t.kotaTua = await report(PLACES.kotaTua, "Toilet umum kelurahan tersumbat");
  // Reopened: closed by the kelurahan, reopened by the triage desk.
  await act(lurah, t.reopened, { action: "close", closeReason: "no_further_action", reason: "sudah diperbaiki warga", note: "sudah diperbaiki warga" });
  await act(admin, t.reopened, { action: "reopen", reason: "warga melapor masih rusak" });
  // Assigned to a PPSU crew member of Gambir, then taken up (in_progress).
  await act(lurah, t.assigned, { action: "assign", assignee: ppsu.id });
  await act(lurah, t.plain, { action: "take_up" });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe("inbox filters", () => {
  it("every report starts at the kelurahan it lies in", async () => {
    const items = await inbox(admin, "limit=200");
    const byTicket = new Map(items.map((i) => [i.ticket, i]));
    expect(byTicket.get(t.reopened)?.reopenCount).toBe(1);
    expect(byTicket.get(t.reopened)?.state).toBe("waiting");
    expect(byTicket.get(t.assigned)?.assigneeUserId).toBe(ppsu.id);
    expect(byTicket.get(t.plain)?.state).toBe("in_progress");
    expect(byTicket.get(t.plain)?.inCoordination).toBe(false);
  });

  it("reopened=true lists only reports reopened at least once, within the scope", async () => {
    expect(tickets(await inbox(admin, "reopened=true"))).toEqual([t.reopened]);
    expect(tickets(await inbox(lurah, "reopened=true"))).toEqual([t.reopened]);
    expect(await inbox(lurahKotaTua, "reopened=true")).toEqual([]);
    const never = tickets(await inbox(lurah, "reopened=false"));
    expect(never).toEqual([t.assigned, t.plain].sort());
    expect((await app.get("/api/v1/reports?reopened=yes", admin)).statusCode).toBe(400);
  });

  it("assignee=me gives a PPSU crew member their task; a unit officer filters by a user id", async () => {
    expect(tickets(await inbox(ppsu, "assignee=me"))).toEqual([t.assigned]);
    // The crew sees nothing else anyway, with or without the filter.
    expect(tickets(await inbox(ppsu, ""))).toEqual([t.assigned]);
    expect(await inbox(lurah, "assignee=me")).toEqual([]);
    expect(tickets(await inbox(lurah, `assignee=${ppsu.id}`))).toEqual([t.assigned]);
    expect(tickets(await inbox(admin, `assignee=${ppsu.id}`))).toEqual([t.assigned]);
    // Another kelurahan's officer asking for the crew's tasks still gets nothing outside their scope.
    expect(await inbox(lurahKotaTua, `assignee=${ppsu.id}`)).toEqual([]);
    expect((await app.get("/api/v1/reports?assignee=somebody", admin)).statusCode).toBe(400);
  });

  it("kelurahan= takes a code or a whole-segment prefix", async () => {
    expect(tickets(await inbox(admin, "kelurahan=31.71.01.1001"))).toEqual([t.reopened, t.assigned, t.plain].sort());
    expect(tickets(await inbox(admin, "kelurahan=31.71"))).toEqual([t.reopened, t.assigned, t.plain].sort());
    expect(tickets(await inbox(admin, "kelurahan=31.73.03"))).toEqual([t.kotaTua]);
    // "31.7" is not a whole segment, and not a code at all.
    expect((await app.get("/api/v1/reports?kelurahan=31.7", admin)).statusCode).toBe(400);
    expect((await app.get("/api/v1/reports?kelurahan=gambir", admin)).statusCode).toBe(400);
    // Scope first: Kota Tua's officer asking for Gambir gets none of it.
    expect(await inbox(lurahKotaTua, "kelurahan=31.71.01.1001")).toEqual([]);
    expect(tickets(await inbox(lurahKotaTua, "kelurahan=31.73"))).toEqual([t.kotaTua]);
  });

  it("state takes a comma-separated list and combines with the other filters", async () => {
    const open = await inbox(lurah, "state=waiting,in_progress");
    expect(tickets(open)).toEqual([t.reopened, t.assigned, t.plain].sort());
    // Assigning a waiting report to a crew takes it up (in_progress).
    expect(tickets(await inbox(lurah, "state=in_progress"))).toEqual([t.assigned, t.plain].sort());
    expect(tickets(await inbox(lurah, "state=waiting"))).toEqual([t.reopened]);
    expect(tickets(await inbox(lurah, "state=waiting,in_progress&reopened=true&kelurahan=31.71.01"))).toEqual([t.reopened]);
    expect((await app.get("/api/v1/reports?state=waiting,nonsense", lurah)).statusCode).toBe(400);
  });
});

describe("GET /api/v1/reports.geojson", () => {
  interface Feature { type: string; geometry: { type: string; coordinates: [number, number] }; properties: { ticket: string; colour: string; label: string; state: string; category: string | null } }
  async function geojson(officer: Officer, query = "") {
    const res = await app.get(`/api/v1/reports.geojson${query ? `?${query}` : ""}`, officer);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/geo\+json/);
    const body = res.json() as { type: string; features: Feature[] };
    expect(body.type).toBe("FeatureCollection");
    return body.features;
  }

  it("gives exact points with ticket, colour, label, state and category", async () => {
    const features = await geojson(admin);
    const plain = features.find((f) => f.properties.ticket === t.plain)!;
    expect(plain.type).toBe("Feature");
    expect(plain.geometry).toEqual({ type: "Point", coordinates: [PLACES.monas.lon, PLACES.monas.lat] });
    expect(plain.properties).toEqual({ ticket: t.plain, colour: "yellow", label: "Proses", state: "in_progress", category: "fasilitas_kelurahan" });
    const en = await geojson(admin, "lang=en&state=waiting");
    expect(tickets(en.map((f) => f.properties))).toEqual([t.reopened, t.kotaTua].sort());
    expect(en.map((f) => f.properties.label)).toEqual(["Waiting", "Waiting"]);
  });

  it("keeps to the caller's scope and the inbox's filters", async () => {
    expect(tickets((await geojson(lurah)).map((f) => f.properties))).toEqual([t.reopened, t.assigned, t.plain].sort());
    expect(tickets((await geojson(lurahKotaTua)).map((f) => f.properties))).toEqual([t.kotaTua]);
    expect(tickets((await geojson(ppsu)).map((f) => f.properties))).toEqual([t.assigned]);
    expect(tickets((await geojson(lurah, "reopened=true")).map((f) => f.properties))).toEqual([t.reopened]);
    expect(await geojson(lurahKotaTua, "kelurahan=31.71.01.1001")).toEqual([]);
    expect((await app.get("/api/v1/reports.geojson?colour=purple", admin)).statusCode).toBe(400);
    expect((await app.get("/api/v1/reports.geojson")).statusCode).toBe(401);
  });
});
