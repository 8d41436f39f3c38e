import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLACES, startTestApp, type TestApp } from "./harness.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ now: new Date("2025-12-22T02:00:00Z") }); // Monday 22 Dec 2025, 09:00 WIB
});
afterAll(async () => {
  await app.close();
});

function put(url: string, body: unknown, officer: { cookie: string; csrf: string }) {
  return app.server.inject({ method: "PUT", url, payload: body as object, headers: { cookie: officer.cookie, "x-csrf-token": officer.csrf } });
}

describe("reference data is data an administrator edits through the API", () => {
  it("units, categories and holidays are readable by anyone", async () => {
    const units = (await app.get("/api/v1/units")).json() as { items: Array<{ id: string; kind: string }> };
    const byKind = (k: string) => units.items.filter((u) => u.kind === k).length;
    expect([byKind("kelurahan"), byKind("kecamatan"), byKind("kota"), byKind("agency"), byKind("triage")]).toEqual([267, 44, 6, 12, 1]);
    expect(byKind("sub_office")).toBe(72);
    const categories = (await app.get("/api/v1/categories?lang=en")).json() as { items: Array<{ code: string; name: string }> };
    expect(categories.items).toHaveLength(23);
    expect(categories.items.find((c) => c.code === "jalan_rusak")!.name).toMatch(/road/i);
    const holidays = (await app.get("/api/v1/holidays?year=2025")).json() as { items: Array<{ date: string }> };
    expect(holidays.items.map((h) => h.date)).toContain("2025-12-26");
  });

  it("a new holiday and a changed SLA target change the deadlines of new reports", async () => {
    const admin = await app.admin();
    const base = (await app.get("/api/v1/categories")).json().items.find((c: { code: string }) => c.code === "sampah");
    const { name: _name, ...category } = base;
    expect((await put("/api/v1/categories/sampah", { ...category, slaResolutionDays: 2 }, admin)).statusCode).toBe(200);
    // 2026 is not in the shipped calendar: the administrator adds a year's days.
    expect((await put("/api/v1/holidays/2025-12-23", { date: "2025-12-23", name: "Libur contoh", jointLeave: true }, admin)).statusCode).toBe(200);
    const res = await app.post("/api/v1/public/reports", { description: "Sampah", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon, category: "sampah" });
    const { ticket } = res.json() as { ticket: string };
    const view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json();
    // Mon 22 09:00 + 2 working days, skipping Tue 23 (added), Thu 25 and Fri 26 (shipped): Mon 29 09:00 WIB.
    expect(view.sla.resolutionDueAt).toBe("2025-12-29T02:00:00.000Z");
    const del = await app.server.inject({ method: "DELETE", url: "/api/v1/holidays/2025-12-23", headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf } });
    expect(del.statusCode).toBe(204);
  });

  it("only administrators change configuration; scope-checked officers and validation of the unit tree", async () => {
    const admin = await app.admin();
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    const unit = { id: "upt-parkir", kind: "agency", name: "UP Perparkiran", parentId: "dinas-perhubungan" };
    expect((await put("/api/v1/units/upt-parkir", unit, lurah)).statusCode).toBe(403);
    expect((await put("/api/v1/units/upt-parkir", { ...unit, parentId: "nope" }, admin)).statusCode).toBe(400);
    expect((await put("/api/v1/units/upt-parkir", unit, admin)).statusCode).toBe(200);
    expect((await put("/api/v1/units/prov-31", { id: "prov-31", kind: "province", name: "x", parentId: "upt-parkir" }, admin)).json().error.code).toBe("VALIDATION_FAILED");
    const units = (await app.get("/api/v1/units?kind=agency")).json() as { items: Array<{ id: string }> };
    expect(units.items.map((u) => u.id)).toContain("upt-parkir");

    const created = await app.post("/api/v1/users", { email: "lurah.gambir@jakarta.go.id", name: "Lurah Gambir", password: "rahasia-sekali-123", role: "kelurahan_officer", unitId: "kel-31.71.01.1001" }, admin);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).not.toHaveProperty("passwordHash");
    const wrongUnit = await app.post("/api/v1/users", { email: "x@jakarta.go.id", name: "X", password: "rahasia-sekali-123", role: "kelurahan_officer", unitId: "dinas-bina-marga" }, admin);
    expect(wrongUnit.statusCode).toBe(400);
    expect((await app.post("/api/v1/users", { email: "y@jakarta.go.id", name: "Y", password: "rahasia-sekali-123", role: "executive", unitId: null }, lurah)).statusCode).toBe(403);
    const login = await app.post("/api/v1/auth/login", { email: "LURAH.GAMBIR@jakarta.go.id", password: "rahasia-sekali-123" });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.role).toBe("kelurahan_officer");
    const officers = (await app.get("/api/v1/units/kel-31.71.01.1001/officers", lurah)).json() as { items: Array<{ name: string }> };
    expect(officers.items.map((o) => o.name)).toContain("Lurah Gambir");
    expect((await app.get("/api/v1/units/kel-31.73.03.1008/officers", lurah)).statusCode).toBe(403);
  });

  it("sessions: CSRF on writes, logout ends the session", async () => {
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    const noCsrf = await app.server.inject({ method: "POST", url: "/api/v1/reports/JKT-251222-0001/transitions", payload: { action: "take_up" }, headers: { cookie: lurah.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe("CSRF_FAILED");
    expect((await app.get("/api/v1/me", lurah)).statusCode).toBe(200);
    expect((await app.post("/api/v1/auth/logout", {}, lurah)).statusCode).toBe(200);
    expect((await app.get("/api/v1/me", lurah)).statusCode).toBe(401);
  });
});
