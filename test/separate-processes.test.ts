import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { OutboundMessage, OutboundSender } from "../src/app/outbound.ts";
import { boot, type Running } from "../src/boot.ts";
import { loadConfig } from "../src/config.ts";
import { freshDatabase } from "./harness.ts";

/** How a city outgrows one machine: API and worker processes side by side on one PostgreSQL. */
describe("API and worker as separate processes against one PostgreSQL", () => {
  const started: Running[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const r of started) await r.stop();
    for (const c of cleanups) await c();
  });

  it("two API processes and two workers share the work; each message leaves once", { timeout: 60_000 }, async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-multi-"));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", SMTP_PORT: "0", ADMIN_PASSWORD: "multi-admin-password" };
    const sent: OutboundMessage[] = [];
    const sender: OutboundSender = { send: async (m) => (sent.push(m), { externalId: String(sent.length) }) };
    const senders = new Map([["portal", sender]]);
    for (const role of ["api", "api", "worker", "worker"]) {
      const r = await boot(loadConfig(env, [`--role=${role}`]), { senders });
      started.push(r);
      expect(r.server === null).toBe(role === "worker");
      expect(r.worker === null).toBe(role === "api");
    }
    const apis = started.filter((r) => r.url);
    const tickets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const api = apis[i % 2]!;
      const res = await fetch(`${api.url}/api/v1/public/reports`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ description: `Sampah menumpuk ${i}`, lat: -6.2444, lon: 106.8006, category: "sampah", contact: { email: `warga${i}@example.com` } }),
      });
      expect(res.status).toBe(201);
      tickets.push(((await res.json()) as { ticket: string }).ticket);
    }
    expect(new Set(tickets).size).toBe(20);
    // Either API process answers for any report.
    const other = await fetch(`${apis[1]!.url}/api/v1/public/reports/${tickets[0]}`);
    expect(other.status).toBe(200);
    const start = Date.now();
    while (sent.length < 20 && Date.now() - start < 20_000) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map((m) => m.idempotencyKey)).size).toBe(20);
  });
});
