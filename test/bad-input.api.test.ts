import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, PLACES, startTestApp, type Officer, type TestApp } from "./harness.ts";

/**
 * Every route answers malformed, oversized or hostile input with the contract's 4xx error
 * (`{"error":{"code","message"}}`), never a 5xx, and a refused write leaves no trace.
 * One app serves the whole file: the tests run in order and each counts rows around its own writes.
 */

let app: TestApp;
let admin: Officer;
let lurah: Officer;
let sudin: Officer;
let validator: Officer;
let executive: Officer;
let jpeg: Buffer;
/** a report at the sub-office, waiting */
let waitingTicket: string;
/** a report whose follow-up was validated */
let doneTicket: string;
/** a report closed by the sub-office */
let closedTicket: string;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
interface Req {
  method?: Method;
  url: string;
  /** sent as JSON (null included) */
  json?: unknown;
  /** sent as is */
  raw?: string | Buffer;
  contentType?: string;
  as?: Officer;
  /** send the officer's CSRF header (default true) */
  csrf?: boolean;
  headers?: Record<string, string>;
}

function send(r: Req): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  let payload: string | Buffer | undefined;
  if ("json" in r) {
    payload = JSON.stringify(r.json);
    headers["content-type"] = "application/json";
  } else if (r.raw !== undefined) {
    payload = r.raw;
  }
  if (r.contentType) headers["content-type"] = r.contentType;
  if (r.as) {
    headers.cookie = r.as.cookie;
    if (r.csrf !== false) headers["x-csrf-token"] = r.as.csrf;
  }
  return app.server.inject({ method: r.method ?? (payload === undefined ? "GET" : "POST"), url: r.url, payload, headers });
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** The contract's error: the status (one of), JSON, a non-empty code and a message; never a 5xx. */
function expectError(res: LightMyRequestResponse, status: number | number[], code?: string | string[]): string {
  const statuses = Array.isArray(status) ? status : [status];
  expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  expect(statuses, `${res.statusCode} ${res.body.slice(0, 300)}`).toContain(res.statusCode);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = res.json() as ErrorBody;
  expect(typeof body.error?.code, res.body).toBe("string");
  expect((body.error?.code as string).length).toBeGreaterThan(0);
  expect(typeof body.error?.message, res.body).toBe("string");
  if (code !== undefined) expect(Array.isArray(code) ? code : [code]).toContain(body.error?.code);
  return body.error?.code as string;
}

function expectOk(res: LightMyRequestResponse, status = 200) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
}

const TABLES = [
  "reports",
  "report_events",
  "outbox",
  "unit_notifications",
  "uploads",
  "citizens",
  "citizen_identities",
  "report_supports",
  "ticket_counters",
  "users",
  "units",
  "categories",
  "holidays",
] as const;
type Counts = Record<(typeof TABLES)[number], number>;

async function counts(): Promise<Counts> {
  const sql = `select ${TABLES.map((t) => `(select count(*) from ${t})::int as ${t}`).join(", ")}`;
  const { rows } = await app.running.ctx.pool.query<Counts>(sql);
  const row = rows[0];
  if (!row) throw new Error("no counts");
  return row;
}

/** Runs the refused writes and proves no table changed. */
async function noWrite(fn: () => Promise<void>): Promise<void> {
  const before = await counts();
  await fn();
  expect(await counts()).toEqual(before);
}

