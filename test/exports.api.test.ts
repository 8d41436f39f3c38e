import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptRawPayload, processInbound } from "../src/app/inbound.ts";
import { laporItem } from "../src/channels/lapor/fake-lapor.ts";
import { LaporConnector } from "../src/channels/lapor/lapor.connector.ts";
import { jakartaDate } from "../src/domain/stats.ts";
import { periodBounds } from "../src/domain/summary.ts";
import { PLACES, startTestApp, uploadPhoto, type Officer, type TestApp } from "./harness.ts";

const REPORTER = { name: "Sulistyowati Hardjodiningrat", email: "sulis.hardjo@contoh.id", phone: "081355577799" };
const TRICKY = 'Jalan rusak, "parah" sekali\nbaris kedua; dekat halte';
const FORMULA = '=HYPERLINK("http://evil.example","klik") trotoar rusak';
const GAMBIR = "kel-31.71.01.1001";

let app: TestApp;
let admin: Officer;
let lurah: Officer;
let validator: Officer;
const t = {} as Record<"tricky" | "formula" | "kotaTua" | "done" | "reopened" | "coordinated" | "invalid" | "laporSecret" | "laporOpen", string>;

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>) {
  const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, officer);
  expect(res.statusCode, res.body).toBe(200);
}

async function toDone(ticket: string) {
  await act(lurah, ticket, { action: "take_up" });
  const photo = await uploadPhoto(app, lurah);
  await act(lurah, ticket, { action: "submit_follow_up", note: "Sudah diperbaiki", publicComment: "Sudah diperbaiki", photos: [photo] });
  await act(validator, ticket, { action: "validate", publicComment: "Selesai" });
}

