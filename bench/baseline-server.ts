/**
 * The bare baseline for `npm run bench`: the same framework (fastify 5) and driver (pg, pool of 20)
 * as the product, doing the least work the two public endpoints could do:
 *   POST /reports          one INSERT (autocommit), 201 with the ticket
 *   GET  /reports/:ticket  one primary-key SELECT
 *   POST /webhooks/sms     (when TWILIO_AUTH_TOKEN is set) the X-Twilio-Signature check over the raw form body,
 *                          then one INSERT of the raw body (unique by sha256), 200 with empty TwiML
 * Run as a child process by bench/run.ts and bench/inbound.ts (env DATABASE_URL, PORT, TWILIO_AUTH_TOKEN,
 * PUBLIC_BASE_URL); prints "listening <url>" when ready.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import Fastify from "fastify";
import pg from "pg";
import { twilioSignature } from "../src/channels/sms/twilio.connector.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("DATABASE_URL is required");
const port = Number(process.env.PORT ?? 3902);
const twilioAuthToken = process.env.TWILIO_AUTH_TOKEN || undefined;
const publicBaseUrl = (process.env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/$/, "");
const poolSize = Number(process.env.BASELINE_POOL_SIZE ?? 20);

const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
pool.on("error", (err) => console.error("[baseline] idle client error", err.message));

await pool.query(`create table if not exists bench_reports (
  ticket      text primary key,
  id          uuid not null,
  description text not null,
  lat         double precision,
  lon         double precision,
  created_at  timestamptz not null
)`);
await pool.query(`create table if not exists bench_inbound_payloads (
  id           bigserial primary key,
  payload_hash text not null unique,
  body         bytea not null,
  received_at  timestamptz not null default now()
)`);

interface ReportBody {
  description?: unknown;
  lat?: unknown;
  lon?: unknown;
}

interface BenchReportRow {
  ticket: string;
  id: string;
  description: string;
  lat: number | null;
  lon: number | null;
  created_at: Date;
}

// Tickets: the same shape as the product's (PREFIX-YYMMDD-NNNN), from an in-process counter.
const day = new Date().toISOString().slice(2, 10).replace(/-/g, "");
let sequence = 0;
const nextTicket = () => `BEN-${day}-${String(++sequence).padStart(6, "0")}`;

const app = Fastify({ logger: false });

app.get("/health", async () => ({ status: "ok" }));

app.post("/reports", async (request, reply) => {
  const body = (request.body ?? {}) as ReportBody;
  if (typeof body.description !== "string" || body.description.length === 0)
    return reply.status(400).send({ error: { code: "VALIDATION_FAILED", message: "description is required" } });
  const lat = typeof body.lat === "number" ? body.lat : null;
  const lon = typeof body.lon === "number" ? body.lon : null;
  const ticket = nextTicket();
  await pool.query(
    "insert into bench_reports (id, ticket, description, lat, lon, created_at) values ($1, $2, $3, $4, $5, $6)",
    [randomUUID(), ticket, body.description, lat, lon, new Date()],
  );
  return reply.status(201).send({ ticket });
});

app.get<{ Params: { ticket: string } }>("/reports/:ticket", async (request, reply) => {
  const { rows } = await pool.query<BenchReportRow>("select * from bench_reports where ticket = $1", [request.params.ticket]);
  const row = rows[0];
  if (!row) return reply.status(404).send({ error: { code: "REPORT_NOT_FOUND", message: "no report with that ticket" } });
  return { ticket: row.ticket, description: row.description, lat: row.lat, lon: row.lon, createdAt: row.created_at.toISOString() };
});

// Twilio-style webhooks: form bodies kept as raw bytes, since the signature is over exactly what was sent.
app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

app.post("/webhooks/sms", async (request, reply) => {
  if (!twilioAuthToken) return reply.status(404).send({ error: { code: "NOT_FOUND", message: "sms is not configured" } });
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const header = request.headers["x-twilio-signature"];
  const signature = Buffer.from(typeof header === "string" ? header : "");
  const expected = Buffer.from(twilioSignature(twilioAuthToken, publicBaseUrl + request.url, new URLSearchParams(raw.toString("utf8"))));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
    return reply.status(401).send({ error: { code: "UNAUTHENTICATED", message: "invalid sms signature" } });
  await pool.query(
    "insert into bench_inbound_payloads (payload_hash, body) values ($1, $2) on conflict (payload_hash) do nothing",
    [createHash("sha256").update(raw).digest("hex"), raw],
  );
  return reply.type("text/xml; charset=utf-8").send(TWIML_EMPTY);
});

const address = await app.listen({ port, host: "127.0.0.1" });
console.log(`listening ${address}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    app.close()
      .then(() => pool.end())
      .then(() => process.exit(0), () => process.exit(1));
  });
}