async function reportRow(ticket: string) {
  const { rows } = await app.running.ctx.pool.query<{ state: string; holding_unit_id: string; version: number; description: string }>(
    "select state, holding_unit_id, version, description from reports where ticket = $1",
    [ticket],
  );
  return rows[0];
}

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };
const BOUNDARY = "----aspirasiBadInput7d1f";
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ("value" in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
      chunks.push(p.data, Buffer.from("\r\n"));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const photo = (name = "photos", data: Buffer = jpeg, type = "image/jpeg"): Part => ({ name, filename: "foto.jpg", type, data });
const TEXT_AS_JPEG = Buffer.from("this is not a photo, just text pretending to be one\n".repeat(20));

async function upload(officer: Officer): Promise<string> {
  const res = await send({ url: "/api/v1/uploads", raw: multipart([photo("file")]), contentType: MULTIPART, as: officer });
  expectOk(res, 201);
  return (res.json() as { id: string }).id;
}

async function submit(body: Record<string, unknown>): Promise<string> {
  const res = await send({ url: "/api/v1/public/reports", json: body });
  expectOk(res, 201);
  return (res.json() as { ticket: string }).ticket;
}

async function act(officer: Officer, ticket: string, body: Record<string, unknown>) {
  const res = await send({ url: `/api/v1/reports/${ticket}/transitions`, json: body, as: officer });
  expectOk(res);
}

const SQL = "'); drop table reports; --";
const HTML = `<script>alert("x")</script><img src=x onerror="alert(1)"> & "quotes" </textarea>`;
const jalanRusak = { description: "Jalan berlubang di depan Monas", lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "jalan_rusak" };
let ipSeq = 0;
/** a fresh client address, so failed logins here never rate-limit other tests' logins */
const freshIp = () => `10.77.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

beforeAll(async () => {
  app = await startTestApp();
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#777" } }).jpeg().toBuffer();
  [admin, lurah, sudin, validator, executive] = await Promise.all([
    app.admin(),
    app.officer("kelurahan_officer", "kel-31.71.01.1001"),
    app.officer("agency_officer", "dinas-bina-marga@31.71"),
    app.officer("validator", "dinas-bina-marga@31.71"),
    app.officer("executive", null),
  ]);
  waitingTicket = await submit(jalanRusak);
  doneTicket = await submit({ ...jalanRusak, contact: { email: "pelapor@example.com" } });
  await act(sudin, doneTicket, { action: "take_up" });
  await act(sudin, doneTicket, { action: "submit_follow_up", note: "Sudah ditambal", photos: [await upload(sudin)] });
  await act(validator, doneTicket, { action: "validate" });
  closedTicket = await submit(jalanRusak);
  await act(sudin, closedTicket, { action: "close", closeReason: "invalid", publicComment: "Laporan uji" });
});

afterAll(async () => {
  await app?.close();
});

describe("POST /api/v1/public/reports (JSON)", () => {
  const url = "/api/v1/public/reports";

  it("refuses bodies that are not a report object: invalid JSON, array, string, null, empty, wrong media type", async () => {
    await noWrite(async () => {
      expectError(await send({ url, raw: '{"description": "rusak",', contentType: "application/json" }), 400);
      expectError(await send({ url, raw: "{'description': 'single quotes'}", contentType: "application/json" }), 400);
      expectError(await send({ url, json: [] }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: [{ description: "in an array" }] }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: "Jalan rusak" }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: null }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: 42 }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, raw: "", contentType: "application/json" }), 400);
      expectError(await send({ url, raw: '{"description":"ok","__proto__":{"isAdmin":true}}', contentType: "application/json" }), 400);
      expectError(await send({ url, raw: '{"description":"ok","constructor":{"prototype":{"isAdmin":true}}}', contentType: "application/json" }), 400);
      expectError(await send({ method: "POST", url }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, raw: "<report><description>x</description></report>", contentType: "application/xml" }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: "description=rusak", contentType: "application/x-www-form-urlencoded" }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: "Jalan rusak", contentType: "text/plain" }), [400, 415]);
    });
  });

  it("refuses wrong types, unknown fields and out-of-range values, writing nothing", async () => {
    const bad: Array<Record<string, unknown>> = [
      {},
      { description: "" },
      { description: "   \n  " },
      { description: 123 },
      { description: ["a"] },
      { description: { text: "a" } },
      { description: "x".repeat(5001) },
      { description: "ada\u0000null" },
      { description: "bell\u0007" },
      { description: "ok", unknown: 1 },
      { description: "ok", kind: "complaint" },
      { description: "ok", kind: null },
      { description: "ok", lat: 91, lon: 106.8 },
      { description: "ok", lat: -91, lon: 106.8 },
      { description: "ok", lat: -6.1, lon: 181 },
      { description: "ok", lat: -6.1, lon: "abc" },
      { description: "ok", lat: "-6.1754", lon: "106.8272" },
      { description: "ok", lat: -6.1754 },
      { description: "ok", lon: 106.8272 },
      { description: "ok", lat: null, lon: null },
      { description: "ok", address: "a".repeat(501) },
      { description: "ok", category: "JALAN RUSAK" },
      { description: "ok", category: SQL },
      { description: "ok", category: 7 },
      { description: "ok", contact: "budi@example.com" },
      { description: "ok", contact: { email: "not-an-email" } },
      { description: "ok", contact: { email: `${SQL}@example.com` } },
      { description: "ok", contact: { phone: "0812; drop table citizens" } },
      { description: "ok", contact: { name: "x".repeat(121) } },
      { description: "ok", contact: { nik: "3171000000000001" } },
      { description: "ok", language: "fr" },
    ];
    await noWrite(async () => {
      for (const body of bad) {
        const res = await send({ url, json: body });
        expectError(res, 400, "VALIDATION_FAILED");
      }
    });
  });

  it("a well-formed report with an unknown category writes nothing (CATEGORY_NOT_FOUND)", async () => {
    await noWrite(async () => {
      const res = await send({ url, json: { ...jalanRusak, category: "no_such_category", contact: { email: "baru@example.com", name: "Baru" } } });
      expectError(res, 400, "CATEGORY_NOT_FOUND");
    });
  });

  it("a body over the limit (2 MB) is refused with 413 PAYLOAD_TOO_LARGE", async () => {
    await noWrite(async () => {
      const res = await send({ url, json: { description: "x".repeat(2 * 1024 * 1024) } });
      expectError(res, 413, "PAYLOAD_TOO_LARGE");
    });
  });

  it("accepts exactly 5000 characters", async () => {
    const ticket = await submit({ description: "y".repeat(5000) });
    expect((await reportRow(ticket))?.description).toHaveLength(5000);
  });

  it("SQL in the text is stored verbatim as plain text and the reports table still works", async () => {
    const before = await counts();
    const description = `Lubang besar ${SQL} 1=1; SELECT * FROM users; \\ % _`;
    const address = `Jl. Medan Merdeka ${SQL}`;
    const ticket = await submit({ ...jalanRusak, description, address, contact: { name: `Robert${SQL}` } });
    const after = await counts();
    expect(after.reports).toBe(before.reports + 1);
    expect((await reportRow(ticket))?.description).toBe(description);
    const officerView = await send({ url: `/api/v1/reports/${ticket}`, as: admin });
    expectOk(officerView);
    expect(officerView.json()).toMatchObject({ description, address });
    // The table is intact and searchable, with the hostile text as a literal search term.
    const list = await send({ url: `/api/v1/reports?q=${encodeURIComponent("drop table reports")}`, as: admin });
    expectOk(list);
    expect((list.json() as { items: Array<{ ticket: string }> }).items.map((i) => i.ticket)).toContain(ticket);
    const { rows } = await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from reports");
    expect(rows[0]?.n).toBe(after.reports);
  });

  it("HTML and script in the text are stored verbatim and returned as a JSON string", async () => {
    const ticket = await submit({ ...jalanRusak, description: HTML, address: HTML });
    expect((await reportRow(ticket))?.description).toBe(HTML);
    const pub = await send({ url: `/api/v1/public/reports/${ticket}` });
    expectOk(pub);
    expect(pub.headers["content-type"]).toMatch(/^application\/json/);
    expect(pub.headers["x-content-type-options"]).toBe("nosniff");
    expect((pub.json() as { description: string }).description).toBe(HTML);
    const officer = await send({ url: `/api/v1/reports/${ticket}`, as: sudin });
    expect(officer.headers["content-type"]).toMatch(/^application\/json/);
    expect(officer.json()).toMatchObject({ description: HTML, address: HTML });
    const list = await send({ url: "/api/v1/reports?limit=5", as: sudin });
    expect(list.headers["content-type"]).toMatch(/^application\/json/);
    expect((list.json() as { items: Array<{ ticket: string; description: string }> }).items.find((i) => i.ticket === ticket)?.description).toBe(HTML);
  });
});

describe("POST /api/v1/public/reports (multipart)", () => {
  const url = "/api/v1/public/reports";
  const fields = (extra: Part[] = []): Part[] => [
    { name: "description", value: "Jalan rusak, foto terlampir" },
    { name: "lat", value: String(PLACES.monas.lat) },
    { name: "lon", value: String(PLACES.monas.lon) },
    { name: "category", value: "jalan_rusak" },
    { name: "contact", value: JSON.stringify({ email: "multipart@example.com", name: "Multi" }) },
    ...extra,
  ];

  it("a good multipart report with a photo is accepted (baseline)", async () => {
    const before = await counts();
    const res = await send({ url, raw: multipart(fields([photo()])), contentType: MULTIPART });
    expectOk(res, 201);
    const after = await counts();
    expect(after.reports).toBe(before.reports + 1);
    expect(after.uploads).toBe(before.uploads + 1);
  });

  it("one good photo and one text file posing as a JPEG: refused, no report and no citizen", async () => {
    const before = await counts();
    const res = await send({ url, raw: multipart(fields([photo(), photo("photos", TEXT_AS_JPEG)])), contentType: MULTIPART });
    expectError(res, [400, 415], ["UNSUPPORTED_MEDIA_TYPE", "VALIDATION_FAILED"]);
    const after = await counts();
    for (const t of ["reports", "report_events", "outbox", "citizens", "citizen_identities", "ticket_counters"] as const) expect(after[t], t).toBe(before[t]);
  });

  // Regression (was a bug, fixed): src/app/submit-report.ts:60 stores each photo (storePhoto -> insertUpload on the pool, plus two
  // blobs) one by one before the transaction; when a later photo is bad the earlier good photo's
  // uploads row and blobs stay behind as orphans. Expected: a refused submission writes nothing.
  it("one good photo and one bad photo: not even an orphan upload row is left behind", async () => {
    await noWrite(async () => {
      const res = await send({ url, raw: multipart(fields([photo(), photo("photos", TEXT_AS_JPEG)])), contentType: MULTIPART });
      expectError(res, [400, 415]);
    });
  });

  it("refuses bad fields, wrong file fields, bad photos and malformed multipart, writing nothing", async () => {
    await noWrite(async () => {
      const cases: Array<{ parts: Part[]; status: number | number[] }> = [
        { parts: fields([{ name: "lat", value: "abc" }]), status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "lat", value: "91" }, { name: "lon", value: "106" }], status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "lat", value: "-6.17" }], status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "contact", value: "{not json" }], status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "contact.email", value: "nope" }], status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "evil", value: "1" }], status: 400 },
        { parts: [{ name: "description", value: "x".repeat(5001) }, photo()], status: 400 },
        { parts: [{ name: "description", value: "" }, photo()], status: 400 },
        { parts: [photo()], status: 400 },
        { parts: [{ name: "description", value: "x" }, photo("photo")], status: 400 },
        { parts: [{ name: "description", value: "x" }, photo("file")], status: 400 },
        { parts: [{ name: "description", value: "x" }, photo("photos", TEXT_AS_JPEG)], status: 415 },
        { parts: [{ name: "description", value: "x" }, photo("photos", Buffer.alloc(0))], status: [400, 415] },
        { parts: [{ name: "description", value: "x" }, photo("photos", jpeg.subarray(0, 40))], status: [400, 415] },
        { parts: [{ name: "description", value: "x" }, { name: "category", value: SQL }, photo()], status: 400 },
        { parts: [{ name: "description", value: "x" }, { name: "category", value: "no_such_category" }, photo()], status: 400 },
        { parts: [{ name: "description", value: "x" }, ...Array.from({ length: 6 }, () => photo())], status: [400, 413] },
      ];
      for (const c of cases) expectError(await send({ url, raw: multipart(c.parts), contentType: MULTIPART }), c.status);
    });
  });

  it("a photo over 10 MiB is refused with 413", async () => {
    await noWrite(async () => {
      const big = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024 + 1024, 0x41)]);
      const res = await send({ url, raw: multipart([{ name: "description", value: "foto besar" }, photo("photos", big)]), contentType: MULTIPART });
      expectError(res, 413, "PAYLOAD_TOO_LARGE");
    });
  });

  const malformed = (): Array<{ raw: Buffer | string; contentType: string }> => {
    const full = multipart(fields([photo()]));
    return [
      { raw: full.subarray(0, full.length - 200), contentType: MULTIPART },
      { raw: full, contentType: "multipart/form-data" },
      { raw: full, contentType: "multipart/form-data; boundary=somethingElse" },
      { raw: "garbage", contentType: MULTIPART },
    ];
  };

  it("malformed multipart (truncated body, no boundary, wrong boundary, garbage) writes nothing", async () => {
    await noWrite(async () => {
      for (const m of malformed()) await send({ url, ...m });
    });
  });

  // Regression (was a bug, fixed): malformed multipart is a 500. readMultipartReport (src/http/routes/public.routes.ts:21,
  // `for await (const part of request.parts())`) lets busboy's plain Errors ("Unexpected end of
  // form", "Multipart: Boundary not found") escape; they carry no statusCode, so installErrorHandler
  // (src/http/errors.ts:45-46) answers 500 INTERNAL. Expected 400 VALIDATION_FAILED (or 415).
  // Fix: wrap the parts iteration (and request.file() in /api/v1/uploads) and rethrow as
  // DomainError("VALIDATION_FAILED", "malformed multipart body"), or map these in the error handler.
  it("malformed multipart is a 400 with the error shape, not a 500", async () => {
    for (const m of malformed()) expectError(await send({ url, ...m }), [400, 415]);
  });
});

describe("GET /api/v1/public/reports/:ticket and /api/v1/reports/:ticket", () => {
  const hostile = [
    encodeURIComponent("../../etc/passwd"),
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%00",
    "JKT-260101-0001%00",
    encodeURIComponent(SQL),
    encodeURIComponent("JKT-260101-0001' OR '1'='1"),
    encodeURIComponent("<script>alert(1)</script>"),
    "JKT-000000-0000",
    "%E2%80%AE",
  ];

  it("hostile tickets get 404 REPORT_NOT_FOUND or 400 on the public route", async () => {
    for (const t of hostile) expectError(await send({ url: `/api/v1/public/reports/${t}` }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED", "BAD_REQUEST"]);
    expectError(await send({ url: `/api/v1/public/reports/${"A".repeat(41)}` }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED"]);
    expectError(await send({ url: `/api/v1/public/reports/${waitingTicket}?lang=fr` }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: `/api/v1/public/reports/${waitingTicket}?foo=1` }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: "/api/v1/public/reports/../../etc/passwd" }), 404);
  });

  it("hostile tickets get 404 REPORT_NOT_FOUND or 400 on the officer route; no cookie is 401", async () => {
    for (const t of hostile) expectError(await send({ url: `/api/v1/reports/${t}`, as: admin }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED", "BAD_REQUEST"]);
    expectError(await send({ url: `/api/v1/reports/${waitingTicket}?lang=xx`, as: admin }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: `/api/v1/reports/${waitingTicket}` }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: `/api/v1/reports/${waitingTicket}`, headers: { cookie: "aspirasi_session=forged" } }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: `/api/v1/reports/${waitingTicket}`, headers: { cookie: `aspirasi_session=${SQL}` } }), 401, "UNAUTHENTICATED");
  });

  it("router-level refusals (a 500-character ticket, broken percent-encoding) are 4xx and write nothing", async () => {
    const long = "J".repeat(500);
    await noWrite(async () => {
      for (const r of [
        await send({ url: `/api/v1/public/reports/${long}` }),
        await send({ url: `/api/v1/reports/${long}`, as: admin }),
        await send({ url: `/api/v1/public/reports/${long}/supports`, json: {} }),
        await send({ url: `/api/v1/reports/${long}/transitions`, json: { action: "take_up" }, as: admin }),
        await send({ url: "/api/v1/public/reports/%" }),
        await send({ url: "/api/v1/reports/%E0%A4%A", as: admin }),
        await send({ url: `/api/v1/units/${"u".repeat(101)}/officers`, as: admin }),
      ]) {
        expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, r.body).toBeLessThan(500);
      }
    });
  });

  // Regression (was a bug, fixed): router-level errors bypass the contract. A path parameter over fastify's default
  // maxParamLength (100; src/http/server.ts:24 sets none) gets 414 FST_ERR_MAX_PARAM_LENGTH, and a
  // broken percent-encoding ("%") 400 FST_ERR_BAD_URL, both with fastify's default body
  // {"error":"Bad Request","code":"FST_...","statusCode":...} instead of {"error":{"code","message"}}
  // (setErrorHandler never sees them). Expected: 404 REPORT_NOT_FOUND / 400 VALIDATION_FAILED with
  // the contract shape. Fix: Fastify({ maxParamLength: 1000, frameworkErrors: (err, _req, reply) =>
  // reply.status(400).send(errorBody("VALIDATION_FAILED", err.message)) }).
  it("a 500-character ticket or a broken escape is 404 REPORT_NOT_FOUND / 400 with the contract error shape", async () => {
    const long = "J".repeat(500);
    expectError(await send({ url: `/api/v1/public/reports/${long}` }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED"]);
    expectError(await send({ url: `/api/v1/reports/${long}`, as: admin }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED"]);
    expectError(await send({ url: "/api/v1/public/reports/%" }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED"]);
    expectError(await send({ url: `/api/v1/units/${"u".repeat(101)}/officers`, as: admin }), 400, "VALIDATION_FAILED");
  });
});

describe("POST /api/v1/public/reports/:ticket/disputes and /supports", () => {
  it("disputes: bad bodies 400, unknown tickets 404, a report that is not done 409; nothing written", async () => {
    await noWrite(async () => {
      const url = `/api/v1/public/reports/${doneTicket}/disputes`;
      expectError(await send({ url, raw: "{bad json", contentType: "application/json" }), 400);
      expectError(await send({ url, json: [] }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: "tidak puas" }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: "tidak puas" } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: "", contact: { email: "a@example.com" } } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: "x".repeat(2001), contact: { email: "a@example.com" } } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: "x", contact: { email: "a@example.com" }, reopen: true } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: "x", contact: { email: SQL } } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { reason: 5, contact: {} } }), 400, "VALIDATION_FAILED");
      for (const t of [encodeURIComponent(SQL), "JKT-000000-0000", "..%2F..%2Fetc%2Fpasswd", "%00"])
        expectError(await send({ url: `/api/v1/public/reports/${t}/disputes`, json: { reason: "x", contact: { email: "a@example.com" } } }), [400, 404]);
      // Not done (jalan_rusak lets any citizen dispute: the new citizen's row must roll back too).
      const notDone = await send({ url: `/api/v1/public/reports/${waitingTicket}/disputes`, json: { reason: "belum", contact: { email: "orang.baru@example.com", name: "Baru" } } });
      expectError(notDone, 409, "DISPUTE_NOT_ALLOWED");
      const closed = await send({ url: `/api/v1/public/reports/${closedTicket}/disputes`, json: { reason: "kok ditutup", contact: { email: "orang.lain@example.com" } } });
      expectError(closed, 409, "DISPUTE_NOT_ALLOWED");
    });
    expect((await reportRow(doneTicket))?.state).toBe("done");
  });

  it("supports: bad bodies 400, unknown tickets 404, a closed report 409; nothing written", async () => {
    await noWrite(async () => {
      const url = `/api/v1/public/reports/${waitingTicket}/supports`;
      expectError(await send({ url, raw: "{", contentType: "application/json" }), 400);
      expectError(await send({ url, json: [] }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: "+1" }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { plusOne: true } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { contact: { email: "bukan email" } } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { contact: "a@example.com" } }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, raw: "x".repeat(2 * 1024 * 1024), contentType: "application/json" }), 413, "PAYLOAD_TOO_LARGE");
      for (const t of [encodeURIComponent(SQL), "JKT-000000-0000", "%00"])
        expectError(await send({ url: `/api/v1/public/reports/${t}/supports`, json: {} }), [400, 404]);
      expectError(await send({ url: `/api/v1/public/reports/${closedTicket}/supports`, json: { contact: { email: "fan@example.com" } } }), 409, "CONFLICT");
    });
  });
});

describe("GET /api/v1/public/photos/:id and /api/v1/uploads/:id", () => {
  it("bad ids are 400, unknown 404, an unattached upload is never public", async () => {
    const loose = await upload(lurah);
    for (const id of ["not-a-uuid", encodeURIComponent(SQL), "..%2F..%2Fetc%2Fpasswd", "%00"])
      expectError(await send({ url: `/api/v1/public/photos/${id}` }), [400, 404]);
    expectError(await send({ url: "/api/v1/public/photos/00000000-0000-4000-8000-000000000000" }), 404, "NOT_FOUND");
    expectError(await send({ url: `/api/v1/public/photos/${loose}` }), 404, "NOT_FOUND");

    expectError(await send({ url: `/api/v1/uploads/${loose}` }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: "/api/v1/uploads/not-a-uuid", as: lurah }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: "/api/v1/uploads/00000000-0000-4000-8000-000000000000", as: lurah }), 404, "NOT_FOUND");
    expectError(await send({ url: `/api/v1/uploads/${loose}`, as: sudin }), 403, "FORBIDDEN");
    expectOk(await send({ url: `/api/v1/uploads/${loose}`, as: lurah }));
  });
});

describe("POST /api/v1/auth/login, /logout, GET /api/v1/me", () => {
  const url = "/api/v1/auth/login";
  const login = (json: unknown, ip = freshIp()) => send({ url, json, headers: { "x-forwarded-for": ip } });

  it("bad bodies are 400, wrong credentials 401, hostile emails never 5xx; no session is created", async () => {
    const sessions = async () => (await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from sessions")).rows[0]?.n;
    const before = await sessions();
    await noWrite(async () => {
      expectError(await send({ url, raw: "{", contentType: "application/json", headers: { "x-forwarded-for": freshIp() } }), 400);
      expectError(await login([]), 400, "VALIDATION_FAILED");
      expectError(await login("admin"), 400, "VALIDATION_FAILED");
      expectError(await login(null), 400, "VALIDATION_FAILED");
      expectError(await login({ email: ADMIN.email }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: ADMIN.email, password: "" }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: ADMIN.email, password: ADMIN.password, role: "jsc_admin" }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: 5, password: "x" }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: "a".repeat(255), password: "x" }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: "x@test.local", password: "p".repeat(201) }), 400, "VALIDATION_FAILED");
      expectError(await login({ email: `${ADMIN.email}' --`, password: "x" }), 401, "UNAUTHENTICATED");
      expectError(await login({ email: "' or '1'='1", password: "' or '1'='1" }), 401, "UNAUTHENTICATED");
      expectError(await login({ email: ADMIN.email, password: `${SQL}` }), 401, "UNAUTHENTICATED");
      expectError(await login({ email: "nobody@test.local", password: "whatever-123" }), 401, "UNAUTHENTICATED");
    });
    expect(await sessions()).toBe(before);
  });

  // Regression (was a bug, fixed): loginSchema (src/http/schemas.ts:41) lets control characters through; a NUL in the email
  // reaches PostgreSQL in src/app/auth.ts:41 -> src/store/users.store.ts:133 (login_attempts lookup) and fails with
  // "invalid byte sequence for encoding UTF8: 0x00" -> 500. Expected 400 VALIDATION_FAILED (or 401).
  // Fix: use text(254) (which rejects control characters) for email/password in loginSchema.
  it("a NUL byte in the login email is a 4xx, not a 500", async () => {
    expectError(await login({ email: "admin\u0000@test.local", password: "x" }), [400, 401]);
  });

  it("5 wrong passwords for an email: the 6th attempt, even with the right password, is 429 RATE_LIMITED", async () => {
    const victim = await app.officer("validator", "kec-31.71.01");
    for (let i = 0; i < 5; i++) {
      // each from a different address: the per-email limit is what trips
      expectError(await login({ email: victim.email, password: `wrong-password-${i}` }), 401, "UNAUTHENTICATED");
    }
    expectError(await login({ email: victim.email, password: "officer-password-1" }), 429, "RATE_LIMITED");
    expectError(await login({ email: victim.email.toUpperCase(), password: "officer-password-1" }), 429, "RATE_LIMITED");
    expectError(await login({ email: victim.email, password: "wrong-again" }), 429, "RATE_LIMITED");
    // Other officers are not locked out.
    expectOk(await login({ email: ADMIN.email, password: ADMIN.password }));
    // The existing session of the victim still works.
    expectOk(await send({ url: "/api/v1/me", as: victim }));
  });

  it("logout and /me: no cookie 401, forged cookie 401, write without CSRF 403", async () => {
    const me = await app.officer("kelurahan_officer", "kel-31.71.01.1001");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout" }), 401, "UNAUTHENTICATED");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout", headers: { cookie: "aspirasi_session=forged", "x-csrf-token": "forged" } }), 401, "UNAUTHENTICATED");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout", as: me, csrf: false }), 403, "CSRF_FAILED");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout", as: me, csrf: false, headers: { "x-csrf-token": "wrong" } }), 403, "CSRF_FAILED");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout", as: me, csrf: false, headers: { "x-csrf-token": admin.csrf } }), 403, "CSRF_FAILED");
    expectError(await send({ url: "/api/v1/me" }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: "/api/v1/me", headers: { cookie: "aspirasi_session=" } }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: "/api/v1/me", headers: { cookie: `aspirasi_session=${"A".repeat(5000)}` } }), 401, "UNAUTHENTICATED");
    expectOk(await send({ url: "/api/v1/me", as: me }));
    expectOk(await send({ method: "POST", url: "/api/v1/auth/logout", as: me }));
    expectError(await send({ url: "/api/v1/me", as: me }), 401, "UNAUTHENTICATED");
    expectError(await send({ method: "POST", url: "/api/v1/auth/logout", as: me }), 401, "UNAUTHENTICATED");
  });
});

