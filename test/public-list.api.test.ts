import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptRawPayload, processInbound } from "../src/app/inbound.ts";
import { publicSummary } from "../src/app/public-reports.ts";
import { laporItem } from "../src/channels/lapor/fake-lapor.ts";
import { LaporConnector } from "../src/channels/lapor/lapor.connector.ts";
import { PLACES, startTestApp, type TestApp } from "./harness.ts";

interface Item {
  ticket: string;
  state: string;
  label: string;
  colour: string;
  kind: string;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  summary: string;
  createdAt: string;
  updatedAt: string;
  supportCount: number;
  lat: number | null;
  lon: number | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

const REPORTER = { name: "Sutrisno Wiryawan", email: "sutrisno.w@contoh.id", phone: "081298765432" };
const LAPOR_NAME = "Rahayu Kusumawati";

let app: TestApp;
const t = {} as Record<"monas" | "kotaTua" | "blokM" | "aspirasi" | "invalid" | "abusive" | "laporSecret" | "laporOpen", string>;

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await app.post("/api/v1/public/reports", body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { ticket: string }).ticket;
}

async function list(qs = ""): Promise<Page> {
  const res = await app.get(`/api/v1/public/reports${qs ? `?${qs}` : ""}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
}

beforeAll(async () => {
  app = await startTestApp();
  const ctx = app.running.ctx;
  const admin = await app.admin();
  // A road complaint at Monas with the reporter's contact details in the text, and the reporter's identity.
  t.monas = await submit({
    description: "Jalan berlubang besar di depan halte, hubungi saya di +62 812-3456-7890 atau 081298765432, email sutrisno.w@contoh.id, twitter @sutrisno_w, NIK 3171012345678901",
    category: "jalan_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon, contact: REPORTER,
  });
  t.kotaTua = await submit({ description: "Sampah menumpuk di pinggir kali dekat museum, sudah tiga hari tidak diangkut.", category: "sampah", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon, contact: REPORTER });
  t.blokM = await submit({ description: "Lampu jalan mati di sepanjang trotoar dekat terminal.", category: "lampu_jalan", lat: PLACES.blokM.lat, lon: PLACES.blokM.lon });
  t.aspirasi = await submit({ description: "Usul: tambahkan taman bermain anak di Kota Tua " + "dengan pohon peneduh ".repeat(20), kind: "aspirasi", lat: PLACES.kotaTua.lat, lon: PLACES.kotaTua.lon });
  t.invalid = await submit({ description: "Jalan rusak parah di depan pasar dekat Monas, mohon diperbaiki.", category: "jalan_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
  t.abusive = await submit({ description: "anjing bangsat goblok semua kalian", contact: { phone: "081377788899" } });
  // The invalid one is closed as invalid; Blok M is taken up (yellow).
  for (const [ticket, body] of [[t.invalid, { action: "close", closeReason: "invalid", publicComment: "Bukan laporan" }], [t.blokM, { action: "take_up" }]] as const) {
    const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, admin);
    expect(res.statusCode, res.body).toBe(200);
  }
  // A LAPOR! report whose reporter asked for it to be kept from the public (pelapor.rahasia).
  const item = laporItem(41, { isi: "Jalan rusak di Gambir, mohon ditutup dari publik", pelapor: { id: "u-41", nama: LAPOR_NAME, anonim: false, rahasia: true } });
  await acceptRawPayload(ctx, "lapor", Buffer.from(JSON.stringify(item)), "application/json");
  await acceptRawPayload(ctx, "lapor", Buffer.from(JSON.stringify(laporItem(42, { isi: "Jalan rusak di Gambir, boleh publik" }))), "application/json");
  const connectors = new Map([["lapor", new LaporConnector()]]);
  while ((await processInbound(ctx, connectors, 10)) > 0);
  const { rows } = await ctx.pool.query<{ ticket: string; confidential: boolean; channel_ref: string }>(
    "select ticket, confidential, channel_ref from reports where channel = 'lapor' order by channel_ref");
  expect(rows.map((r) => [r.channel_ref, r.confidential])).toEqual([["5300041", true], ["5300042", false]]);
  t.laporSecret = rows[0]!.ticket;
  t.laporOpen = rows[1]!.ticket;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("the public list of reports", () => {
  it("lists only publicly listed reports, newest first, without any identity", async () => {
    const page = await list("limit=100");
    const tickets = page.items.map((i) => i.ticket);
    expect(tickets).toContain(t.monas);
    expect(tickets).toContain(t.laporOpen);
    // Never: the confidential LAPOR! report, the one closed as invalid, the abusive one held at triage.
    expect(tickets).not.toContain(t.laporSecret);
    expect(tickets).not.toContain(t.invalid);
    const abusive = await app.running.ctx.pool.query<{ state: string; triage: { flags: { kind: string }[] } }>("select state, triage from reports where ticket = $1", [t.abusive]);
    expect(abusive.rows[0]!.state).toBe("triage");
    expect(abusive.rows[0]!.triage.flags.map((f) => f.kind)).toContain("abusive");
    expect(tickets).not.toContain(t.abusive);
    expect(tickets).toHaveLength(5);
    const times = page.items.map((i) => i.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(page.nextCursor).toBeNull();

    // The track page by ticket still shows the confidential report to the ticket holder.
    const track = await app.get(`/api/v1/public/reports/${t.laporSecret}`);
    expect(track.statusCode).toBe(200);
    expect(track.json()).toMatchObject({ ticket: t.laporSecret, colour: expect.any(String) });

    // The track page shows what the citizen wrote, without the contact details in it.
    const own = await app.get(`/api/v1/public/reports/${t.monas}`);
    expect(own.json()).toMatchObject({ description: expect.stringContaining("Jalan berlubang besar di depan halte") });
    const body = JSON.stringify([page, own.json()]);
    for (const secret of [REPORTER.name, REPORTER.email, REPORTER.phone, "812-3456-7890", "3171012345678901", "@sutrisno_w", LAPOR_NAME, "081377788899"])
      expect(body).not.toContain(secret);
  });

  it("shows the item shape: label and category in the request language, redacted summary, rounded point", async () => {
    const { items } = await list("limit=100");
    const monas = items.find((i) => i.ticket === t.monas)!;
    expect(monas).toMatchObject({
      state: "waiting", label: "Menunggu", colour: "red", kind: "pengaduan",
      category: { code: "jalan_rusak", name: expect.any(String) },
      kelurahan: { code: PLACES.monas.kelurahan, name: "Gambir" },
      supportCount: 0, lat: -6.175, lon: 106.827,
    });
    expect(monas.summary).toContain("Jalan berlubang besar di depan halte");
    expect(monas.summary.match(/\[disembunyikan\]/g)).toHaveLength(5);
    const aspirasi = items.find((i) => i.ticket === t.aspirasi)!;
    expect(Array.from(aspirasi.summary).length).toBeLessThanOrEqual(200);
    expect(aspirasi.summary.endsWith("…")).toBe(true);

    const en = await list("lang=en&limit=100");
    const monasEn = en.items.find((i) => i.ticket === t.monas)!;
    expect(monasEn.label).toBe("Waiting");
    const res = await app.server.inject({ method: "GET", url: "/api/v1/public/reports?limit=100", headers: { "accept-language": "en-US,en;q=0.9" } });
    const byHeader = (res.json() as Page).items.find((i) => i.ticket === t.monas)!;
    expect(byHeader.label).toBe("Waiting");
    expect(byHeader.category!.name).not.toBe(monas.category!.name);
  });

  it("filters by colour, category, kelurahan (code or prefix), kind, text and box", async () => {
    const tickets = async (qs: string) => (await list(qs)).items.map((i) => i.ticket).sort();
    expect(await tickets("colour=yellow")).toEqual([t.blokM]);
    expect(await tickets("colour=grey")).toEqual([]);
    expect(await tickets("category=sampah")).toEqual([t.kotaTua]);
    expect(await tickets(`kelurahan=${PLACES.blokM.kelurahan}`)).toEqual([t.blokM]);
    expect(await tickets("kelurahan=31.73")).toEqual([t.aspirasi, t.kotaTua].sort());
    expect(await tickets("kelurahan=31.75")).toEqual([]);
    expect(await tickets("kind=aspirasi")).toEqual([t.aspirasi]);
    expect(await tickets("q=sampah%20menumpuk")).toEqual([t.kotaTua]);
    expect(await tickets(`q=${encodeURIComponent(t.blokM)}`)).toEqual([t.blokM]);
    // A box around Blok M only, then one around the north (Kota Tua).
    expect(await tickets("bbox=106.79,-6.25,106.81,-6.24")).toEqual([t.blokM]);
    expect(await tickets("bbox=106.80,-6.14,106.82,-6.13")).toEqual([t.aspirasi, t.kotaTua].sort());
    // Empty parameters are no filter.
    expect((await list("colour=&category=&q=")).items.length).toBe(5);
  });

  it("pages with a keyset cursor without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.ticket));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual((await list("limit=100")).items.map((i) => i.ticket));
  });

  it("refuses bad parameters with 400 VALIDATION_FAILED", async () => {
    for (const qs of ["colour=purple", "limit=0", "limit=101", "limit=abc", "kelurahan=31.7x", "kelurahan=31.7", "kind=keluhan", "cursor=nonsense", "bbox=1,2,3",
      "bbox=106.9,-6.1,106.7,-6.3", "bbox=a,b,c,d", "category=tidak_ada", "category=DROP%20TABLE", "foo=bar", "lang=fr"]) {
      const res = await app.get(`/api/v1/public/reports?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json(), qs).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
    for (const qs of ["days=0", "days=366", "colour=blue", "bbox=200,0,201,1", "limit=5"]) {
      const res = await app.get(`/api/v1/public/reports.geojson?${qs}`);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json(), qs).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    }
  });
});

