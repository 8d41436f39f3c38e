/**
 * Media from channels becomes the report's photos: a message's attachments are queued with its
 * report or thread entry, then fetchPendingMedia fetches them from local fakes of Twilio, the Graph
 * API and a CDN (binary bodies, so node:http rather than fake-http.ts) and runs them through the
 * photo intake. No worker runs: the test drives processInbound and fetchPendingMedia itself.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchPendingMedia, type MediaFetchers } from "../src/app/fetch-media.ts";
import { acceptRawPayload, processInbound, type ConnectorRegistry } from "../src/app/inbound.ts";
import type { WebhookConnector } from "../src/channels/connector.ts";
import { EmailConnector } from "../src/channels/email/email.connector.ts";
import { mediaFetchersFromEnv } from "../src/channels/media-fetchers.ts";
import { TwilioSmsConnector, twilioSignature } from "../src/channels/sms/twilio.connector.ts";
import { WhatsAppConnector } from "../src/channels/whatsapp/whatsapp.connector.ts";
import { startTestApp, testJpeg, type TestApp } from "./harness.ts";

const TWILIO_SID = "AC00000000000000000000000000000001";
const TWILIO_TOKEN = "0123456789abcdef0123456789abcdef";
const WA_SECRET = "wa-app-secret";
const WA_TOKEN = "wa-access-token";
const MAX_BYTES = 200_000;

interface Served { status?: number; type?: string; body?: Buffer | string; headers?: Record<string, string>; chunked?: boolean; hang?: boolean }

/** A local HTTP server answering binary bodies by path; a path's replies are used in order, the last one repeats. */
async function startMediaServer() {
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const routes = new Map<string, Served[]>();
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    requests.push({ path, headers: req.headers });
    const queue = routes.get(path);
    const reply: Served = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? { status: 404, body: "not found" };
    if (reply.hang) return;
    const body = typeof reply.body === "string" ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
    res.writeHead(reply.status ?? 200, { ...(reply.type ? { "content-type": reply.type } : {}), ...(reply.chunked ? {} : { "content-length": String(body.length) }), ...reply.headers });
    if (reply.chunked) res.write(body.subarray(0, body.length >> 1));
    res.end(reply.chunked ? body.subarray(body.length >> 1) : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    routes,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: "#6a8" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "SecretPhoneMaker", Model: "Model-X1" },
      IFD3: { GPSLatitudeRef: "S", GPSLatitude: "6/1 10/1 3144/100", GPSLongitudeRef: "E", GPSLongitude: "106/1 49/1 3792/100" },
    })
    .toBuffer();
}

/** A tiny but real PDF header: enough for content sniffing to call it a PDF. */
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

let app: TestApp;
let api: Awaited<ReturnType<typeof startMediaServer>>;
let cdn: Awaited<ReturnType<typeof startMediaServer>>;
let fetchers: MediaFetchers;
const connectors: ConnectorRegistry = new Map<string, WebhookConnector>([
  ["sms", new TwilioSmsConnector({ authToken: TWILIO_TOKEN })],
  ["whatsapp", new WhatsAppConnector({ appSecret: WA_SECRET })],
  ["email", new EmailConnector({ ourAddresses: ["aspirasi@jakarta.go.id"] })],
]);

beforeAll(async () => {
  [app, api, cdn] = await Promise.all([startTestApp({ connectors }), startMediaServer(), startMediaServer()]);
  fetchers = mediaFetchersFromEnv({
    TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_API_BASE_URL: api.origin,
    WHATSAPP_ACCESS_TOKEN: WA_TOKEN, GRAPH_API_BASE_URL: `${api.origin}/v19.0`, MEDIA_MAX_BYTES: String(MAX_BYTES),
    // the fakes listen on 127.0.0.1, which payload urls may not reach by default
    MEDIA_ALLOW_PRIVATE_ADDRESSES: "1",
  });
});
afterAll(async () => {
  await Promise.all([app?.close(), api?.close(), cdn?.close()]);
});

async function postSms(fields: Record<string, string>) {
  const params = new URLSearchParams({ To: "+6281100000001", ...fields });
  const res = await app.server.inject({
    method: "POST",
    url: "/webhooks/sms",
    payload: params.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(TWILIO_TOKEN, "http://localhost:0/webhooks/sms", params) },
  });
  expect(res.statusCode).toBe(200);
}