describe("GET /api/v1/reports (query parameters)", () => {
  const list = (qs: string, as: Officer = admin) => send({ url: `/api/v1/reports?${qs}`, as });
  const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

  it("no cookie 401; unknown or malformed parameters 400", async () => {
    expectError(await send({ url: "/api/v1/reports" }), 401, "UNAUTHENTICATED");
    const bad = [
      "foo=bar",
      "state=bogus",
      "state=waiting,bogus",
      `state=${encodeURIComponent(SQL)}`,
      "colour=purple",
      "overdue=maybe",
      "limit=0",
      "limit=-1",
      "limit=100000",
      "limit=abc",
      "limit=1.5",
      "cursor=garbage",
      "cursor=%%%",
      `cursor=${cursor({})}`,
      `cursor=${cursor(null)}`,
      `cursor=${cursor(["not a date", "00000000-0000-4000-8000-000000000000"])}`,
      `cursor=${cursor([new Date().toISOString(), SQL])}`,
      `cursor=${"A".repeat(201)}`,
      `q=${"q".repeat(201)}`,
      `unit=${"u".repeat(101)}`,
      "lang=fr",
    ];
    for (const qs of bad) expectError(await list(qs), 400, "VALIDATION_FAILED");
  });

  it("SQL and wildcards in q, unit, category and channel are plain values: 200 with a list", async () => {
    for (const qs of [
      `q=${encodeURIComponent(SQL)}`,
      "q=%25",
      "q=_",
      `q=${encodeURIComponent("\\")}`,
      `q=${encodeURIComponent("' OR 1=1 --")}`,
      `unit=${encodeURIComponent(SQL)}`,
      `category=${encodeURIComponent(SQL)}`,
      `channel=${encodeURIComponent(SQL)}`,
      `q=${encodeURIComponent(HTML)}`,
    ]) {
      const res = await list(qs);
      expectOk(res);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(Array.isArray((res.json() as { items: unknown[] }).items)).toBe(true);
    }
    const unitRes = await list(`unit=${encodeURIComponent(SQL)}`);
    expect((unitRes.json() as { items: unknown[] }).items).toEqual([]);
    // A real paging round trip still works after all that.
    const page = await list("limit=1");
    const next = (page.json() as { nextCursor: string | null }).nextCursor;
    expect(next).toBeTruthy();
    expectOk(await list(`limit=1&cursor=${next}`));
  });

  // Regression (was a bug, fixed): decodeCursor (src/app/report-queries.ts:229) accepts an id of 36 hyphens (regex
  // /^[0-9a-f-]{36}$/) and any date JavaScript can represent (-271821-04-20 is before PostgreSQL's
  // 4713 BC); PostgreSQL then fails on `$n::uuid` / "timestamp out of range"
  // (src/store/reports.store.ts:301) -> 500.
  // Expected 400 VALIDATION_FAILED. Fix: validate the id as a real UUID and the date's range.
  it("a cursor with a syntactically odd id or an extreme date is 400, not 500", async () => {
    expectError(await list(`cursor=${cursor([new Date().toISOString(), "-".repeat(36)])}`), 400, "VALIDATION_FAILED");
    expectError(await list(`cursor=${cursor(["-271821-04-20T00:00:00.000Z", "00000000-0000-4000-8000-000000000000"])}`), 400, "VALIDATION_FAILED");
  });

  // Regression (was a bug, fixed): listQuerySchema (src/http/schemas.ts:62-75) lets a NUL byte through in q/unit/category/
  // channel; PostgreSQL rejects 0x00 in text parameters (src/store/reports.store.ts:304) -> 500.
  // Expected 400 VALIDATION_FAILED (or 200 with no match). Fix: refuse control characters in these.
  it("a NUL byte in q or unit is a 4xx or an empty result, not a 500", async () => {
    for (const qs of ["q=%00", "unit=%00", "category=%00", "channel=%00"]) {
      const res = await list(qs);
      expect(res.statusCode, `${qs}: ${res.body}`).toBeLessThan(500);
    }
  });
});

