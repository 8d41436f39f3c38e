import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import sharp from "sharp";
import { expect, inject } from "vitest";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { hashPassword } from "../src/app/auth.ts";
import type { DeliveryError, OutboundMessage, OutboundSender, SenderRegistry } from "../src/app/outbound.ts";
import type { ConnectorRegistry } from "../src/app/inbound.ts";
import { boot, type Running } from "../src/boot.ts";
import { loadConfig } from "../src/config.ts";
import type { Role } from "../src/domain/access-policy.ts";
import { insertUser } from "../src/store/users.store.ts";

function urlFor(name: string): string {
  const u = new URL(inject("adminDatabaseUrl"));
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database for one test: a copy of the migrated, seeded template. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `aspirasi_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${inject("templateDatabase")}"`);
  } finally {
    await admin.end();
  }
  return {
    url: urlFor(name),
    async drop() {
      const c = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const ADMIN = { email: "admin@test.local", password: "admin-password-123" };

export interface TestApp {
  running: Running;
  server: FastifyInstance;
  /** the test's own database, for other processes of the product */
  databaseUrl: string;
  /** the clock seen by the product: real time unless a test sets it */
  clock: { now: Date | null };
  officer(role: Role, unitId: string | null, name?: string): Promise<Officer>;
  admin(): Promise<Officer>;
  post(url: string, body?: unknown, officer?: Officer): Promise<LightMyRequestResponse>;
  get(url: string, officer?: Officer): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface Officer {
  id: string;
  email: string;
  role: Role;
  unitId: string | null;
  cookie: string;
  csrf: string;
}

/**
 * Boots the whole product in-process on a fresh copy of the database; requests go through
 * fastify's inject (no port). The worker runs only when asked for.
 */
export async function startTestApp(opts: {
  worker?: boolean;
  senders?: SenderRegistry;
  connectors?: ConnectorRegistry;
  now?: Date;
  /** channel settings as in production: connectors, senders and pullers come from them unless given */
  env?: Record<string, string>;
} = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-test-"));
  const clock: { now: Date | null } = { now: opts.now ?? null };
  const config = loadConfig(
    { DATABASE_URL: db.url, DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, PORT: "0", SMTP_PORT: "0", WORKER_CONCURRENCY: "2", MEDIA_ALLOW_PRIVATE_ADDRESSES: "1", ...opts.env },
    [`--role=${opts.worker ? "all" : "api"}`],
  );
  const running = await boot(config, { senders: opts.senders, connectors: opts.connectors ?? (opts.env ? undefined : new Map()), now: () => (clock.now ? new Date(clock.now) : new Date()), listen: false });
  const server = running.server!;
  let adminOfficer: Officer | null = null;

  async function login(email: string, password: string): Promise<{ cookie: string; csrf: string; id: string }> {
    const res = await server.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const session = res.cookies.find((c) => c.name === "aspirasi_session")!;
    const body = res.json() as { csrfToken: string; user: { id: string } };
    return { cookie: `aspirasi_session=${session.value}`, csrf: body.csrfToken, id: body.user.id };
  }

  const app: TestApp = {
    running,
    server,
    databaseUrl: db.url,
    clock,
    async officer(role, unitId, name) {
      const email = `${role}.${randomBytes(3).toString("hex")}@test.local`;
      const password = "officer-password-1";
      await insertUser(running.ctx.pool, { id: running.ctx.newId(), email, name: name ?? role, passwordHash: await hashPassword(password), role, unitId });
      const s = await login(email, password);
      return { id: s.id, email, role, unitId, cookie: s.cookie, csrf: s.csrf };
    },
    async admin() {
      if (!adminOfficer) {
        const s = await login(ADMIN.email, ADMIN.password);
        adminOfficer = { id: s.id, email: ADMIN.email, role: "jsc_admin", unitId: "jsc-triage", cookie: s.cookie, csrf: s.csrf };
      }
      return adminOfficer;
    },
    post(url, body, officer) {
      return server.inject({
        method: "POST",
        url,
        payload: body === undefined ? undefined : (body as object),
        headers: officer ? { cookie: officer.cookie, "x-csrf-token": officer.csrf } : {},
      });
    },
    get(url, officer) {
      return server.inject({ method: "GET", url, headers: officer ? { cookie: officer.cookie } : {} });
    },
    async close() {
      await running.stop();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

/** Points inside known kelurahan (checked against the shipped polygons). */
export const PLACES = {
  monas: { lat: -6.1754, lon: 106.8272, kelurahan: "31.71.01.1001", kota: "31.71" },
  kotaTua: { lat: -6.1352, lon: 106.8133, kelurahan: "31.73.03.1008", kota: "31.73" },
  blokM: { lat: -6.2444, lon: 106.8006, kelurahan: "31.74.07.1001", kota: "31.74" },
  bogor: { lat: -6.595, lon: 106.8166 },
};

export interface FilePart {
  name: string;
  filename: string;
  data: Buffer;
  type: string;
}

/** A multipart/form-data body built by hand: text fields first, then files. */
export function multipart(fields: Record<string, string>, files: FilePart[]) {
  const boundary = "----aspirasi-test";
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

let smallJpeg: Promise<Buffer> | undefined;

/** A small grey JPEG without EXIF, made once per test file. */
export function testJpeg(): Promise<Buffer> {
  smallJpeg ??= sharp({ create: { width: 64, height: 48, channels: 3, background: "#888" } }).jpeg().toBuffer();
  return smallJpeg;
}

/** POST /api/v1/uploads as the officer with a small JPEG in the "file" field; whatever the answer. */
export async function postPhoto(app: TestApp, officer: Officer, filename = "tl.jpg"): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipart({}, [{ name: "file", filename, data: await testJpeg(), type: "image/jpeg" }]);
  return app.server.inject({
    method: "POST",
    url: "/api/v1/uploads",
    payload,
    headers: { ...headers, cookie: officer.cookie, "x-csrf-token": officer.csrf },
  });
}

/** Uploads a small JPEG as the officer (expecting 201) and returns the upload id. */
export async function uploadPhoto(app: TestApp, officer: Officer): Promise<string> {
  const res = await postPhoto(app, officer);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Polls until fn returns something truthy (the worker runs beside the test), or fails after ms. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An outbound sender that records what it is given; queued failures are thrown first, one per send. */
export class RecordingSender implements OutboundSender {
  sent: OutboundMessage[] = [];
  failures: DeliveryError[] = [];
  async send(m: OutboundMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(m);
    return { externalId: `ext-${this.sent.length}` };
  }
}
