import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { XMLParser } from "fast-xml-parser";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchPendingMedia } from "../src/app/fetch-media.ts";
import { mediaFetchersFromEnv } from "../src/channels/media-fetchers.ts";
import { multipart, PLACES, startTestApp, testJpeg, uploadPhoto, type Officer, type TestApp } from "./harness.ts";

const ENV_KEY = "env-key-for-fixmystreet-3f9a";
const REPORTER = { first: "Sutrisno", last: "Wiryawan", email: "sutrisno.open311@contoh.id", phone: "081298765432" };
const IDENTITY_STRINGS = [REPORTER.first, REPORTER.last, REPORTER.email, REPORTER.phone, "81298765432"];

const ajv = new Ajv({ allErrors: true });
const schemaDir = path.join(import.meta.dirname, "fixtures/open311");
const schemas = Object.fromEntries(
  fs.readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json")).map((f) => [f.replace(".schema.json", ""), ajv.compile(JSON.parse(fs.readFileSync(path.join(schemaDir, f), "utf8")))]),
) as Record<string, ValidateFunction>;

/** A JSON answer checked against its schema (and against leaking the reporter's identity). */
function valid<T = unknown>(res: LightMyRequestResponse, schema: string, status = 200): T {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = res.json() as T;
  const validate = schemas[schema]!;
  expect(validate(body), `${schema}: ${ajv.errorsText(validate.errors)}\n${res.body}`).toBe(true);
  for (const s of IDENTITY_STRINGS) expect(res.body).not.toContain(s);
  return body;
}

const xml = new XMLParser({
  parseTagValue: false,
  isArray: (_name, jpath) => ["services.service", "service_requests.request", "service_request_updates.request_update", "errors.error"].includes(String(jpath)),
});

// Parsed XML is walked freely by the assertions below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type XmlDoc = any;

function parseXml(res: LightMyRequestResponse, status = 200): XmlDoc {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/xml/);
  expect(res.body.startsWith("<?xml")).toBe(true);
  for (const s of IDENTITY_STRINGS) expect(res.body).not.toContain(s);
  return xml.parse(res.body) as XmlDoc;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

let app: TestApp;
let admin: Officer;

function postRequest(fields: Record<string, string>, format: "json" | "xml" = "json") {
  return app.server.inject({ method: "POST", url: `/open311/v2/requests.${format}`, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: form(fields) });
}

const base = (extra: Record<string, string> = {}) => ({
  api_key: ENV_KEY,
  service_code: "jalan_rusak",
  lat: String(PLACES.monas.lat),
  long: String(PLACES.monas.lon),
  description: `Jalan berlubang dalam di depan halte Monas, hubungi ${REPORTER.phone}`,
  email: REPORTER.email,
  first_name: REPORTER.first,
  last_name: REPORTER.last,
  phone: REPORTER.phone,
  "attribute[foo]": "ignored",
  ...extra,
});

interface PostAnswer { token: string; service_request_id: string; service_notice: string; account_id: null }
interface Req { service_request_id: string; status: string; status_notes: string | null; service_code: string | null; service_name: string | null; description: string; agency_responsible: string | null; lat: number | null; long: number | null; media_url: string | null; expected_datetime: string | null; address: string | null }