describe("POST /api/v1/reports/:ticket/transitions", () => {
  const url = () => `/api/v1/reports/${waitingTicket}/transitions`;

  it("no cookie 401, no or wrong CSRF header 403; nothing written", async () => {
    await noWrite(async () => {
      expectError(await send({ url: url(), json: { action: "take_up" } }), 401, "UNAUTHENTICATED");
      expectError(await send({ url: url(), json: { action: "take_up" }, as: sudin, csrf: false }), 403, "CSRF_FAILED");
      expectError(await send({ url: url(), json: { action: "take_up" }, as: sudin, csrf: false, headers: { "x-csrf-token": "forged" } }), 403, "CSRF_FAILED");
      expectError(await send({ url: url(), json: { action: "take_up" }, as: sudin, csrf: false, headers: { "x-csrf-token": lurah.csrf } }), 403, "CSRF_FAILED");
      expectError(await send({ url: url(), json: { action: "take_up" }, headers: { cookie: sudin.cookie, "x-csrf-token": "" } }), 403, "CSRF_FAILED");
    });
    expect((await reportRow(waitingTicket))?.state).toBe("waiting");
  });

  it("malformed bodies: wrong types, unknown fields, unknown actions, huge bodies; nothing written", async () => {
    const before = await reportRow(waitingTicket);
    await noWrite(async () => {
      expectError(await send({ url: url(), raw: "{action: take_up}", contentType: "application/json", as: sudin }), 400);
      expectError(await send({ url: url(), json: [], as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: url(), json: "take_up", as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: url(), json: null, as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "POST", url: url(), as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: url(), raw: "action=take_up", contentType: "application/x-www-form-urlencoded", as: sudin }), 415, "UNSUPPORTED_MEDIA_TYPE");
      const bodies: Array<Record<string, unknown>> = [
        {},
        { action: "finish" },
        { action: "TAKE_UP" },
        { action: SQL },
        { action: 5 },
        { action: ["take_up"] },
        { action: "take_up", state: "done" },
        { action: "take_up", holdingUnitId: "jsc-triage" },
        { action: "take_up", note: 5 },
        { action: "take_up", note: "n".repeat(4001) },
        { action: "take_up", note: "nul\u0000" },
        { action: "close", closeReason: "because" },
        { action: "coordinate", unit: 42, reason: "x" },
        { action: "coordinate", unit: "u".repeat(101), reason: "x" },
        { action: "submit_follow_up", note: "x", photos: "abc" },
        { action: "submit_follow_up", note: "x", photos: ["not-a-uuid"] },
        { action: "submit_follow_up", note: "x", photos: [SQL] },
        { action: "submit_follow_up", note: "x", photos: Array.from({ length: 11 }, () => "00000000-0000-4000-8000-000000000000") },
        { action: "assign", assignee: "not-a-uuid" },
        { action: "assign", assignee: SQL },
      ];
      for (const body of bodies) expectError(await send({ url: url(), json: body, as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: url(), json: { action: "take_up", note: "x".repeat(2 * 1024 * 1024) }, as: sudin }), 413, "PAYLOAD_TOO_LARGE");
    });
    expect(await reportRow(waitingTicket)).toEqual(before);
  });

  it("well-formed but wrong: unknown unit, unknown photos, unknown assignee, unknown category, bad duplicateOf; nothing written", async () => {
    const before = await reportRow(waitingTicket);
    await noWrite(async () => {
      const cases: Array<{ body: Record<string, unknown>; status: number; code: string; as?: Officer }> = [
        { body: { action: "coordinate", unit: "no-such-unit", reason: "x" }, status: 400, code: "UNIT_NOT_FOUND" },
        { body: { action: "coordinate", unit: SQL, reason: "x" }, status: 400, code: "UNIT_NOT_FOUND" },
        { body: { action: "dispose", unit: "kel-99.99.99.9999" }, status: 400, code: "UNIT_NOT_FOUND" },
        { body: { action: "dispose", unit: "" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "coordinate", reason: "x" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "coordinate", unit: "dinas-bina-marga@31.71", reason: "x" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "coordinate", unit: "jsc-triage", reason: "x" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "submit_follow_up", note: "x", photos: ["00000000-0000-4000-8000-000000000000"] }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "assign", assignee: "00000000-0000-4000-8000-000000000000" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "assign", assignee: lurah.id }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "close", closeReason: "duplicate", duplicateOf: SQL }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "close", closeReason: "duplicate", duplicateOf: "JKT-000000-0000" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "close", closeReason: "duplicate", duplicateOf: waitingTicket }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "close", closeReason: "no_further_action" }, status: 400, code: "VALIDATION_FAILED" },
        { body: { action: "route", unit: "kel-31.71.01.1001", category: SQL }, status: 400, code: "CATEGORY_NOT_FOUND", as: admin },
        { body: { action: "route", unit: "kel-31.71.01.1001", category: "no_such_category" }, status: 400, code: "CATEGORY_NOT_FOUND", as: admin },
        { body: { action: "route", unit: SQL }, status: 400, code: "UNIT_NOT_FOUND", as: admin },
        { body: { action: "route", unit: "jsc-triage" }, status: 400, code: "VALIDATION_FAILED", as: admin },
      ];
      for (const c of cases) expectError(await send({ url: url(), json: c.body, as: c.as ?? sudin }), c.status, c.code);
    });
    expect(await reportRow(waitingTicket)).toEqual(before);
  });

  it("a photo already attached to another report cannot be reused; nothing written", async () => {
    const { rows } = await app.running.ctx.pool.query<{ id: string }>(
      "select u.id from uploads u join reports r on r.id = u.report_id where r.ticket = $1",
      [doneTicket],
    );
    const attached = rows[0]?.id;
    expect(attached).toBeTruthy();
    const inProgress = await submit(jalanRusak);
    await act(sudin, inProgress, { action: "take_up" });
    await noWrite(async () => {
      const res = await send({ url: `/api/v1/reports/${inProgress}/transitions`, json: { action: "submit_follow_up", note: "x", photos: [attached] }, as: sudin });
      expectError(res, 400, "VALIDATION_FAILED");
    });
  });

  it("hostile or unknown tickets: 404 REPORT_NOT_FOUND or 400; nothing written", async () => {
    await noWrite(async () => {
      for (const t of [encodeURIComponent(SQL), "JKT-000000-0000", "..%2F..%2Fetc%2Fpasswd", "%00", encodeURIComponent("<b>x</b>")])
        expectError(await send({ url: `/api/v1/reports/${t}/transitions`, json: { action: "take_up" }, as: admin }), [400, 404], ["REPORT_NOT_FOUND", "VALIDATION_FAILED"]);
    });
  });

  it("a forbidden transition (take_up on a done report) is 409 INVALID_TRANSITION and writes no event", async () => {
    const before = await reportRow(doneTicket);
    await noWrite(async () => {
      expectError(await send({ url: `/api/v1/reports/${doneTicket}/transitions`, json: { action: "take_up" }, as: sudin }), 409, "INVALID_TRANSITION");
      expectError(await send({ url: `/api/v1/reports/${doneTicket}/transitions`, json: { action: "take_up" }, as: admin }), 409, "INVALID_TRANSITION");
      expectError(await send({ url: `/api/v1/reports/${doneTicket}/transitions`, json: { action: "validate" }, as: validator }), 409, "INVALID_TRANSITION");
      expectError(await send({ url: `/api/v1/reports/${closedTicket}/transitions`, json: { action: "close", closeReason: "invalid", publicComment: "lagi" }, as: sudin }), 409, "INVALID_TRANSITION");
    });
    expect(await reportRow(doneTicket)).toEqual(before);
  });

  it("a transition that fails its guard or its scope writes no event", async () => {
    const inProgress = await submit(jalanRusak);
    await act(sudin, inProgress, { action: "take_up" });
    const before = await reportRow(inProgress);
    await noWrite(async () => {
      expectError(await send({ url: `/api/v1/reports/${inProgress}/transitions`, json: { action: "submit_follow_up", note: "tanpa foto" }, as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: `/api/v1/reports/${inProgress}/transitions`, json: { action: "coordinate", unit: "dinas-perhubungan" }, as: sudin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: `/api/v1/reports/${inProgress}/transitions`, json: { action: "take_up" }, as: lurah }), 403, "FORBIDDEN");
      expectError(await send({ url: `/api/v1/reports/${inProgress}/transitions`, json: { action: "close", closeReason: "invalid", publicComment: "x" }, as: executive }), 403, "FORBIDDEN");
    });
    expect(await reportRow(inProgress)).toEqual(before);
  });
});