describe("the public map", () => {
  it("is a GeoJSON FeatureCollection of rounded points with the same exclusions", async () => {
    const res = await app.get("/api/v1/public/reports.geojson");
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toContain("application/geo+json");
    const fc = res.json() as { type: string; features: { type: string; geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }[] };
    expect(fc.type).toBe("FeatureCollection");
    const tickets = fc.features.map((f) => f.properties.ticket);
    expect(tickets).toContain(t.laporOpen);
    for (const hidden of [t.laporSecret, t.invalid, t.abusive]) expect(tickets).not.toContain(hidden);
    expect(tickets).toHaveLength(5);
    const monas = fc.features.find((f) => f.properties.ticket === t.monas)!;
    expect(monas).toEqual({
      type: "Feature",
      geometry: { type: "Point", coordinates: [106.827, -6.175] },
      properties: { ticket: t.monas, colour: "red", label: "Menunggu", category: { code: "jalan_rusak", name: expect.any(String) } },
    });
    for (const f of fc.features) for (const c of f.geometry.coordinates) expect(Math.round(c * 1000) / 1000).toBe(c);
    expect(res.body).not.toContain(REPORTER.name);
    expect(res.body).not.toContain("disembunyikan");

    const yellow = (await app.get("/api/v1/public/reports.geojson?colour=yellow&lang=en")).json() as typeof fc;
    expect(yellow.features.map((f) => [f.properties.ticket, f.properties.label])).toEqual([[t.blokM, "In process"]]);
    const box = (await app.get("/api/v1/public/reports.geojson?bbox=106.79,-6.25,106.81,-6.24&days=1")).json() as typeof fc;
    expect(box.features.map((f) => f.properties.ticket)).toEqual([t.blokM]);
    const kota = (await app.get("/api/v1/public/reports.geojson?kelurahan=31.73&category=sampah")).json() as typeof fc;
    expect(kota.features.map((f) => f.properties.ticket)).toEqual([t.kotaTua]);
  });

  it("leaves out reports older than the window", async () => {
    app.clock.now = new Date(Date.now() + 40 * 86_400_000);
    try {
      const fc = (await app.get("/api/v1/public/reports.geojson?days=30")).json() as { features: unknown[] };
      expect(fc.features).toHaveLength(0);
      const all = (await app.get("/api/v1/public/reports.geojson")).json() as { features: unknown[] };
      expect(all.features).toHaveLength(5);
    } finally {
      app.clock.now = null;
    }
  });
});