/** RFC 4180: records of fields, quotes doubled inside quoted fields, CRLF (or LF) between records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (c !== "\r") field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvRecords(body: string): Array<Record<string, string>> {
  expect(body.startsWith("\uFEFF")).toBe(true);
  const [header, ...rows] = parseCsv(body.slice(1));
  for (const r of rows) expect(r.length).toBe(header!.length);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

async function listTickets(qs: string, officer: Officer): Promise<string[]> {
  const res = await app.get(`/api/v1/reports?limit=200${qs ? "&" + qs : ""}`, officer);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Array<{ ticket: string }> }).items.map((i) => i.ticket);
}

async function csvOf(qs: string, officer: Officer) {
  const res = await app.get(`/api/v1/reports.csv${qs ? "?" + qs : ""}`, officer);
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

/** The text a PDF draws: every content stream inflated, every hex or literal string in its text operators joined. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  let out = "";
  const streams = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streams.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf("endstream", start);
    const bytes = pdf.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(bytes).toString("latin1");
    } catch {
      content = bytes.toString("latin1");
    }
    for (const s of content.matchAll(/<([0-9a-fA-F]+)>|\(((?:\\.|[^\\)])*)\)/g)) {
      out += s[1] ? Buffer.from(s[1], "hex").toString("latin1") : s[2];
    }
    out += "\n";
  }
  return out;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.admin();
  lurah = await app.officer("kelurahan_officer", GAMBIR);
  validator = await app.officer("validator", GAMBIR);
  t.tricky = await submit({ description: TRICKY, category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: REPORTER });
  t.formula = await submit({ description: FORMULA, category: "fasilitas_kelurahan", lat: PLACES.monas.lat + 0.0004, lon: PLACES.monas.lon, contact: REPORTER });
  t.kotaTua = await submit({ description: "Sampah menumpuk di pinggir kali dekat museum", category: "sampah", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, contact: REPORTER });
  t.done = await submit({ description: "Bangku taman kelurahan patah", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: REPORTER });
  t.reopened = await submit({ description: "Pagar balai warga roboh", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  t.coordinated = await submit({ description: "Jalan berlubang di depan kantor kelurahan", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  t.invalid = await submit({ description: "Jalan rusak parah di depan pasar dekat Monas", category: "jalan_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  await toDone(t.done);
  await toDone(t.reopened);
  const dispute = await app.post(`/api/v1/public/reports/${t.reopened}/disputes`, { reason: "Pagarnya roboh lagi", contact: { email: "tetangga.pagar@example.com" } });
  expect(dispute.statusCode, dispute.body).toBe(201);
  await act(lurah, t.coordinated, { action: "take_up" });
  await act(lurah, t.coordinated, { action: "coordinate", unit: "dinas-bina-marga", reason: "Jalan provinsi", publicComment: "Dikoordinasikan ke Dinas Bina Marga" });
  await act(admin, t.invalid, { action: "close", closeReason: "invalid", publicComment: "Bukan laporan" });
  // LAPOR!: one report whose reporter asked to keep it from the public, one not.
  const ctx = app.running.ctx;
  const secret = laporItem(61, { isi: "Jalan rusak di Gambir, mohon dirahasiakan", pelapor: { id: "u-61", nama: "Rahasia Wibisono", anonim: false, rahasia: true } });
  await acceptRawPayload(ctx, "lapor", Buffer.from(JSON.stringify(secret)), "application/json");
  await acceptRawPayload(ctx, "lapor", Buffer.from(JSON.stringify(laporItem(62, { isi: "Jalan rusak di Gambir, boleh publik" }))), "application/json");
  while ((await processInbound(ctx, new Map([["lapor", new LaporConnector()]]), 10)) > 0);
  const { rows } = await ctx.pool.query<{ ticket: string; confidential: boolean }>("select ticket, confidential from reports where channel = 'lapor' order by channel_ref");
  expect(rows.map((r) => r.confidential)).toEqual([true, false]);
  t.laporSecret = rows[0]!.ticket;
  t.laporOpen = rows[1]!.ticket;
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe("CSV export of the inbox", () => {
  it("gives the same tickets as the list for a filter, in the caller's scope only", async () => {
    for (const qs of ["", "colour=red", "category=fasilitas_kelurahan&state=waiting,coordination", "reopened=true", "q=rusak"]) {
      const listed = await listTickets(qs, lurah);
      const exported = csvRecords((await csvOf(qs, lurah)).body).map((r) => r.ticket);
      expect(exported, qs).toEqual(listed);
    }
    const mine = csvRecords((await csvOf("", lurah)).body).map((r) => r.ticket);
    expect(mine).toEqual(expect.arrayContaining([t.tricky, t.formula, t.done, t.reopened, t.coordinated]));
    expect(mine).not.toContain(t.kotaTua);
    // Another kelurahan's officer gets none of Gambir's reports.
    const other = await app.officer("kelurahan_officer", "kel-31.73.03.1008");
    const theirs = csvRecords((await csvOf("", other)).body).map((r) => r.ticket);
    expect(theirs).toContain(t.kotaTua);
    for (const ticket of [t.tricky, t.formula, t.done, t.reopened, t.coordinated]) expect(theirs).not.toContain(ticket);
    expect(csvRecords((await csvOf("kelurahan=31.71.01.1001", other)).body)).toEqual([]);
    // Not logged in: 401.
    expect((await app.get("/api/v1/reports.csv")).statusCode).toBe(401);
    expect((await app.get("/api/v1/reports.csv?colour=purple", lurah)).statusCode).toBe(400);
  });

  it("quotes commas, quotes and newlines, guards formulas, names the file and carries no identity", async () => {
    const res = await csvOf("", admin);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename=laporan-${jakartaDate(new Date())}.csv`);
    const records = csvRecords(res.body);
    expect(Object.keys(records[0]!)).toEqual(["ticket", "created_at", "state", "label", "colour", "kind", "category", "kelurahan_code", "kelurahan", "holding_unit",
      "channel", "overdue", "reopen_count", "support_count", "resolution_due_at", "done_at", "closed_at", "close_reason", "lat", "lon", "description"]);
    const byTicket = new Map(records.map((r) => [r.ticket, r]));
    expect(byTicket.get(t.tricky)!.description).toBe(TRICKY);
    expect(res.body).toContain('"Jalan rusak, ""parah"" sekali\nbaris kedua; dekat halte"');
    expect(byTicket.get(t.formula)!.description).toBe("'" + FORMULA);
    // Our own numbers stay numbers: a southern latitude is not "guarded".
    expect(byTicket.get(t.tricky)!.lat).toBe(String(PLACES.monas.lat));
    expect(byTicket.get(t.reopened)).toMatchObject({ state: "waiting", colour: "red", reopen_count: "1", kelurahan_code: "31.71.01.1001" });
    expect(byTicket.get(t.invalid)).toMatchObject({ state: "closed", close_reason: "invalid" });
    expect(byTicket.get(t.done)!.done_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // The triage desk sees everything, the confidential LAPOR! report included; still no identity.
    expect(byTicket.has(t.laporSecret)).toBe(true);
    for (const secret of [REPORTER.name, REPORTER.email, REPORTER.phone, "81355577799", "Rahasia Wibisono", "tetangga.pagar@example.com"]) expect(res.body).not.toContain(secret);
  });
});

describe("open data", () => {
  it("limits open-data downloads per client address and hour (OPEN_DATA_DOWNLOADS_PER_HOUR)", async () => {
    const ctx = app.running.ctx;
    const limit = ctx.rateLimits.openDataDownloadsPerHour;
    ctx.rateLimits.openDataDownloadsPerHour = 2;
    const saved = app.clock.now;
    app.clock.now = new Date("2027-01-04T03:00:00Z");
    const from = (ip: string, file: string) => app.server.inject({ method: "GET", url: `/api/v1/open-data/${file}`, remoteAddress: ip });
    try {
      expect((await from("203.0.113.7", "reports.csv")).statusCode).toBe(200);
      expect((await from("203.0.113.7", "reports.geojson")).statusCode).toBe(200);
      // a bad filter is refused before it counts
      expect((await from("203.0.113.7", "reports.csv?category=bogus")).statusCode).toBe(400);
      const refused = await from("203.0.113.7", "reports.csv");
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
      // X-Forwarded-For is believed from a loopback proxy only (TRUST_PROXY), so a client cannot name a fresh address
      const spoofed = await app.server.inject({ method: "GET", url: "/api/v1/open-data/reports.csv", remoteAddress: "203.0.113.7", headers: { "x-forwarded-for": "192.0.2.55" } });
      expect(spoofed.statusCode).toBe(429);
      const proxied = await app.server.inject({ method: "GET", url: "/api/v1/open-data/reports.csv", remoteAddress: "127.0.0.1", headers: { "x-forwarded-for": "192.0.2.55" } });
      expect(proxied.statusCode).toBe(200);
      expect((await from("198.51.100.20", "reports.csv")).statusCode).toBe(200);
      app.clock.now = new Date("2027-01-04T04:00:00Z");
      expect((await from("203.0.113.7", "reports.csv")).statusCode).toBe(200);
    } finally {
      ctx.rateLimits.openDataDownloadsPerHour = limit;
      app.clock.now = saved;
    }
  });

  it("lists only publicly listed reports, rounded, without text or identity, as CSV and GeoJSON", async () => {
    const res = await app.get("/api/v1/open-data/reports.csv?from=2020-01-01");
    expect(res.statusCode, res.body).toBe(200);
    const records = csvRecords(res.body);
    const tickets = records.map((r) => r.ticket);
    expect(tickets).toEqual(expect.arrayContaining([t.tricky, t.formula, t.kotaTua, t.done, t.reopened, t.coordinated, t.laporOpen]));
    expect(tickets).not.toContain(t.laporSecret);
    expect(tickets).not.toContain(t.invalid);
    for (const r of records) {
      for (const v of [r.lat!, r.lon!]) if (v !== "") expect(v).toMatch(/^-?\d+(\.\d{1,3})?$/);
      expect(r).not.toHaveProperty("description");
    }
    const tricky = records.find((r) => r.ticket === t.tricky)!;
    expect(tricky).toMatchObject({ lat: String(Math.round(PLACES.monas.lat * 1000) / 1000), lon: String(Math.round(PLACES.monas.lon * 1000) / 1000), kelurahan_code: "31.71.01.1001", kecamatan_code: "31.71.01", kota_code: "31.71", colour: "red" });
    expect(tricky.kelurahan).toMatch(/gambir/i);
    for (const secret of [REPORTER.name, REPORTER.email, REPORTER.phone, "Rahasia Wibisono", "parah", "HYPERLINK", "Sampah menumpuk"]) expect(res.body).not.toContain(secret);

    const geo = await app.get("/api/v1/open-data/reports.geojson?from=2020-01-01");
    expect(geo.statusCode).toBe(200);
    expect(geo.headers["content-type"]).toMatch(/^application\/geo\+json/);
    const fc = JSON.parse(geo.body) as { type: string; features: Array<{ type: string; geometry: { type: string; coordinates: number[] } | null; properties: Record<string, unknown> }> };
    expect(fc.type).toBe("FeatureCollection");
    expect(fc.features.map((f) => f.properties.ticket)).toEqual(tickets);
    for (const f of fc.features) {
      expect(f.type).toBe("Feature");
      if (f.geometry) {
        expect(f.geometry.type).toBe("Point");
        const [lon, lat] = f.geometry.coordinates as [number, number];
        expect(lon).toBeGreaterThan(106);
        expect(lat).toBeLessThan(-5);
        expect(Math.round(lat * 1000) / 1000).toBe(lat);
      }
      expect(f.properties).not.toHaveProperty("description");
    }
    expect(geo.body).not.toContain(REPORTER.email);

    // Filters, defaults and bad input.
    const kotaTua = csvRecords((await app.get("/api/v1/open-data/reports.csv?from=2020-01-01&kelurahan=31.73")).body).map((r) => r.ticket);
    expect(kotaTua).toEqual([t.kotaTua]);
    const recent = csvRecords((await app.get("/api/v1/open-data/reports.csv")).body).map((r) => r.ticket);
    expect(recent).toContain(t.tricky);
    expect(csvRecords((await app.get("/api/v1/open-data/reports.csv?to=2020-01-01")).body)).toEqual([]);
    expect((await app.get("/api/v1/open-data/reports.csv?from=2026-02-30")).statusCode).toBe(400);
    expect((await app.get("/api/v1/open-data/reports.csv?from=2025-02-01&to=2025-01-01")).statusCode).toBe(400);
    expect((await app.get("/api/v1/open-data/reports.geojson?category=bogus")).statusCode).toBe(400);

    const catalogue = (await app.get("/api/v1/open-data")).json() as { licence: { id: string }; fields: Array<{ name: string; description: { id: string; en: string } }>; distributions: Array<{ url: string }> };
    expect(catalogue.licence.id).toBe("CC-BY-4.0");
    const docs = await app.get("/docs/json");
    expect(docs.statusCode).toBe(200);
    expect(Object.keys((docs.json() as { paths: Record<string, unknown> }).paths)).toEqual(expect.arrayContaining(["/api/v1/reports.csv", "/api/v1/open-data/reports.geojson", "/api/v1/summary.pdf"]));
    expect(catalogue.fields.map((f) => f.name)).toEqual(Object.keys(records[0]!));
    expect(catalogue.distributions.map((d) => d.url.replace(/^https?:\/\/[^/]+/, ""))).toEqual(["/api/v1/open-data/reports.csv", "/api/v1/open-data/reports.geojson"]);
  });
});

describe("executive summary", () => {
  interface Summary {
    firstDay: string;
    lastDay: string;
    start: string;
    end: string;
    created: number;
    done: number;
    closed: number;
    openAtEnd: { red: number; yellow: number; total: number };
    redBreakdown: Record<string, number>;
    sla: { onTime: number; late: number; noDeadline: number; complianceRate: number | null };
    oldestOpen: Array<{ ticket: string; redReason: string | null }>;
    topCategories: Array<{ code: string | null; count: number }>;
    channels: Array<{ channel: string; count: number }>;
    overdueUnits: unknown[];
  }

  it("counts a known week from reports and events", async () => {
    const today = jakartaDate(new Date());
    const executive = await app.officer("executive", null);
    const res = await app.get(`/api/v1/summary?period=week&date=${today}`, executive);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as Summary;
    // Monday to Sunday in Jakarta time.
    expect(new Date(`${s.firstDay}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(s.start).toBe(new Date(`${s.firstDay}T00:00:00+07:00`).toISOString());
    expect(Date.parse(s.end) - Date.parse(s.start)).toBe(7 * 86_400_000);
    expect(s.firstDay <= today && today <= s.lastDay).toBe(true);

    // Everything the test made: 7 portal reports and 2 from LAPOR!, all this week.
    const { rows } = await app.running.ctx.pool.query<{ ticket: string; created_at: Date }>("select ticket, created_at from reports");
    const inWeek = rows.filter((r) => r.created_at >= new Date(s.start) && r.created_at < new Date(s.end));
    expect(inWeek.length).toBe(9);
    expect(s.created).toBe(inWeek.length);
    expect(s.done).toBe(2); // t.done, and t.reopened before its dispute
    expect(s.closed).toBe(1); // t.invalid
    expect(s.openAtEnd.total).toBe(rows.length - 2);
    expect(s.openAtEnd.red + s.openAtEnd.yellow).toBe(s.openAtEnd.total);
    expect(s.redBreakdown.reopened).toBe(1);
    expect(s.redBreakdown.coordination).toBe(1);
    expect(Object.values(s.redBreakdown).reduce((a, b) => a + b, 0)).toBe(s.openAtEnd.red);
    expect(s.sla.late).toBe(0);
    expect(s.sla.onTime + s.sla.noDeadline).toBe(2);
    expect(s.topCategories[0]).toEqual({ code: "fasilitas_kelurahan", name: expect.any(String), count: 5 });
    expect(s.channels.find((c) => c.channel === "portal")?.count).toBe(7);
    // Oldest open first: the reports still open, in the order they came in, with why they are red.
    expect(s.oldestOpen.map((o) => [o.ticket, o.redReason])).toEqual([
      [t.tricky, "waiting"], [t.formula, "waiting"], [t.kotaTua, expect.any(String)], [t.reopened, "reopened"], [t.coordinated, "coordination"],
    ]);

    // The week before: nothing received, nothing open at its end.
    const before = (await app.get(`/api/v1/summary?period=week&date=${new Date(Date.parse(s.firstDay) - 86_400_000).toISOString().slice(0, 10)}`, executive)).json() as Summary;
    expect(before).toMatchObject({ created: 0, done: 0, closed: 0 });
    expect(before.openAtEnd.total).toBe(0);
    expect(before.oldestOpen).toEqual([]);
    expect(before.redBreakdown.reopened).toBe(0);

    // The month holds the week's figures (or more).
    const month = (await app.get(`/api/v1/summary?period=month&date=${today}`, executive)).json() as Summary;
    expect(month.firstDay).toBe(`${today.slice(0, 7)}-01`);
    expect(month.done).toBeGreaterThanOrEqual(2);
  });

  it("is scoped for supervisors, forbidden to kelurahan officers, and prints as a PDF", async () => {
    const today = jakartaDate(new Date());
    expect((await app.get(`/api/v1/summary?period=week&date=${today}`, lurah)).statusCode).toBe(403);
    expect((await app.get(`/api/v1/summary.pdf?period=week&date=${today}`, lurah)).statusCode).toBe(403);
    expect((await app.get(`/api/v1/summary?period=year`, admin)).statusCode).toBe(400);
    expect((await app.get(`/api/v1/summary?period=week&date=2026-13-01`, admin)).statusCode).toBe(400);
    const camat = await app.officer("supervisor", "kec-31.73.03");
    const scoped = (await app.get(`/api/v1/summary?period=week&date=${today}`, camat)).json() as Summary;
    expect(scoped.created).toBe(1);
    expect(scoped.oldestOpen.map((o) => o.ticket)).toEqual([t.kotaTua]);

    const summary = (await app.get(`/api/v1/summary?period=week&date=${today}`, admin)).json() as Summary;
    const oldest = summary.oldestOpen[0]!.ticket;
    for (const lang of ["id", "en"]) {
      const res = await app.get(`/api/v1/summary.pdf?period=week&date=${today}&lang=${lang}`, admin);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("application/pdf");
      const pdf = res.rawPayload;
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = pdfText(pdf);
      expect(text).toContain(oldest);
      expect(text).toContain(lang === "id" ? "Ringkasan Eksekutif" : "Executive Summary");
      expect(text).toContain(summary.firstDay);
    }
  });
});

describe("after the summary (these add reports)", () => {
  it("masks contact details typed into the text in a kelurahan officer's file", async () => {
    // Contact details typed into the text are masked in a kelurahan officer's file.
    const phoned = await submit({ description: "Saluran mampet, telepon saya 081277788899 atau tulis ke warga.gambir@contoh.id", category: "fasilitas_kelurahan", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
    const lurahCsv = (await csvOf("", lurah)).body;
    const row = csvRecords(lurahCsv).find((r) => r.ticket === phoned)!;
    expect(row.description).toContain("[disembunyikan]");
    expect(lurahCsv).not.toContain("081277788899");
    expect(lurahCsv).not.toContain("warga.gambir@contoh.id");
    // The triage desk, which sees identities in full, gets the text as written.
    expect((await csvOf("", admin)).body).toContain("081277788899");
  });
});

describe("streaming past one batch", () => {
  it("exports every row of a list longer than a batch exactly once, ties on the creation time included", async () => {
    // 2,345 reports (more than two batches of 1,000) created within a few microseconds of each other: the keyset
    // must order by (created_at, id) to the microsecond or rows would be skipped or repeated at batch edges.
    await app.running.ctx.pool.query(
      `insert into reports (id, ticket, kind, description, channel, state, close_reason, holding_unit_id, involved_unit_ids, created_at)
       select gen_random_uuid(), 'BULK-' || lpad(i::text, 5, '0'), 'pengaduan', 'bulk row ' || i, 'portal', 'closed', 'invalid',
         'jsc-triage', array['jsc-triage'], timestamptz '2025-01-15 03:00:00.123456+00' + (i % 7) * interval '1 microsecond'
       from generate_series(1, 2345) i`,
    );
    const res = await csvOf("q=BULK-", admin);
    const tickets = csvRecords(res.body).map((r) => r.ticket);
    expect(tickets.length).toBe(2345);
    expect(new Set(tickets).size).toBe(2345);
    // The same order as the list's pages (newest first).
    expect(tickets.slice(0, 200)).toEqual(await listTickets("q=BULK-", admin));
  }, 60_000);
});

describe("period boundaries (Asia/Jakarta)", () => {
  it("runs a week Monday to Sunday and a month from its first day, at Jakarta midnight", () => {
    // Sunday 2026-11-29 belongs to the week of Monday 2026-11-23.
    expect(periodBounds("week", "2026-11-29")).toMatchObject({ firstDay: "2026-11-23", lastDay: "2026-11-29", start: new Date("2026-11-22T17:00:00Z"), end: new Date("2026-11-29T17:00:00Z") });
    expect(periodBounds("week", "2026-11-30").firstDay).toBe("2026-11-30");
    expect(periodBounds("month", "2026-12-31")).toMatchObject({ firstDay: "2026-12-01", lastDay: "2026-12-31", start: new Date("2026-11-30T17:00:00Z"), end: new Date("2026-12-31T17:00:00Z") });
    expect(periodBounds("month", "2028-02-10").lastDay).toBe("2028-02-29");
    // 23:30 on Sunday in Jakarta is still Sunday there (16:30 UTC).
    expect(jakartaDate(new Date("2026-11-29T16:30:00Z"))).toBe("2026-11-29");
    expect(jakartaDate(new Date("2026-11-29T17:00:00Z"))).toBe("2026-11-30");
  });
});