describe("POST /api/v1/reports (walk-in)", () => {
  const url = "/api/v1/reports";
  const good = { channel: "walk_in", report: { description: "Warga datang: lampu jalan mati", category: "lampu_jalan", lat: PLACES.monas.lat, lon: PLACES.monas.lon } };

  it("auth, CSRF, executive, bad bodies and unknown categories are refused; nothing written", async () => {
    await noWrite(async () => {
      expectError(await send({ url, json: good }), 401, "UNAUTHENTICATED");
      expectError(await send({ url, json: good, as: lurah, csrf: false }), 403, "CSRF_FAILED");
      expectError(await send({ url, json: good, as: executive }), 403, "FORBIDDEN");
      expectError(await send({ url, raw: "{", contentType: "application/json", as: lurah }), 400);
      expectError(await send({ url, json: [], as: lurah }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: null, as: lurah }), 400, "VALIDATION_FAILED");
      const bad: Array<Record<string, unknown>> = [
        {},
        { channel: "walk_in" },
        { report: good.report },
        { ...good, channel: "sms" },
        { ...good, channel: SQL },
        { ...good, report: "lampu mati" },
        { ...good, report: { ...good.report, description: "x".repeat(5001) } },
        { ...good, report: { ...good.report, lat: 91 } },
        { ...good, report: { ...good.report, lon: "abc" } },
        { ...good, report: { ...good.report, lon: undefined } },
        { ...good, report: { ...good.report, citizenId: "x" } },
        { ...good, enteredBy: "someone" },
        { ...good, contact: { email: "nope" } },
        { ...good, note: "n".repeat(501) },
      ];
      for (const body of bad) expectError(await send({ url, json: body, as: lurah }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, json: { ...good, report: { ...good.report, category: "no_such_category" } }, as: lurah }), 400, "CATEGORY_NOT_FOUND");
      expectError(await send({ url, json: { ...good, contact: { email: "walkin@example.com" }, report: { ...good.report, category: "nope" } }, as: lurah }), 400, "CATEGORY_NOT_FOUND");
      expectError(await send({ url, json: { ...good, report: { description: "x".repeat(2 * 1024 * 1024) } }, as: lurah }), 413, "PAYLOAD_TOO_LARGE");
    });
  });

  it("a valid walk-in with SQL and HTML in its text is stored verbatim (baseline)", async () => {
    const description = `${SQL} ${HTML}`;
    const res = await send({ url, json: { ...good, report: { ...good.report, description } }, as: lurah });
    expectOk(res, 201);
    expect((await reportRow((res.json() as { ticket: string }).ticket))?.description).toBe(description);
  });
});

