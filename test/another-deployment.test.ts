import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { boot, type Running } from "../src/boot.ts";
import { loadConfig } from "../src/config.ts";

/**
 * Jakarta is the first deployment, not a constant in the code: another province loads from its
 * own folder of data. Here: Daerah Istimewa Yogyakarta (34) from the national Kemendagri list,
 * with no boundary layer yet, Jakarta's agency and category files reused.
 */
describe("another province is data, not code", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aspirasi-diy-"));
  const name = `aspirasi_t_${process.pid}_diy`;
  const admin = () => new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  let running: Running | undefined;
  afterAll(async () => {
    await running?.stop();
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("seeds units and regions of DI Yogyakarta and runs reports there", { timeout: 60_000 }, async () => {
    const ref = path.resolve("data/reference");
    const deployment = path.join(dir, "deployment");
    fs.mkdirSync(deployment);
    fs.writeFileSync(path.join(deployment, "deployment.json"), JSON.stringify({
      name: "DI Yogyakarta",
      provinceCode: "34",
      ticketPrefix: "YOG",
      timeZone: "Asia/Jakarta",
      defaultLanguage: "id",
      triageUnit: "jsc-triage",
      kotaNamePrefixesToStrip: ["Kota ", "Kabupaten "],
      kelurahanHasPpsu: false,
      regions: path.join(ref, "wilayah/wilayah_indonesia_kemendagri_2025.csv"),
      holidays: path.join(ref, "holidays/indonesia_holidays_2024_2025.csv"),
      agencies: path.join(ref, "deployments/jakarta/agencies.json"),
      categories: path.join(ref, "deployments/jakarta/categories.json"),
    }));
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists "${name}"`);
    await c.query(`create database "${name}"`);
    await c.end();
    const url = new URL(inject("adminDatabaseUrl"));
    url.pathname = `/${name}`;
    running = await boot(
      loadConfig({ DATABASE_URL: url.toString(), DATA_DIR: dir, DEPLOYMENT_DIR: deployment, PORT: "0", HOST: "127.0.0.1", SMTP_PORT: "0", ADMIN_PASSWORD: "diy-admin-password" }, ["--role=api"]),
    );
    const pool = running.db.pool;
    const kinds = await pool.query<{ kind: string; n: number }>("select kind, count(*)::int as n from units group by kind order by kind");
    const byKind = Object.fromEntries(kinds.rows.map((r) => [r.kind, r.n]));
    expect(byKind).toMatchObject({ kelurahan: 438, kecamatan: 78, kota: 5, province: 1, triage: 1 });
    expect((await pool.query("select count(*)::int as n from regions where code not like '34%'")).rows[0].n).toBe(0);
    const kota = await pool.query("select name from units where id = 'kota-34.71'");
    expect(kota.rows[0].name).toBe("Kota Yogyakarta");

    const res = await fetch(`${running.url}/api/v1/public/reports`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "Jalan berlubang di Malioboro", address: "Jl. Malioboro", category: "jalan_rusak" }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { ticket: string; state: string };
    // No boundary layer and no point: the triage desk places it.
    expect(created.ticket).toMatch(/^YOG-\d{6}-\d{4}$/);
    expect(created.state).toBe("triage");
  });
});