describe("the API documentation", () => {
  it("describes the public list, the map and the subscriptions", async () => {
    const res = await app.get("/docs/json");
    expect(res.statusCode).toBe(200);
    const paths = Object.keys((res.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/public/reports", "/api/v1/public/reports.geojson", "/api/v1/public/reports/{ticket}/subscriptions",
      "/api/v1/public/subscriptions/{token}", "/api/v1/public/subscriptions/{token}/confirm", "/api/v1/public/subscriptions/{token}/unsubscribe"]));
  });
});

describe("the portal pages", () => {
  it("serves the portal at /laporan and /langganan/{token}", async () => {
    for (const url of ["/laporan", "/langganan/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"]) {
      const res = await app.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toContain("text/html");
      expect(res.body).toBe((await app.get("/")).body);
    }
  });
});

describe("publicSummary", () => {
  it("masks phone numbers, e-mail addresses, NIK and handles", () => {
    expect(publicSummary("WA 0812 3456 7890, +6281234567890, 6281234567890 atau budi.s@mail.co.id / @budi_s. NIK 3171012345678901. Jalan 12 rusak"))
      .toBe("WA [disembunyikan], [disembunyikan], [disembunyikan] atau [disembunyikan] / [disembunyikan]. NIK [disembunyikan]. Jalan 12 rusak");
  });
});

describe("the keyset cursor", () => {
  it("keeps PostgreSQL's microseconds, so reports created within one millisecond are not skipped", async () => {
    const a = await submit({ description: "Trotoar retak di depan sekolah dasar, membahayakan murid.", category: "trotoar_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
    const b = await submit({ description: "Trotoar amblas di dekat halte busway, mohon diperbaiki.", category: "trotoar_rusak", lat: PLACES.monas.lat, lon: PLACES.monas.lon });
    const pool = app.running.ctx.pool;
    await pool.query(`update reports set created_at = date_trunc('milliseconds', now()) + interval '1 hour'
      + case when ticket = $1 then interval '400 microseconds' else interval '200 microseconds' end where ticket in ($1, $2)`, [a, b]);
    const first = await list("limit=1");
    expect(first.items.map((i) => i.ticket)).toEqual([a]);
    const second = await list(`limit=1&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.ticket)).toEqual([b]);
  });
});