describe("POST /api/v1/uploads", () => {
  const url = "/api/v1/uploads";
  it("no cookie, no CSRF, not multipart, not an image, empty, too big, wrong field: refused, no upload row", async () => {
    await noWrite(async () => {
      expectError(await send({ url, raw: multipart([photo("file")]), contentType: MULTIPART }), 401, "UNAUTHENTICATED");
      expectError(await send({ url, raw: multipart([photo("file")]), contentType: MULTIPART, as: lurah, csrf: false }), 403, "CSRF_FAILED");
      expectError(await send({ url, json: { file: jpeg.toString("base64") }, as: lurah }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ method: "POST", url, as: lurah }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: jpeg, contentType: "image/jpeg", as: lurah }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: multipart([photo("file", TEXT_AS_JPEG)]), contentType: MULTIPART, as: lurah }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: multipart([photo("file", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), "image/svg+xml")]), contentType: MULTIPART, as: lurah }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectError(await send({ url, raw: multipart([photo("file", Buffer.alloc(0))]), contentType: MULTIPART, as: lurah }), [400, 415]);
      expectError(await send({ url, raw: multipart([photo("file", jpeg.subarray(0, 60))]), contentType: MULTIPART, as: lurah }), [400, 415]);
      expectError(await send({ url, raw: multipart([photo("photo")]), contentType: MULTIPART, as: lurah }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, raw: multipart([{ name: "file", value: "not a file" }]), contentType: MULTIPART, as: lurah }), 400, "VALIDATION_FAILED");
      expectError(await send({ url, raw: multipart([]), contentType: MULTIPART, as: lurah }), 400, "VALIDATION_FAILED");
      const big = Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024 + 1024, 0x41)]);
      expectError(await send({ url, raw: multipart([photo("file", big)]), contentType: MULTIPART, as: lurah }), 413, "PAYLOAD_TOO_LARGE");
      // malformed multipart: whatever the status, nothing is stored
      await send({ url, raw: "garbage", contentType: MULTIPART, as: lurah });
      await send({ url, raw: multipart([photo("file")]), contentType: "multipart/form-data", as: lurah });
    });
  });

  // Regression (was a bug, fixed): the same busboy errors escape request.file() in src/http/routes/officer.routes.ts:88
  // (garbage body -> "Unexpected end of form"; no boundary -> "Multipart: Boundary not found"),
  // answering 500 INTERNAL. Expected 400 VALIDATION_FAILED (or 415).
  it("a malformed multipart upload is a 400, not a 500", async () => {
    expectError(await send({ url, raw: "garbage", contentType: MULTIPART, as: lurah }), [400, 415]);
    expectError(await send({ url, raw: multipart([photo("file")]), contentType: "multipart/form-data", as: lurah }), [400, 415]);
  });
});

describe("reference data: GET /api/v1/units, /categories, /holidays, /config", () => {
  it("bad query parameters are 400; junk is never a 5xx", async () => {
    expectError(await send({ url: "/api/v1/units?foo=1" }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: `/api/v1/units?kind=${"k".repeat(21)}` }), 400, "VALIDATION_FAILED");
    const units = await send({ url: `/api/v1/units?kind=${encodeURIComponent(SQL.slice(0, 20))}` });
    expectOk(units);
    expect((units.json() as { items: unknown[] }).items).toEqual([]);
    expectError(await send({ url: "/api/v1/categories?lang=xx" }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: "/api/v1/categories?foo=1" }), 400, "VALIDATION_FAILED");
    for (const y of ["abc", "1800", "2026.5", "99999", encodeURIComponent(SQL), ""])
      expectError(await send({ url: `/api/v1/holidays?year=${y}` }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: "/api/v1/holidays?month=1" }), 400, "VALIDATION_FAILED");
    expectOk(await send({ url: "/api/v1/holidays?year=2026" }));
    const config = await send({ url: `/api/v1/config?x=${encodeURIComponent(SQL)}` });
    expect(config.statusCode).toBeLessThan(500);
  });
});

