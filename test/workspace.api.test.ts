import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../src/app/deliver-outbox.ts";
import type { OutboundSender } from "../src/app/outbound.ts";
import { loadConfig } from "../src/config.ts";
import { PLACES, RecordingSender, startTestApp, type Officer, type TestApp } from "./harness.ts";

/**
 * The officer workspace's backend: saved views, replies to the citizen on their channel, the
 * cross-channel timeline with outbound messages, /me with the read scope, the map's tile settings.
 */

const GAMBIR = "kel-31.71.01.1001";
const KOTA_TUA = "kel-31.73.03.1008";


let app: TestApp;
let admin: Officer;
let lurah: Officer;
let lurahKotaTua: Officer;
let ppsuKotaTua: Officer;
let validator: Officer;

function del(url: string, officer?: Officer) {
  return app.server.inject({ method: "DELETE", url, headers: officer ? { cookie: officer.cookie, "x-csrf-token": officer.csrf } : {} });
}

async function publicReport(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", { lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan", ...body });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
  lurah = await app.officer("kelurahan_officer", GAMBIR, "Lurah Gambir");
  lurahKotaTua = await app.officer("kelurahan_officer", KOTA_TUA);
  ppsuKotaTua = await app.officer("ppsu_crew", KOTA_TUA);
  validator = await app.officer("validator", "kec-31.71.01");
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe("saved views", () => {
  interface View { id: string; name: string; filters: Record<string, string>; createdAt: string }

  it("creates, lists, uses and deletes the caller's own views", async () => {
    const created = await app.post("/api/v1/views", { name: "Dibuka kembali di Gambir", filters: { state: ["waiting", "in_progress"], reopened: true, kelurahan: "31.71.01.1001", assignee: "me", q: "toilet" } }, lurah);
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json() as View;
    expect(view.name).toBe("Dibuka kembali di Gambir");
    expect(view.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(view.createdAt)).not.toBeNaN();
    // Kept as the inbox's query values: a client puts them straight into GET /api/v1/reports.
    expect(view.filters).toEqual({ state: "waiting,in_progress", reopened: "true", kelurahan: "31.71.01.1001", assignee: "me", q: "toilet" });
    const inbox = await app.get(`/api/v1/reports?${new URLSearchParams(view.filters).toString()}`, lurah);
    expect(inbox.statusCode, inbox.body).toBe(200);

    const second = await app.post("/api/v1/views", { name: "Semua", filters: {} }, lurah);
    expect(second.statusCode).toBe(201);
    const list = (await app.get("/api/v1/views", lurah)).json() as { items: View[] };
    expect(list.items.map((v) => v.name)).toEqual(["Dibuka kembali di Gambir", "Semua"]);
    expect(list.items[0]).toEqual(view);

    // Another officer neither sees nor deletes them.
    expect(((await app.get("/api/v1/views", lurahKotaTua)).json() as { items: View[] }).items).toEqual([]);
    const foreign = await del(`/api/v1/views/${view.id}`, lurahKotaTua);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: { code: "NOT_FOUND" } });

    expect((await del(`/api/v1/views/${view.id}`, lurah)).statusCode).toBe(204);
    expect((await del(`/api/v1/views/${view.id}`, lurah)).statusCode).toBe(404);
    expect(((await app.get("/api/v1/views", lurah)).json() as { items: View[] }).items.map((v) => v.name)).toEqual(["Semua"]);
    expect((await app.get("/api/v1/views")).statusCode).toBe(401);
  });

  it("validates the name and the filters with the inbox's rules", async () => {
    const bad: unknown[] = [
      { name: "", filters: {} },
      { name: "x".repeat(81), filters: {} },
      { filters: {} },
      { name: "a", filters: { state: "waiting,nonsense" } },
      { name: "a", filters: { colour: "purple" } },
      { name: "a", filters: { overdue: "maybe" } },
      { name: "a", filters: { reopened: "ya" } },
      { name: "a", filters: { assignee: "somebody" } },
      { name: "a", filters: { kelurahan: "31.7" } },
      { name: "a", filters: { cursor: "abc" } },
      { name: "a", filters: { unknown: "x" } },
      { name: "a", filters: { q: "x".repeat(201) } },
      { name: "a", filters: {}, extra: 1 },
    ];
    for (const body of bad) {
      const res = await app.post("/api/v1/views", body, lurah);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    expect((await app.post("/api/v1/views", { name: "x".repeat(80), filters: { colour: "red", overdue: false } }, lurah)).statusCode).toBe(201);
  });

  it("keeps at most 50 views per officer", async () => {
    const officer = await app.officer("agency_officer", "dinas-bina-marga@31.71");
    for (let i = 0; i < 50; i++) expect((await app.post("/api/v1/views", { name: `v${i}`, filters: { overdue: "true" } }, officer)).statusCode).toBe(201);
    const over = await app.post("/api/v1/views", { name: "v50", filters: {} }, officer);
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ error: { code: "CONFLICT" } });
    // The limit is per officer.
    expect((await app.post("/api/v1/views", { name: "mine", filters: {} }, validator)).statusCode).toBe(201);
  }, 60_000);
});