async function postWhatsApp(message: Record<string, unknown>) {
  const body = JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "WABA1", changes: [{ field: "messages", value: {
    messaging_product: "whatsapp", metadata: { phone_number_id: "100200" },
    contacts: [{ profile: { name: "Budi" }, wa_id: "6281377770000" }],
    messages: [{ from: "6281377770000", timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
  } }] }] });
  const res = await app.server.inject({
    method: "POST",
    url: "/webhooks/whatsapp",
    payload: body,
    headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=" + createHmac("sha256", WA_SECRET).update(body).digest("hex") },
  });
  expect(res.statusCode).toBe(200);
}

/** The media rows of the report a message made or continued, oldest first. */
async function mediaOf(externalId: string) {
  const { rows } = await app.running.ctx.pool.query<{ id: number; event_id: number; status: string; attempts: number; upload_id: string | null; last_error: string | null; has_data: boolean; ticket: string }>(
    `select im.id, im.event_id, im.status, im.attempts, im.upload_id, im.last_error, im.data is not null as has_data, r.ticket
     from inbound_messages m join reports r on r.id = m.report_id join inbound_media im on im.report_id = r.id
     where m.external_id = $1 order by im.id`, [externalId]);
  return rows;
}

async function processAll() {
  while ((await processInbound(app.running.ctx, connectors)) > 0);
}