describe("administration routes", () => {
  const gambirUnit = { id: "kel-31.71.01.1001", kind: "kelurahan", name: "Kelurahan Gambir", parentId: "kec-31.71.01", regionCode: "31.71.01.1001", hasPpsu: true };

  it("PUT /api/v1/units/:id: auth, CSRF, role, mismatch, unknown parent, cycles, bad types; nothing written", async () => {
    const url = "/api/v1/units/unit-baru";
    const unit = { id: "unit-baru", kind: "agency", name: "Unit Baru" };
    await noWrite(async () => {
      expectError(await send({ method: "PUT", url, json: unit }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "PUT", url, json: unit, as: admin, csrf: false }), 403, "CSRF_FAILED");
      for (const o of [lurah, sudin, executive]) expectError(await send({ method: "PUT", url, json: unit, as: o }), 403, "FORBIDDEN");
      expectError(await send({ method: "PUT", url, json: [], as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, id: "other" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: `/api/v1/units/${encodeURIComponent(SQL)}`, json: { ...unit, id: SQL }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, kind: "ministry" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, name: "" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, hasPpsu: "yes" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, budget: 1 }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...unit, parentId: "no-such-unit" }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ method: "PUT", url, json: { ...unit, parentId: SQL.slice(0, 30) }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ method: "PUT", url, json: { ...unit, parentId: "unit-baru" }, as: admin }), 400, ["VALIDATION_FAILED", "UNIT_NOT_FOUND"]);
      expectError(await send({ method: "PUT", url, json: { ...unit, supervisorUnitId: "nope" }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ method: "PUT", url, json: { ...unit, regionCode: "99.99" }, as: admin }), 400, "VALIDATION_FAILED");
      // a cycle: the kecamatan under its own kelurahan
      expectError(await send({ method: "PUT", url: "/api/v1/units/kec-31.71.01", json: { id: "kec-31.71.01", kind: "kecamatan", name: "Kecamatan Gambir", parentId: "kel-31.71.01.1001" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: `/api/v1/units/${gambirUnit.id}`, json: { ...gambirUnit, parentId: gambirUnit.id }, as: admin }), 400, "VALIDATION_FAILED");
    });
  });

  it("PUT /api/v1/categories/:code: role, mismatch, unknown owner, inconsistent SLA, bad enums; nothing written", async () => {
    const cats = (await send({ url: "/api/v1/categories" })).json() as { items: Array<Record<string, unknown>> };
    const src = cats.items.find((c) => c.code === "lainnya");
    expect(src).toBeTruthy();
    const keys = ["code", "nameId", "nameEn", "ownerPolicy", "slaFirstActionDays", "slaResolutionDays", "disputePolicy", "disputeWindowDays", "reopenEscalationThreshold", "ppsuAllowed", "active"];
    const body: Record<string, unknown> = Object.fromEntries(keys.map((k) => [k, src?.[k]]));
    const url = "/api/v1/categories/lainnya";
    const before = await app.running.ctx.pool.query("select * from categories where code = 'lainnya'");
    await noWrite(async () => {
      expectError(await send({ method: "PUT", url, json: body }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "PUT", url, json: body, as: admin, csrf: false }), 403, "CSRF_FAILED");
      for (const o of [lurah, validator, executive]) expectError(await send({ method: "PUT", url, json: body, as: o }), 403, "FORBIDDEN");
      const bad: Array<Record<string, unknown>> = [
        { ...body, code: "sampah" },
        { ...body, slaResolutionDays: 0 },
        { ...body, slaFirstActionDays: -1 },
        { ...body, slaResolutionDays: "7" },
        { ...body, disputePolicy: "everyone" },
        { ...body, ownerPolicy: { kind: "martian" } },
        { ...body, ownerPolicy: { kind: "agency" } },
        { ...body, ownerPolicy: { kind: "triage", extra: 1 } },
        { ...body, ppsuAllowed: "true" },
        { ...body, nameId: "" },
        { ...body, secret: 1 },
      ];
      for (const b of bad) expectError(await send({ method: "PUT", url, json: b, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url, json: { ...body, ownerPolicy: { kind: "agency", agency: "no-such-agency" } }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ method: "PUT", url, json: { ...body, ownerPolicy: { kind: "external", unit: SQL.slice(0, 30) } }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ method: "PUT", url, json: { ...body, slaFirstActionDays: 20, slaResolutionDays: 5 }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: `/api/v1/categories/${encodeURIComponent(SQL)}`, json: { ...body, code: SQL }, as: admin }), 400, "VALIDATION_FAILED");
    });
    expect((await app.running.ctx.pool.query("select * from categories where code = 'lainnya'")).rows).toEqual(before.rows);
  });

  it("PUT/DELETE /api/v1/holidays/:date: role, mismatch, impossible dates; nothing written", async () => {
    await noWrite(async () => {
      const h = { date: "2031-01-02", name: "Cuti bersama uji" };
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: h }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: h, as: admin, csrf: false }), 403, "CSRF_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: h, as: lurah }), 403, "FORBIDDEN");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: h, as: executive }), 403, "FORBIDDEN");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-03", json: h, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-13-01", json: { ...h, date: "2031-13-01" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/tomorrow", json: { ...h, date: "tomorrow" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: { ...h, name: "" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: { ...h, jointLeave: "ya" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-01-02", json: { ...h, region: "31" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2026-01-01" }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2026-01-01", as: admin, csrf: false }), 403, "CSRF_FAILED");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2026-01-01", as: lurah }), 403, "FORBIDDEN");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2026-01-01", as: executive }), 403, "FORBIDDEN");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/not-a-date", as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "DELETE", url: `/api/v1/holidays/${encodeURIComponent(SQL)}`, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2031-01-02", as: admin }), 404, "NOT_FOUND");
    });
  });

  // Regression (was a bug, fixed): holidaySchema (src/http/schemas.ts:117) checks dates with Date.parse, which accepts
  // 2031-02-30 (V8 rolls it over); PostgreSQL's `$1::date` (src/store/reference.store.ts:133) then
  // throws -> 500. DELETE /api/v1/holidays/:date (src/http/routes/admin.routes.ts:79) checks only
  // the \d{4}-\d{2}-\d{2} shape, so 2031-13-45 reaches `$1::date` (reference.store.ts:141) -> 500.
  // Expected 400 VALIDATION_FAILED. Fix: one real-calendar-date check (y/m/d round trip) for both.
  it("impossible calendar dates (2031-02-30, 2031-13-45) are 400, not 500", async () => {
    await noWrite(async () => {
      expectError(await send({ method: "PUT", url: "/api/v1/holidays/2031-02-30", json: { date: "2031-02-30", name: "Tidak ada" }, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2031-13-45", as: admin }), [400, 404]);
      expectError(await send({ method: "DELETE", url: "/api/v1/holidays/2031-02-30", as: admin }), [400, 404]);
    });
  });

  it("GET/POST/PATCH /api/v1/users: role, bad bodies, unknown units, duplicates; nothing written", async () => {
    const newUser = { email: "baru@test.local", name: "Petugas Baru", password: "password-panjang-1", role: "kelurahan_officer", unitId: "kel-31.71.01.1001" };
    await noWrite(async () => {
      expectError(await send({ url: "/api/v1/users" }), 401, "UNAUTHENTICATED");
      for (const o of [lurah, validator, executive]) expectError(await send({ url: "/api/v1/users", as: o }), 403, "FORBIDDEN");
      expectError(await send({ url: "/api/v1/users?role=god", as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: "/api/v1/users?password=x", as: admin }), 400, "VALIDATION_FAILED");
      expectOk(await send({ url: `/api/v1/users?unitId=${encodeURIComponent(SQL)}`, as: admin }));

      expectError(await send({ url: "/api/v1/users", json: newUser }), 401, "UNAUTHENTICATED");
      expectError(await send({ url: "/api/v1/users", json: newUser, as: admin, csrf: false }), 403, "CSRF_FAILED");
      for (const o of [lurah, executive]) expectError(await send({ url: "/api/v1/users", json: newUser, as: o }), 403, "FORBIDDEN");
      const bad: Array<Record<string, unknown>> = [
        { ...newUser, email: "not-an-email" },
        { ...newUser, email: SQL },
        { ...newUser, password: "short" },
        { ...newUser, role: "superuser" },
        { ...newUser, name: "" },
        { ...newUser, unitId: 5 },
        { ...newUser, isAdmin: true },
        { ...newUser, role: "ppsu_crew", unitId: "dinas-bina-marga" },
        { ...newUser, role: "agency_officer", unitId: "kel-31.71.01.1001" },
        { ...newUser, role: "validator", unitId: null },
      ];
      for (const b of bad) expectError(await send({ url: "/api/v1/users", json: b, as: admin }), 400, "VALIDATION_FAILED");
      expectError(await send({ url: "/api/v1/users", json: { ...newUser, unitId: "no-such-unit" }, as: admin }), 400, "UNIT_NOT_FOUND");
      expectError(await send({ url: "/api/v1/users", json: { ...newUser, email: lurah.email.toUpperCase() }, as: admin }), 409, "CONFLICT");

      const patch = (id: string, json: unknown, as: Officer = admin, csrf = true) => send({ method: "PATCH", url: `/api/v1/users/${id}`, json, as, csrf });
      expectError(await send({ method: "PATCH", url: `/api/v1/users/${lurah.id}`, json: { active: false } }), 401, "UNAUTHENTICATED");
      expectError(await patch(lurah.id, { active: false }, admin, false), 403, "CSRF_FAILED");
      expectError(await patch(lurah.id, { role: "jsc_admin" }, lurah), 403, "FORBIDDEN");
      expectError(await patch(lurah.id, { active: false }, executive), 403, "FORBIDDEN");
      expectError(await patch("not-a-uuid", { active: false }), 400, "VALIDATION_FAILED");
      expectError(await patch(encodeURIComponent(SQL), { active: false }), 400, "VALIDATION_FAILED");
      expectError(await patch("00000000-0000-4000-8000-000000000000", { name: "Siapa" }), 404, "NOT_FOUND");
      expectError(await patch(lurah.id, { email: "ganti@test.local" }), 400, "VALIDATION_FAILED");
      expectError(await patch(lurah.id, { active: "no" }), 400, "VALIDATION_FAILED");
      expectError(await patch(lurah.id, { password: "short" }), 400, "VALIDATION_FAILED");
      expectError(await patch(lurah.id, { role: "overlord" }), 400, "VALIDATION_FAILED");
      expectError(await patch(lurah.id, { unitId: "no-such-unit" }), 400, "UNIT_NOT_FOUND");
      expectError(await patch(lurah.id, []), 400, "VALIDATION_FAILED");
    });
    const still = await app.running.ctx.pool.query<{ role: string; unit_id: string; active: boolean }>("select role, unit_id, active from users where id = $1", [lurah.id]);
    expect(still.rows[0]).toEqual({ role: "kelurahan_officer", unit_id: "kel-31.71.01.1001", active: true });
  });

  it("GET /api/v1/units/:id/officers, GET /api/v1/outbox, POST /api/v1/outbox/:id/retry", async () => {
    expectError(await send({ url: "/api/v1/units/kel-31.71.01.1001/officers" }), 401, "UNAUTHENTICATED");
    expectError(await send({ url: "/api/v1/units/kel-31.73.03.1008/officers", as: lurah }), 403, "FORBIDDEN");
    expectError(await send({ url: "/api/v1/units/kel-31.71.01.1001/officers", as: executive }), 403, "FORBIDDEN");
    expectError(await send({ url: `/api/v1/units/${encodeURIComponent(SQL)}/officers`, as: lurah }), 403, "FORBIDDEN");
    expectOk(await send({ url: "/api/v1/units/kel-31.71.01.1001/officers", as: lurah }));
    const unknownUnit = await send({ url: `/api/v1/units/${encodeURIComponent(SQL)}/officers`, as: admin });
    expect(unknownUnit.statusCode).toBeLessThan(500);

    expectError(await send({ url: "/api/v1/outbox" }), 401, "UNAUTHENTICATED");
    for (const o of [lurah, sudin, executive]) expectError(await send({ url: "/api/v1/outbox", as: o }), 403, "FORBIDDEN");
    expectError(await send({ url: "/api/v1/outbox?status=lost", as: admin }), 400, "VALIDATION_FAILED");
    expectError(await send({ url: "/api/v1/outbox?limit=5", as: admin }), 400, "VALIDATION_FAILED");
    expectOk(await send({ url: "/api/v1/outbox?status=dead", as: admin }));

    await noWrite(async () => {
      expectError(await send({ method: "POST", url: "/api/v1/outbox/1/retry" }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "POST", url: "/api/v1/outbox/1/retry", as: admin, csrf: false }), 403, "CSRF_FAILED");
      for (const o of [lurah, executive]) expectError(await send({ method: "POST", url: "/api/v1/outbox/1/retry", as: o }), 403, "FORBIDDEN");
      for (const id of ["abc", "0", "-1", "1.5", encodeURIComponent(SQL), "99999999999999999999999"])
        expectError(await send({ method: "POST", url: `/api/v1/outbox/${id}/retry`, as: admin }), [400, 404]);
      // exists but not dead-lettered: not retried
      expectError(await send({ method: "POST", url: "/api/v1/outbox/1/retry", as: admin }), 404, "NOT_FOUND");
      expectError(await send({ method: "POST", url: "/api/v1/outbox/2147483648/retry", as: admin }), 404, "NOT_FOUND");
    });
  });

  it("GET /api/v1/inbound, GET /api/v1/inbound/:id, POST /api/v1/inbound/:id/requeue", async () => {
    expectError(await send({ url: "/api/v1/inbound" }), 401, "UNAUTHENTICATED");
    for (const o of [lurah, sudin, executive]) expectError(await send({ url: "/api/v1/inbound?status=malformed", as: o }), 403, "FORBIDDEN");
    for (const q of ["status=lost", "cursor=abc", "cursor=-1", "channel=", "limit=5", `channel=${"x".repeat(41)}`])
      expectError(await send({ url: `/api/v1/inbound?${q}`, as: admin }), 400, "VALIDATION_FAILED");
    expectOk(await send({ url: `/api/v1/inbound?status=malformed&channel=${encodeURIComponent(SQL)}`, as: admin }));
    for (const id of ["abc", "0", "-1", "1.5", encodeURIComponent(SQL), "99999999999999999999999"])
      expectError(await send({ url: `/api/v1/inbound/${id}`, as: admin }), [400, 404]);
    await noWrite(async () => {
      expectError(await send({ method: "POST", url: "/api/v1/inbound/1/requeue" }), 401, "UNAUTHENTICATED");
      expectError(await send({ method: "POST", url: "/api/v1/inbound/1/requeue", as: admin, csrf: false }), 403, "CSRF_FAILED");
      for (const o of [lurah, executive]) expectError(await send({ method: "POST", url: "/api/v1/inbound/1/requeue", as: o }), 403, "FORBIDDEN");
      for (const id of ["abc", "0", "1.5", "99999999999999999999999", "2147483648"])
        expectError(await send({ method: "POST", url: `/api/v1/inbound/${id}/requeue`, as: admin }), [400, 404]);
    });
  });

  // Regression (was a bug, fixed): GET /api/v1/users?unitId= and GET /api/v1/units/:id/officers (as jsc_admin) pass a NUL byte
  // straight to PostgreSQL (src/store/users.store.ts:84 listUsers, via src/app/admin.ts:94 and :102) -> 500 "invalid byte sequence".
  // Expected 400 VALIDATION_FAILED or an empty list. Fix: refuse control characters in ids.
  it("a NUL byte in a unit id is a 4xx or an empty list, not a 500", async () => {
    expect((await send({ url: "/api/v1/users?unitId=%00", as: admin })).statusCode).toBeLessThan(500);
    expect((await send({ url: "/api/v1/units/%00/officers", as: admin })).statusCode).toBeLessThan(500);
  });
});