beforeAll(async () => {
  app = await startTestApp({ env: { OPEN311_API_KEYS: ` other-key , ${ENV_KEY}` } });
  admin = await app.admin();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe("Open311 services", () => {
  it("lists the categories as services in JSON (Indonesian by default, English on request) and XML", async () => {
    const services = valid<Array<Record<string, unknown>>>(await app.get("/open311/v2/services.json"), "services");
    const road = services.find((s) => s.service_code === "jalan_rusak")!;
    expect(road).toMatchObject({ metadata: false, type: "realtime" });
    expect(road.service_name).toMatch(/jalan/i);
    expect(road.group).toMatch(/Bina Marga/);
    const en = valid<Array<Record<string, unknown>>>(await app.server.inject({ url: "/open311/v2/services.json", headers: { "accept-language": "en-GB,en" } }), "services");
    expect(en.find((s) => s.service_code === "jalan_rusak")!.service_name).not.toBe(road.service_name);
    const enQ = valid<Array<Record<string, unknown>>>(await app.get("/open311/v2/services.json?lang=en"), "services");
    expect(enQ.find((s) => s.service_code === "jalan_rusak")!.service_name).toBe(en.find((s) => s.service_code === "jalan_rusak")!.service_name);

    const doc = parseXml(await app.get("/open311/v2/services.xml"));
    expect(doc.services.service).toHaveLength(services.length);
    const xroad = (doc.services.service as Array<Record<string, string>>).find((s) => s.service_code === "jalan_rusak")!;
    expect(xroad).toMatchObject({ service_name: road.service_name, metadata: "false", type: "realtime" });
  });

  it("is in the API documentation", async () => {
    const paths = Object.keys((await app.get("/docs/json")).json().paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(["/open311/v2/services.json", "/open311/v2/requests.xml", "/open311/v2/requests/{file}", "/api/v1/open311/keys"]));
  });

  it("answers the definition of a known service and 404 in the spec's error format otherwise", async () => {
    expect(valid(await app.get("/open311/v2/services/jalan_rusak.json"), "service-definition")).toEqual({ service_code: "jalan_rusak", attributes: [] });
    expect(parseXml(await app.get("/open311/v2/services/jalan_rusak.xml")).service_definition.service_code).toBe("jalan_rusak");
    const missing = valid<Array<{ code: number }>>(await app.get("/open311/v2/services/no_such_thing.json"), "error", 404);
    expect(missing[0]!.code).toBe(404);
    expect(parseXml(await app.get("/open311/v2/services/no_such_thing.xml"), 404).errors.error[0].code).toBe("404");
    expect((await app.get("/open311/v2/services/jalan_rusak.html")).statusCode).toBe(404);
    expect((await app.get("/open311/v2/nothing.json")).statusCode).toBe(404);
  });
});

describe("Open311 requests", () => {
  let created: PostAnswer;

  it("refuses bad posts with the spec's errors: 403 for keys, 400 for fields, 404 for services", async () => {
    valid(await postRequest(base({ api_key: "wrong" })), "error", 403);
    const noKey = base();
    delete (noKey as Record<string, string>).api_key;
    valid(await postRequest(noKey), "error", 403);
    const noPlace = base({ lat: "", long: "" });
    const missing = valid<Array<{ code: number; description: string }>>(await postRequest(noPlace), "error", 400);
    expect(missing[0]!.description).toMatch(/location/);
    valid(await postRequest(base({ lat: "abc" })), "error", 400);
    valid(await postRequest(base({ long: "" })), "error", 400);
    valid(await postRequest(base({ service_code: "" })), "error", 400);
    valid(await postRequest(base({ service_code: "nope" })), "error", 404);
    valid(await postRequest(base({ email: "not-an-address" })), "error", 400);
    valid(await postRequest(base({ media_url: "javascript:alert(1)" })), "error", 400);
    expect(parseXml(await postRequest(base({ lat: "", long: "" }), "xml"), 400).errors.error[0].code).toBe("400");
    // A body that is not a form at all is still a 4xx in the spec's shape.
    const garbage = await app.server.inject({ method: "POST", url: "/open311/v2/requests.json", headers: { "content-type": "text/plain" }, payload: "x" });
    expect(garbage.statusCode).toBe(400);
    expect(schemas.error!(garbage.json())).toBe(true);
    const count = await app.running.ctx.pool.query("select count(*)::int as n from reports where channel = 'open311'");
    expect(count.rows[0].n).toBe(0);
  });

  it("creates a report on the open311 channel through the common intake, routed and in the officer inbox", async () => {
    const answer = valid<PostAnswer[]>(await postRequest(base()), "post-response", 201);
    created = answer[0]!;
    expect(created.service_request_id).toMatch(/^JKT-\d{6}-\d{4}$/);
    expect(created.account_id).toBeNull();
    const inbox = (await app.get("/api/v1/reports?channel=open311", admin)).json() as { items: Array<{ ticket: string; state: string; channel: string }> };
    expect(inbox.items.map((i) => i.ticket)).toContain(created.service_request_id);
    const view = (await app.get(`/api/v1/reports/${created.service_request_id}`, admin)).json() as { channel: string; state: string; holdingUnit: { name: string } };
    expect(view.channel).toBe("open311");
    expect(view.state).toBe("waiting");
    expect(view.holdingUnit.name).toMatch(/Bina Marga/);
    // The citizen links by e-mail and phone.
    const { rows } = await app.running.ctx.pool.query(
      "select c.email, c.phone, r.channel_ref from reports r join citizens c on c.id = r.citizen_id where r.ticket = $1", [created.service_request_id]);
    expect(rows[0].email).toBe(REPORTER.email);
    expect(rows[0].channel_ref).toBe(`env-2:${created.token}`);

    // The token maps to the ticket.
    const token = valid<Array<{ service_request_id: string }>>(await app.get(`/open311/v2/tokens/${created.token}.json`), "token");
    expect(token[0]!.service_request_id).toBe(created.service_request_id);
    expect(parseXml(await app.get(`/open311/v2/tokens/${created.token}.xml`)).service_requests.request[0].service_request_id).toBe(created.service_request_id);
    valid(await app.get("/open311/v2/tokens/0123456789abcdef0123456789abcdef.json"), "error", 404);
  });

  it("accepts keys issued by administrators until they are revoked", async () => {
    const lurah = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    expect((await app.post("/api/v1/open311/keys", { name: "FixMyStreet Jakarta" }, lurah)).statusCode).toBe(403);
    const issued = await app.post("/api/v1/open311/keys", { name: "FixMyStreet Jakarta" }, admin);
    expect(issued.statusCode, issued.body).toBe(201);
    const key = issued.json() as { id: string; key: string };
    expect(key.key.length).toBeGreaterThan(20);
    const listed = (await app.get("/api/v1/open311/keys", admin)).json() as { items: Array<Record<string, unknown>> };
    expect(listed.items.map((k) => k.id)).toContain(key.id);
    expect(JSON.stringify(listed)).not.toContain(key.key);
    const stored = await app.running.ctx.pool.query("select key_hash from open311_api_keys where id = $1", [key.id]);
    expect(stored.rows[0].key_hash).not.toBe(key.key);
    expect(stored.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);

    const byAddress = valid<PostAnswer[]>(await postRequest(base({ api_key: key.key, lat: "", long: "", address_string: "Jl. Kebon Sirih, Gambir", service_code: "sampah", description: "Sampah menumpuk di trotoar" })), "post-response", 201);
    const xmlPost = parseXml(await postRequest(base({ api_key: key.key, service_code: "lampu_jalan", description: "Lampu jalan mati", lat: String(PLACES.blokM.lat), long: String(PLACES.blokM.lon) }), "xml"), 201);
    expect(xmlPost.service_requests.request[0].service_request_id).toMatch(/^JKT-/);
    const ref = await app.running.ctx.pool.query("select channel_ref from reports where ticket = $1", [byAddress[0]!.service_request_id]);
    expect(ref.rows[0].channel_ref).toBe(`key-${key.id}:${byAddress[0]!.token}`);

    const del = await app.server.inject({ method: "DELETE", url: `/api/v1/open311/keys/${key.id}`, headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf } });
    expect(del.statusCode, del.body).toBe(204);
    valid(await postRequest(base({ api_key: key.key })), "error", 403);
    const again = await app.server.inject({ method: "DELETE", url: "/api/v1/open311/keys/00000000-0000-0000-0000-000000000000", headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf } });
    expect(again.statusCode).toBe(404);
  });

  it("lists requests with filters and pages, without identity, and follows the report's lifecycle", async () => {
    const ticket = created.service_request_id;
    const all = valid<Req[]>(await app.get("/open311/v2/requests.json"), "requests");
    expect(all.length).toBe(3);
    const mine = all.find((r) => r.service_request_id === ticket)!;
    expect(mine).toMatchObject({ status: "open", service_code: "jalan_rusak", lat: -6.175, long: 106.827, media_url: null });
    expect(mine.description).toContain("[disembunyikan]");
    expect(mine.agency_responsible).toMatch(/Bina Marga/);
    expect(mine.expected_datetime).not.toBeNull();
    expect(mine.status_notes).toBeTruthy();

    // Filters and paging.
    expect(valid<Req[]>(await app.get("/open311/v2/requests.json?service_code=sampah"), "requests").map((r) => r.service_code)).toEqual(["sampah"]);
    expect(valid<Req[]>(await app.get("/open311/v2/requests.json?status=closed"), "requests")).toEqual([]);
    expect(valid<Req[]>(await app.get("/open311/v2/requests.json?status=open"), "requests")).toHaveLength(3);
    const page1 = valid<Req[]>(await app.get("/open311/v2/requests.json?page_size=2&page=1"), "requests");
    const page2 = valid<Req[]>(await app.get("/open311/v2/requests.json?page_size=2&page=2"), "requests");
    expect(page1).toHaveLength(2);
    expect(page2).toHaveLength(1);
    expect(new Set([...page1, ...page2].map((r) => r.service_request_id)).size).toBe(3);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(valid<Req[]>(await app.get(`/open311/v2/requests.json?start_date=${encodeURIComponent(future)}`), "requests")).toEqual([]);
    expect(valid<Req[]>(await app.get(`/open311/v2/requests.json?updated_after=${encodeURIComponent(future)}`), "requests")).toEqual([]);
    const two = valid<Req[]>(await app.get(`/open311/v2/requests.json?service_request_id=${ticket},${all[0]!.service_request_id}&service_code=sampah`), "requests");
    expect(two.map((r) => r.service_request_id)).toContain(ticket);
    valid(await app.get("/open311/v2/requests.json?status=maybe"), "error", 400);
    valid(await app.get("/open311/v2/requests.json?start_date=yesterday"), "error", 400);
    valid(await app.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-12-31T00:00:00Z"), "error", 400);
    valid(await app.get("/open311/v2/requests.json?page_size=0"), "error", 400);
    valid(await app.get("/open311/v2/requests.json?service_code=nope"), "error", 404);
    const xmlList = parseXml(await app.get("/open311/v2/requests.xml"));
    expect(xmlList.service_requests.request).toHaveLength(3);

    // One request; XML too.
    expect(valid<Req[]>(await app.get(`/open311/v2/requests/${ticket}.json`), "request")[0]!.service_request_id).toBe(ticket);
    expect(parseXml(await app.get(`/open311/v2/requests/${ticket}.xml`)).service_requests.request[0].status).toBe("open");
    valid(await app.get("/open311/v2/requests/JKT-010101-9999.json"), "error", 404);
    valid(await app.get("/open311/v2/requests/garbage.json"), "error", 404);

    // An officer takes it up, submits a follow-up with a photo, a validator accepts it: closed, with notes.
    const act = async (body: Record<string, unknown>) => {
      const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, admin);
      expect(res.statusCode, res.body).toBe(200);
    };
    await act({ action: "take_up" });
    const taken = valid<Req[]>(await app.get(`/open311/v2/requests/${ticket}.json`), "request")[0]!;
    expect(taken.status).toBe("open");
    const photo = await uploadPhoto(app, admin);
    await act({ action: "submit_follow_up", note: "Lubang ditambal", publicComment: "Lubang sudah ditambal aspal", photos: [photo] });
    const holder = await app.running.ctx.pool.query("select holding_unit_id from reports where ticket = $1", [ticket]);
    const validator = await app.officer("validator", holder.rows[0].holding_unit_id);
    const validated = await app.post(`/api/v1/reports/${ticket}/transitions`, { action: "validate", publicComment: "Sudah diperbaiki" }, validator);
    expect(validated.statusCode, validated.body).toBe(200);
    const done = valid<Req[]>(await app.get(`/open311/v2/requests/${ticket}.json`), "request")[0]!;
    expect(done.status).toBe("closed");
    expect(done.status_notes).toMatch(/ditambal|Selesai|selesai/);
    expect(done.expected_datetime).toBeNull();
    expect(done.media_url).toMatch(/^http.*\/api\/v1\/public\/photos\//);
    expect(valid<Req[]>(await app.get("/open311/v2/requests.json?status=closed"), "requests").map((r) => r.service_request_id)).toEqual([ticket]);

    // Updates: taken up (IN_PROGRESS), follow-up (IN_PROGRESS with the photo), validated (FIXED).
    const updates = valid<Array<{ service_request_id: string; status: string; description: string; media_url: string | null }>>(
      await app.get("/open311/v2/servicerequestupdates.json"), "service-request-updates");
    const ours = updates.filter((u) => u.service_request_id === ticket);
    expect(ours.map((u) => u.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS", "FIXED"]);
    expect(ours[1]!.description).toBe("Lubang sudah ditambal aspal");
    expect(ours[1]!.media_url).toMatch(/\/api\/v1\/public\/photos\//);
    expect(ours[2]!.description).toBe("Sudah diperbaiki");
    const xmlUpdates = parseXml(await app.get("/open311/v2/servicerequestupdates.xml"));
    expect(xmlUpdates.service_request_updates.request_update.length).toBe(updates.length);
    expect(valid(await app.get(`/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(future)}`), "service-request-updates")).toEqual([]);
    valid(await app.get("/open311/v2/servicerequestupdates.json?end_date=never"), "error", 400);

    // Reopened: open again, and a REOPEN update.
    await act({ action: "reopen", reason: "warga melapor masih rusak", publicComment: "Dibuka kembali" });
    expect(valid<Req[]>(await app.get(`/open311/v2/requests/${ticket}.json`), "request")[0]!.status).toBe("open");
    const afterReopen = valid<Array<{ service_request_id: string; status: string }>>(await app.get("/open311/v2/servicerequestupdates.json"), "service-request-updates");
    expect(afterReopen.filter((u) => u.service_request_id === ticket).map((u) => u.status)).toEqual(["IN_PROGRESS", "IN_PROGRESS", "FIXED", "REOPEN"]);
  });

  it("maps closings, coordination and reopening to mySociety's statuses, and hides unlisted reports", async () => {
    const road = valid<PostAnswer[]>(await postRequest(base({ description: "Jalan rusak di Kota Tua", lat: String(PLACES.kotaTua.lat), long: String(PLACES.kotaTua.lon) })), "post-response", 201)[0]!.service_request_id;
    const other = valid<PostAnswer[]>(await postRequest(base({ description: "Jalan rusak lagi di Monas" })), "post-response", 201)[0]!.service_request_id;
    const bogus = valid<PostAnswer[]>(await postRequest(base({ description: "Jalan rusak palsu di Monas" })), "post-response", 201)[0]!.service_request_id;
    const act = async (ticket: string, body: Record<string, unknown>) => {
      const res = await app.post(`/api/v1/reports/${ticket}/transitions`, body, admin);
      expect(res.statusCode, res.body).toBe(200);
    };
    await act(road, { action: "close", closeReason: "outside_jurisdiction", responsibleParty: "Kementerian PUPR", publicComment: "Jalan nasional" });
    await act(other, { action: "close", closeReason: "duplicate", duplicateOf: road });
    await act(bogus, { action: "close", closeReason: "invalid", publicComment: "Bukan laporan" });
    // A report handed to another unit stays open, and its update names the receiving unit.
    const handed = valid<PostAnswer[]>(await postRequest(base({ description: "Saluran tersumbat di Monas", service_code: "fasilitas_kelurahan" })), "post-response", 201)[0]!.service_request_id;
    await act(handed, { action: "coordinate", unit: "dinas-bina-marga", reason: "Jalan provinsi", publicComment: "Dikoordinasikan" });
    const coordinated = valid<Req[]>(await app.get(`/open311/v2/requests/${handed}.json`), "request")[0]!;
    expect(coordinated.status).toBe("open");
    expect(coordinated.status_notes).toMatch(/Bina Marga/);
    const updates = valid<Array<{ service_request_id: string; status: string; description: string }>>(await app.get("/open311/v2/servicerequestupdates.json"), "service-request-updates");
    expect(updates.filter((u) => u.service_request_id === road).map((u) => u.status)).toEqual(["NOT_COUNCILS_RESPONSIBILITY"]);
    expect(updates.filter((u) => u.service_request_id === other).map((u) => u.status)).toEqual(["DUPLICATE"]);
    const referral = updates.filter((u) => u.service_request_id === handed);
    expect(referral.map((u) => u.status)).toEqual(["INTERNAL_REFERRAL"]);
    expect(referral[0]!.description).toBe("Dikoordinasikan");
    // Closed as invalid: not publicly listed, so absent everywhere and not found when asked for.
    expect(updates.some((u) => u.service_request_id === bogus)).toBe(false);
    valid(await app.get(`/open311/v2/requests/${bogus}.json`), "error", 404);
    expect(valid<Req[]>(await app.get(`/open311/v2/requests.json?service_request_id=${bogus}`), "requests")).toEqual([]);
    // A multipart post with the photo itself (FixMyStreet's `media`): the photo is the request's media_url.
    const withPhoto = multipart(base({ description: "Pohon tumbang di Monas", service_code: "pohon" }), [{ name: "media", filename: "p.jpg", data: await testJpeg(), type: "image/jpeg" }]);
    const photoPost = await app.server.inject({ method: "POST", url: "/open311/v2/requests.json", ...withPhoto });
    const photoTicket = valid<PostAnswer[]>(photoPost, "post-response", 201)[0]!.service_request_id;
    expect(valid<Req[]>(await app.get(`/open311/v2/requests/${photoTicket}.json`), "request")[0]!.media_url).toMatch(/\/api\/v1\/public\/photos\//);
    const notImage = multipart(base(), [{ name: "media", filename: "x.jpg", data: Buffer.from("not an image"), type: "image/jpeg" }]);
    const refused = await app.server.inject({ method: "POST", url: "/open311/v2/requests.json", ...notImage });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(schemas.error!(refused.json())).toBe(true);

    const closed = valid<Req[]>(await app.get(`/open311/v2/requests/${road}.json`), "request")[0]!;
    expect(closed.status).toBe("closed");
    expect(closed.status_notes).toMatch(/Kementerian PUPR/);
  });
});

describe("Open311 allowance", () => {
  it("limits posts per api_key and minute (OPEN311_POSTS_PER_MINUTE) with the spec's error, other keys unaffected", async () => {
    const ctx = app.running.ctx;
    const limit = ctx.rateLimits.open311PostsPerMinute;
    ctx.rateLimits.open311PostsPerMinute = 2;
    app.clock.now = new Date("2026-11-30T03:00:00Z");
    try {
      const post = (key: string) => postRequest(base({ api_key: key, description: "Lampu jalan mati di depan sekolah" }));
      valid(await post(ENV_KEY), "post-response", 201);
      valid(await post(ENV_KEY), "post-response", 201);
      const refused = valid<Array<{ code: number; description: string }>>(await post(ENV_KEY), "error", 429);
      expect(refused[0]!.description).toMatch(/at most 2 requests per minute/);
      valid(await post("other-key"), "post-response", 201);
      // a bad key is still a 403, whatever the allowance
      valid(await post("wrong"), "error", 403);
      app.clock.now = new Date("2026-11-30T03:01:00Z");
      valid(await post(ENV_KEY), "post-response", 201);
    } finally {
      ctx.rateLimits.open311PostsPerMinute = limit;
      app.clock.now = null;
    }
  });
});

describe("Open311 media links", () => {
  it("fetches a posted media_url into the report's photo (public addresses only unless allowed)", async () => {
    const jpeg = await testJpeg();
    const server = createServer((req, res) => {
      if (req.url === "/foto.jpg") res.writeHead(200, { "content-type": "image/jpeg" }).end(jpeg);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = (url: string) => postRequest(base({ api_key: "other-key", media_url: url, description: "Pohon tumbang menutup jalan" }));
      const fetched = valid<PostAnswer[]>(await post(`${origin}/foto.jpg`), "post-response", 201)[0]!.service_request_id;
      const guarded = valid<PostAnswer[]>(await post(`${origin}/foto.jpg?lagi`), "post-response", 201)[0]!.service_request_id;
      // The default network rule first: a link to a private address is refused, the report keeps no photo.
      const ctx = app.running.ctx;
      const onlyGuarded = await ctx.pool.query("update inbound_media set next_attempt_at = now() + interval '1 day' where url = $1", [`${origin}/foto.jpg`]);
      expect(onlyGuarded.rowCount).toBe(1);
      expect(await fetchPendingMedia(ctx, mediaFetchersFromEnv({}))).toBe(1);
      const refused = await ctx.pool.query("select status, last_error as error from inbound_media where url = $1", [`${origin}/foto.jpg?lagi`]);
      expect(refused.rows[0]).toMatchObject({ status: "failed", error: expect.stringMatching(/not public/) });
      expect(valid<Req[]>(await app.get(`/open311/v2/requests/${guarded}.json`), "request")[0]!.media_url).toBeNull();
      // A partner network inside the city's (MEDIA_ALLOW_PRIVATE_ADDRESSES=1): fetched, and the request shows the photo.
      await ctx.pool.query("update inbound_media set next_attempt_at = now() - interval '1 minute' where url = $1", [`${origin}/foto.jpg`]);
      expect(await fetchPendingMedia(ctx, mediaFetchersFromEnv({ MEDIA_ALLOW_PRIVATE_ADDRESSES: "1" }))).toBe(1);
      const request = valid<Req[]>(await app.get(`/open311/v2/requests/${fetched}.json`), "request")[0]!;
      expect(request.media_url).toMatch(/\/api\/v1\/public\/photos\//);
      const photo = await app.get(request.media_url!.replace(/^https?:\/\/[^/]+/, ""));
      expect(photo.statusCode).toBe(200);
      expect(photo.headers["content-type"]).toMatch(/^image\//);
    } finally {
      server.close();
    }
  });
});