describe("replies to the citizen", () => {
  let email: RecordingSender;
  let sms: RecordingSender;
  let portalTicket: string;
  let walkInTicket: string;
  let anonymousTicket: string;

  beforeAll(async () => {
    email = new RecordingSender();
    sms = new RecordingSender();
    portalTicket = await publicReport({ description: "Toilet umum kelurahan rusak parah", contact: { email: "warga.gambir@example.com", name: "Siti Aminah" } });
    anonymousTicket = await publicReport({ description: "Pagar balai warga roboh" });
    const walkIn = await app.post("/api/v1/reports", {
      channel: "walk_in",
      report: { description: "Lampu balai warga mati", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan" },
      contact: { phone: "081234567890", name: "Budi" },
    }, lurah);
    expect(walkIn.statusCode, walkIn.body).toBe(201);
    walkInTicket = (walkIn.json() as { ticket: string }).ticket;
    // The "received" confirmations leave first; the tests below look at the replies only.
    await drainOutbox(app.running.ctx, new Map([["email", email], ["sms", sms]]));
    email.sent = [];
    sms.sent = [];
  }, 60_000);

  const senders = () => new Map<string, OutboundSender>([["email", email], ["sms", sms]]);

  it("lists the deployment's reply templates filled in for the report, in the request's language", async () => {
    const res = await app.get(`/api/v1/reports/${portalTicket}/reply-templates`, lurah);
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: Array<{ id: string; title: string; text: string }> }).items;
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.length).toBeLessThanOrEqual(6);
    const first = items.find((i) => i.id === "in_progress")!;
    expect(first.title).toBe("Sedang ditindaklanjuti");
    expect(first.text).toMatch(new RegExp(`^Terima kasih, laporan ${portalTicket} sedang kami tindak lanjuti oleh Kelurahan Gambir`));
    expect(items.map((i) => i.id)).toEqual(expect.arrayContaining(["need_photo_location", "outside_jurisdiction"]));
    for (const i of items) expect(i.text).not.toMatch(/\{\w+\}/);
    const en = (await app.get(`/api/v1/reports/${portalTicket}/reply-templates?lang=en`, lurah)).json() as { items: Array<{ id: string; title: string; text: string }> };
    expect(en.items.find((i) => i.id === "in_progress")!.text).toMatch(new RegExp(`^Thank you, report ${portalTicket} is being handled by`));
    expect((await app.get(`/api/v1/reports/${portalTicket}/reply-templates`, lurahKotaTua)).statusCode).toBe(403);
    expect((await app.get("/api/v1/reports/JKT-000000-0000/reply-templates", lurah)).statusCode).toBe(404);
  });

  it("is for officers of the holding unit and the triage desk only", async () => {
    const body = { text: "Mohon kirim foto yang lebih jelas." };
    for (const officer of [ppsuKotaTua, validator, lurahKotaTua]) {
      const res = await app.post(`/api/v1/reports/${portalTicket}/replies`, body, officer);
      expect(res.statusCode, `${officer.role}: ${res.body}`).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    }
    const exec = await app.officer("executive", null);
    expect((await app.post(`/api/v1/reports/${portalTicket}/replies`, body, exec)).statusCode).toBe(403);
    // Nothing was queued by the refused attempts.
    const { rows } = await app.running.ctx.pool.query("select 1 from outbox where template = 'officer_reply'");
    expect(rows).toEqual([]);
    // Bad input and a report nobody can be told about.
    expect((await app.post(`/api/v1/reports/${portalTicket}/replies`, { text: "" }, lurah)).statusCode).toBe(400);
    expect((await app.post(`/api/v1/reports/${portalTicket}/replies`, { text: "x".repeat(1001) }, lurah)).statusCode).toBe(400);
    expect((await app.post(`/api/v1/reports/${portalTicket}/replies`, { text: "ok", templateId: "nope" }, lurah)).statusCode).toBe(400);
    expect((await app.post(`/api/v1/reports/${portalTicket}/replies`, { text: "ok" })).statusCode).toBe(401);
    const none = await app.post(`/api/v1/reports/${anonymousTicket}/replies`, { text: "Terima kasih" }, lurah);
    expect(none.statusCode).toBe(409);
    expect(none.json()).toMatchObject({ error: { code: "NO_CHANNEL" } });
  });

  it("leaves on the citizen's channel with the officer's text, and joins the timeline", async () => {
    const text = `Terima kasih, laporan ${portalTicket} sedang kami tindak lanjuti oleh Kelurahan Gambir.`;
    const res = await app.post(`/api/v1/reports/${portalTicket}/replies`, { text, templateId: "in_progress" }, lurah);
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as { id: number }).id).toEqual(expect.any(Number));

    // Before delivery: the event and a pending outbound message on the officer's timeline.
    type Entry = { id: number | string; type: string; at: string; note?: string | null; status?: string; text?: string | null; channel?: string; template?: string; actorUserId?: string };
    const before = (await app.get(`/api/v1/reports/${portalTicket}`, lurah)).json() as { timeline: Entry[] };
    const event = before.timeline.find((e) => e.type === "officer_reply")!;
    expect(event).toMatchObject({ note: text, actorUserId: lurah.id });
    const pending = before.timeline.filter((e) => e.type === "outbound_message" && e.template === "officer_reply");
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: "pending", channel: "portal", text });

    await drainOutbox(app.running.ctx, senders());
    // A portal report with an e-mail contact is answered by e-mail, never by SMS.
    expect(sms.sent).toEqual([]);
    expect(email.sent).toHaveLength(1);
    expect(email.sent[0]).toMatchObject({ template: "officer_reply", text, reportTicket: portalTicket });
    expect(email.sent[0]!.citizen.email).toBe("warga.gambir@example.com");

    // After delivery: the outbound messages (the confirmation and the reply) read as sent, in time order.
    const after = (await app.get(`/api/v1/reports/${portalTicket}`, lurah)).json() as { timeline: Entry[]; citizen: { email: string } };
    const outbound = after.timeline.filter((e) => e.type === "outbound_message");
    expect(outbound.map((e) => [e.template, e.status])).toEqual([["received", "sent"], ["officer_reply", "sent"]]);
    expect(outbound[1]!.text).toBe(text);
    expect(outbound[0]!.text).toContain(portalTicket);
    const times = after.timeline.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A delivered message is one entry (its outbound_message), not also its message_out event.
    expect(after.timeline.map((e) => e.type).filter((t) => t !== "outbound_message")).toEqual(["created", "officer_reply"]);
    // The lurah sees the citizen masked, and the outbound messages do not give the address away.
    expect(after.citizen.email).toBe("w***@example.com");
    expect(JSON.stringify(after.timeline)).not.toContain("warga.gambir@example.com");
    expect(JSON.stringify(after.timeline)).not.toContain("Siti");

    // The reply is private: the public page shows neither the event nor the text.
    const pub = await app.get(`/api/v1/public/reports/${portalTicket}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.body).not.toContain("sedang kami tindak lanjuti");
  });

  it("refuses a reply on a status-only partner (Qlue) before anything is queued, and says so in the templates", async () => {
    const ticket = await publicReport({ description: "Saluran air mampet di gang lima", contact: { email: "warga.qlue@example.com" } });
    const pool = app.running.ctx.pool;
    // as if it came through Qlue (the partner shows status and public comments only)
    await pool.query("update reports set channel = 'qlue' where ticket = $1", [ticket]);
    const templates = (await app.get(`/api/v1/reports/${ticket}/reply-templates`, lurah)).json() as { items: unknown[]; statusOnly: boolean };
    expect(templates.statusOnly).toBe(true);
    expect((await app.get(`/api/v1/reports/${portalTicket}/reply-templates`, lurah)).json()).toMatchObject({ statusOnly: false });
    const count = async () => (await pool.query<{ n: number }>(
      "select (select count(*) from outbox o join reports r on r.id = o.report_id where r.ticket = $1)::int + (select count(*) from report_events e join reports r on r.id = e.report_id where r.ticket = $1 and e.type = 'officer_reply')::int as n",
      [ticket])).rows[0]!.n;
    const before = await count();
    const res = await app.post(`/api/v1/reports/${ticket}/replies`, { text: "Mohon kirim foto lokasi" }, lurah);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: "NO_CHANNEL", message: expect.stringMatching(/status and public comments only/) } });
    expect(await count()).toBe(before);
  });

  it("answers a walk-in report by SMS to the citizen's phone; the triage desk may reply too", async () => {
    const res = await app.post(`/api/v1/reports/${walkInTicket}/replies`, { text: "Petugas PPSU akan datang besok pagi." }, admin);
    expect(res.statusCode, res.body).toBe(201);
    await drainOutbox(app.running.ctx, senders());
    const replies = sms.sent.filter((m) => m.template === "officer_reply");
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(`[${walkInTicket}] Petugas PPSU akan datang besok pagi.`);
    expect(replies[0]!.citizen.phone).toBe("+6281234567890");
    expect(email.sent.filter((m) => m.reportTicket === walkInTicket)).toEqual([]);
  });
});

describe("GET /api/v1/me", () => {
  interface Me { actor: { userId: string; role: string }; user: { id: string; name: string; email: string; role: string; unitId: string | null }; scope: { all: boolean; unitIds: string[]; regionPrefix: string | null; assigneeOnly: boolean } }

  it("names the officer and the area they may read", async () => {
    const me = (await app.get("/api/v1/me", lurah)).json() as Me;
    expect(me.actor).toMatchObject({ userId: lurah.id, role: "kelurahan_officer" });
    expect(me.user).toMatchObject({ id: lurah.id, name: "Lurah Gambir", email: lurah.email, role: "kelurahan_officer", unitId: GAMBIR });
    expect(me.scope).toEqual({ all: false, unitIds: [GAMBIR], regionPrefix: "31.71.01.1001", assigneeOnly: false });

    const camat = (await app.get("/api/v1/me", validator)).json() as Me;
    expect(camat.scope.regionPrefix).toBe("31.71.01");
    expect(camat.scope.unitIds).toEqual(expect.arrayContaining(["kec-31.71.01", GAMBIR]));

    const crew = (await app.get("/api/v1/me", ppsuKotaTua)).json() as Me;
    expect(crew.scope).toEqual({ all: false, unitIds: [], regionPrefix: null, assigneeOnly: true });

    const desk = (await app.get("/api/v1/me", admin)).json() as Me;
    expect(desk.scope).toEqual({ all: true, unitIds: [], regionPrefix: null, assigneeOnly: false });
    expect((await app.get("/api/v1/me")).statusCode).toBe(401);
  });
});

describe("map tiles", () => {
  it("are off by default: no tile URL, the pages admit no other host", async () => {
    const config = (await app.get("/api/v1/config")).json() as { map: { tileUrl: string | null; tileAttribution: string | null; centerLat: number } };
    expect(config.map).toMatchObject({ tileUrl: null, tileAttribution: null, centerLat: -6.2 });
    const page = await app.get("/officer/");
    expect(page.headers["content-security-policy"]).not.toContain("tile");
  });

  it("come from MAP_TILE_URL and MAP_TILE_ATTRIBUTION, and the CSP admits the tile host", async () => {
    const tiles = await startTestApp({ env: { MAP_TILE_URL: "https://{s}.tile.example.org/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION: "© OpenStreetMap contributors" } });
    try {
      const config = (await tiles.get("/api/v1/config")).json() as { map: { tileUrl: string | null; tileAttribution: string | null } };
      expect(config.map.tileUrl).toBe("https://{s}.tile.example.org/{z}/{x}/{y}.png");
      expect(config.map.tileAttribution).toBe("© OpenStreetMap contributors");
      for (const url of ["/officer/", "/"]) {
        const csp = String((await tiles.get(url)).headers["content-security-policy"]);
        expect(csp).toMatch(/img-src [^;]*https:\/\/\*\.tile\.example\.org/);
        expect(csp).toMatch(/connect-src [^;]*https:\/\/\*\.tile\.example\.org/);
      }
    } finally {
      await tiles.close();
    }
  }, 120_000);

  it("refuses a tile URL that is not an http(s) XYZ template", () => {
    expect(() => loadConfig({ MAP_TILE_URL: "javascript:alert(1)/{z}/{x}/{y}" }, [])).toThrow(/MAP_TILE_URL/);
    expect(() => loadConfig({ MAP_TILE_URL: "https://tile.example.org/tiles.png" }, [])).toThrow(/MAP_TILE_URL/);
    expect(loadConfig({ MAP_TILE_URL: "https://tiles.example.org:8443/{z}/{x}/{y}.png" }, []).mapTiles).toEqual({
      url: "https://tiles.example.org:8443/{z}/{x}/{y}.png",
      attribution: null,
      cspSource: "https://tiles.example.org:8443",
    });
  });
});