describe("GET /health and unknown routes", () => {
  it("health answers ok; unknown routes and methods are 404 with the error shape", async () => {
    const health = await send({ url: "/health?x=1" });
    expectOk(health);
    expect(health.json()).toMatchObject({ status: "ok" });
    expectError(await send({ method: "POST", url: "/health", json: {} }), 404, "NOT_FOUND");
    expectError(await send({ url: "/api/v1/nope" }), 404, "NOT_FOUND");
    expectError(await send({ url: "/api/v2/reports" }), 404, "NOT_FOUND");
    expectError(await send({ method: "DELETE", url: "/api/v1/reports" }), 404, "NOT_FOUND");
    expectError(await send({ method: "PATCH", url: `/api/v1/reports/${waitingTicket}`, json: { state: "done" }, as: admin }), 404, "NOT_FOUND");
    expectError(await send({ method: "DELETE", url: `/api/v1/reports/${waitingTicket}`, as: admin }), 404, "NOT_FOUND");
    expectError(await send({ url: "/api/v1/../../etc/passwd" }), 404, "NOT_FOUND");
    expectError(await send({ url: `/api/v1/${encodeURIComponent(SQL)}` }), 404, "NOT_FOUND");
    expectError(await send({ url: "/api/v1/reports%00" }), [400, 404]);
    expect((await reportRow(waitingTicket))?.state).toBe("waiting");
  });
});