describe("media from channels becomes the report's photos", () => {
  it("SMS: the MMS photo is fetched with basic auth (not sent on to the CDN) and shown without EXIF; a PDF is refused unfetched", async () => {
    const original = await jpegWithGps();
    const mediaPath = `/2010-04-01/Accounts/${TWILIO_SID}/Messages/MM0001/Media/ME0001`;
    api.routes.set(mediaPath, [{ status: 307, headers: { location: `${cdn.origin}/twilio/ME0001?Expires=1&Signature=abc` } }]);
    cdn.routes.set("/twilio/ME0001", [{ type: "image/jpeg", body: original }]);
    await postSms({
      MessageSid: "SMmedia1", From: "+6281234500001", Body: "Jalan berlubang di depan sekolah", NumMedia: "2",
      MediaUrl0: `${api.origin}${mediaPath}`, MediaContentType0: "image/jpeg",
      MediaUrl1: `${api.origin}/2010-04-01/Accounts/${TWILIO_SID}/Messages/MM0001/Media/ME0002`, MediaContentType1: "application/pdf",
    });
    await processAll();
    const queued = await mediaOf("SMmedia1");
    expect(queued.map((r) => r.status)).toEqual(["pending", "pending"]);
    const created = await app.running.ctx.pool.query<{ id: number }>("select id from report_events where report_id = (select report_id from inbound_messages where external_id = 'SMmedia1') and type = 'created'");
    expect(queued.every((r) => r.event_id === created.rows[0]!.id)).toBe(true);

    expect(await fetchPendingMedia(app.running.ctx, fetchers, 10)).toBe(2);
    const [photo, pdf] = await mediaOf("SMmedia1");
    expect(photo).toMatchObject({ status: "fetched", attempts: 1, last_error: null });
    expect(pdf).toMatchObject({ status: "refused", upload_id: null, last_error: "not an image (declared application/pdf)" });
    const twilioHit = api.requests.filter((r) => r.path.startsWith(`/2010-04-01/Accounts/${TWILIO_SID}/Messages/MM0001/`));
    expect(twilioHit.map((r) => r.path)).toEqual([mediaPath]);
    expect(twilioHit[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`);
    expect(cdn.requests.find((r) => r.path === "/twilio/ME0001")!.headers.authorization).toBeUndefined();

    const ticket = photo!.ticket;
    const admin = await app.admin();
    const view = (await app.get(`/api/v1/reports/${ticket}`, admin)).json() as { photos: Array<{ id: string; eventId: number; url: string; exif: { gps: { lat: number } | null; make: string | null } }> };
    expect(view.photos).toHaveLength(1);
    expect(view.photos[0]).toMatchObject({ id: photo!.upload_id, eventId: created.rows[0]!.id, exif: { make: "SecretPhoneMaker" } });
    expect(view.photos[0]!.exif.gps!.lat).toBeCloseTo(-6.1754, 3);
    const orig = await app.server.inject({ method: "GET", url: view.photos[0]!.url, headers: { cookie: admin.cookie } });
    expect(orig.rawPayload.equals(original)).toBe(true);

    const pub = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { photos: Array<{ url: string }> };
    expect(pub.photos).toHaveLength(1);
    const publicCopy = await app.server.inject({ method: "GET", url: pub.photos[0]!.url });
    expect(publicCopy.statusCode).toBe(200);
    expect(publicCopy.headers["content-type"]).toBe("image/jpeg");
    expect((await sharp(publicCopy.rawPayload).metadata()).exif).toBeUndefined();
    expect(publicCopy.rawPayload.includes(Buffer.from("SecretPhoneMaker"))).toBe(false);
  });

  it("WhatsApp: the media id is resolved and downloaded with the bearer token; a PDF document in the thread is refused", async () => {
    const jpeg = await testJpeg();
    api.routes.set("/v19.0/9876543210", [{ type: "application/json", body: JSON.stringify({ url: `${cdn.origin}/wa/9876543210?ext=1&hash=x`, mime_type: "image/jpeg", file_size: jpeg.length, id: "9876543210" }) }]);
    cdn.routes.set("/wa/9876543210", [{ type: "image/jpeg", body: jpeg }]);
    await postWhatsApp({ id: "wamid.IMG1", type: "image", image: { id: "9876543210", mime_type: "image/jpeg", caption: "Sampah menumpuk di kali" } });
    await postWhatsApp({ id: "wamid.DOC1", type: "document", document: { id: "5555", mime_type: "application/pdf", filename: "surat.pdf", caption: "Surat RT" } });
    await processAll();
    // The public view is cached per report version: seen before the photo arrives, it must still show it after.
    const ticket = (await mediaOf("wamid.IMG1"))[0]!.ticket;
    expect((await app.get(`/api/v1/public/reports/${ticket}`)).json().photos).toEqual([]);
    expect(await fetchPendingMedia(app.running.ctx, fetchers, 10)).toBe(2);

    const rows = await mediaOf("wamid.IMG1");
    expect(rows.map((r) => r.status)).toEqual(["fetched", "refused"]);
    const appended = await app.running.ctx.pool.query<{ id: number }>("select id from report_events where type = 'message_in' and data->>'externalId' = 'wamid.DOC1'");
    expect(rows[1]).toMatchObject({ event_id: appended.rows[0]!.id, last_error: "not an image (declared application/pdf)" });
    const lookup = api.requests.find((r) => r.path === "/v19.0/9876543210")!;
    const download = cdn.requests.find((r) => r.path === "/wa/9876543210")!;
    expect(lookup.headers.authorization).toBe(`Bearer ${WA_TOKEN}`);
    expect(download.headers.authorization).toBe(`Bearer ${WA_TOKEN}`);
    expect(api.requests.some((r) => r.path === "/v19.0/5555")).toBe(false);
    const pub = (await app.get(`/api/v1/public/reports/${ticket}`)).json() as { photos: unknown[] };
    expect(pub.photos).toHaveLength(1);
  });

  it("e-mail: a JPEG attachment (bytes in the payload) becomes a photo; a PDF served as a photo url is refused by its content", async () => {
    const jpeg = await testJpeg();
    const raw = [
      "From: Siti <siti@example.com>", "To: aspirasi@jakarta.go.id", "Subject: Lampu taman mati", "Message-ID: <media-001@example.com>",
      "Date: Fri, 27 Nov 2026 08:00:00 +0700", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
      "--b1", "Content-Type: text/plain; charset=utf-8", "", "Lampu taman mati sejak minggu lalu.",
      "--b1", 'Content-Type: image/jpeg; name="taman.jpg"', 'Content-Disposition: attachment; filename="taman.jpg"', "Content-Transfer-Encoding: base64", "",
      ...(jpeg.toString("base64").match(/.{1,76}/g) ?? []), "--b1--", "",
    ].join("\r\n");
    await acceptRawPayload(app.running.ctx, "email", Buffer.from(raw), "message/rfc822");
    // An MMS whose "photo" is a PDF without a declared type: sniffed, refused, nothing crashes.
    api.routes.set("/2010-04-01/Accounts/x/Media/PDF1", [{ type: "application/octet-stream", body: PDF }]);
    await postSms({ MessageSid: "SMpdf1", From: "+6281234500002", Body: "Lihat lampiran", NumMedia: "1", MediaUrl0: `${api.origin}/2010-04-01/Accounts/x/Media/PDF1` });
    await processAll();
    expect(await fetchPendingMedia(app.running.ctx, fetchers, 10)).toBe(2);

    const [mail] = await mediaOf("media-001@example.com");
    expect(mail).toMatchObject({ status: "fetched", has_data: false });
    const admin = await app.admin();
    const view = (await app.get(`/api/v1/reports/${mail!.ticket}`, admin)).json() as { photos: Array<{ id: string }> };
    expect(view.photos.map((p) => p.id)).toEqual([mail!.upload_id]);

    const [pdf] = await mediaOf("SMpdf1");
    expect(pdf).toMatchObject({ status: "refused", upload_id: null });
    expect(pdf!.last_error).toMatch(/not a supported image.*detected application\/pdf/);
    expect((await app.get(`/api/v1/public/reports/${pdf!.ticket}`)).json().photos).toEqual([]);
  });

  it("a 500 is retried after the backoff and fetched; oversized bodies are refused, declared or streamed", async () => {
    const jpeg = await testJpeg();
    const big = randomBytes(MAX_BYTES + 50_000);
    api.routes.set("/2010-04-01/Accounts/x/Media/FLAKY", [{ status: 500, body: "oops" }, { type: "image/jpeg", body: jpeg }]);
    api.routes.set("/2010-04-01/Accounts/x/Media/BIG", [{ type: "image/jpeg", body: big }]);
    api.routes.set("/2010-04-01/Accounts/x/Media/BIGSTREAM", [{ type: "image/jpeg", body: big, chunked: true }]);
    await postSms({
      MessageSid: "SMretry1", From: "+6281234500003", Body: "Banjir setinggi lutut", NumMedia: "3",
      MediaUrl0: `${api.origin}/2010-04-01/Accounts/x/Media/FLAKY`, MediaUrl1: `${api.origin}/2010-04-01/Accounts/x/Media/BIG`,
      MediaUrl2: `${api.origin}/2010-04-01/Accounts/x/Media/BIGSTREAM`,
    });
    await processAll();
    const ctx = app.running.ctx;
    expect(await fetchPendingMedia(ctx, fetchers, 10)).toBe(3);
    const [flaky, declaredBig, streamedBig] = await mediaOf("SMretry1");
    expect(flaky).toMatchObject({ status: "pending", attempts: 1, last_error: "twilio media: HTTP 500" });
    expect(declaredBig).toMatchObject({ status: "refused", last_error: `twilio media: more than ${MAX_BYTES} bytes` });
    expect(streamedBig).toMatchObject({ status: "refused", last_error: `twilio media: more than ${MAX_BYTES} bytes` });
    // Not due yet: nothing is claimed before the backoff has passed.
    expect(await fetchPendingMedia(ctx, fetchers, 10)).toBe(0);
    app.clock.now = new Date(Date.now() + 60_000);
    try {
      expect(await fetchPendingMedia(ctx, fetchers, 10)).toBe(1);
    } finally {
      app.clock.now = null;
    }
    const [retried] = await mediaOf("SMretry1");
    expect(retried).toMatchObject({ status: "fetched", attempts: 2, last_error: null });
    expect(api.requests.filter((r) => r.path === "/2010-04-01/Accounts/x/Media/FLAKY")).toHaveLength(2);
  });

  it("gives up when the last attempt times out, and fails a channel without a fetcher; neither throws", async () => {
    const ctx = app.running.ctx;
    api.routes.set("/2010-04-01/Accounts/x/Media/SLOW", [{ hang: true }]);
    await postSms({ MessageSid: "SMslow1", From: "+6281234500004", Body: "Pohon tumbang", NumMedia: "1", MediaUrl0: `${api.origin}/2010-04-01/Accounts/x/Media/SLOW` });
    await processAll();
    expect(await fetchPendingMedia(ctx, { ...fetchers, timeoutMs: 300, maxAttempts: 1 }, 10)).toBe(1);
    expect((await mediaOf("SMslow1"))[0]).toMatchObject({ status: "failed", attempts: 1, last_error: "gave up after 1 attempts: twilio media: no answer in time" });

    await postSms({ MessageSid: "SMnofetcher1", From: "+6281234500005", Body: "Got mampet", NumMedia: "1", MediaUrl0: `${api.origin}/2010-04-01/Accounts/x/Media/ANY` });
    await processAll();
    expect(await fetchPendingMedia(ctx, { ...fetchers, byChannel: new Map() }, 10)).toBe(1);
    expect((await mediaOf("SMnofetcher1"))[0]).toMatchObject({ status: "failed", last_error: "no media fetcher configured for channel sms" });
    expect(api.requests.some((r) => r.path.endsWith("/Media/ANY"))).toBe(false);
  });
});
