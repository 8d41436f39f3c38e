import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { boot, type Running } from "../src/boot.ts";
import { loadConfig } from "../src/config.ts";

/** The default run: no DATABASE_URL, the embedded PGlite database in DATA_DIR, over real HTTP. */
describe("smoke: the product on embedded PGlite", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-smoke-"));
  let running: Running | undefined;
  afterAll(async () => {
    await running?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const config = () => loadConfig({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", SMTP_PORT: "0", ADMIN_EMAIL: "admin@smoke.local" }, ["--role=all"]);

  it("boots, serves the public API and the worker delivers", { timeout: 120_000 }, async () => {
    running = await boot(config());
    expect(running.db.embedded).toBe(true);
    expect(running.firstAdmin?.password).toMatch(/.{12,}/);
    const base = running.url!;
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toMatchObject({ status: "ok", database: "pglite" });

    const created = await fetch(`${base}/api/v1/public/reports`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "Saluran air tersumbat di Jl. Kebon Jeruk Raya", lat: -6.1754, lon: 106.8272, category: "saluran_banjir", contact: { email: "warga@example.com" } }),
    });
    expect(created.status).toBe(201);
    const { ticket, colour } = (await created.json()) as { ticket: string; colour: string };
    expect(colour).toBe("red");
    const status = await fetch(`${base}/api/v1/public/reports/${ticket}?lang=en`);
    const body = (await status.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ticket, state: "waiting", label: "Waiting", kelurahan: { code: "31.71.01.1001", name: "Gambir" } });
    expect(JSON.stringify(body)).not.toContain("warga@example.com");

    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@smoke.local", password: running.firstAdmin!.password }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get("set-cookie")).toMatch(/aspirasi_session=.*HttpOnly.*SameSite=Strict/i);

    const portal = await fetch(`${base}/`);
    expect(portal.headers.get("content-type")).toContain("text/html");
    expect((await fetch(`${base}/officer/`)).status).toBe(200);
    expect((await fetch(`${base}/docs/json`)).status).toBe(200);

    // The unit's notification is written with the report; the worker's relay then handles the
    // citizen's "received" message after commit (no e-mail sender configured here: recorded as skipped).
    expect((await running.db.pool.query<{ n: number }>("select count(*)::int as n from unit_notifications")).rows[0]!.n).toBe(1);
    const start = Date.now();
    let outbox: { status: string; last_error: string | null } | undefined;
    while (Date.now() - start < 20_000 && (!outbox || outbox.status === "pending")) {
      outbox = (await running.db.pool.query<{ status: string; last_error: string | null }>("select status, last_error from outbox")).rows[0];
      if (!outbox || outbox.status === "pending") await new Promise((r) => setTimeout(r, 200));
    }
    expect(outbox).toEqual({ status: "skipped", last_error: "no connector configured for channel portal" });
  });

  it("keeps its data across a restart and does not seed or create the admin twice", { timeout: 120_000 }, async () => {
    await running!.stop();
    running = await boot(config());
    expect(running.firstAdmin).toBeNull();
    const { rows } = await running.db.pool.query<{ n: number }>("select count(*)::int as n from reports");
    expect(rows[0]!.n).toBe(1);
    const units = await running.db.pool.query<{ n: number }>("select count(*)::int as n from units where kind = 'kelurahan'");
    expect(units.rows[0]!.n).toBe(267);
  });
});
