import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { prepareDatabase } from "../src/boot.ts";
import { openDatabase } from "../src/store/db.ts";
import { defaultDeploymentDir } from "../src/store/reference-seed.ts";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A digest of everything that shapes the template: migrations and reference data. */
function templateDigest(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else h.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.resolve("src/store/migrations"));
  walk(path.resolve("data/reference"));
  h.update(fs.readFileSync(path.resolve("src/store/reference-seed.ts")));
  return h.digest("hex").slice(0, 12);
}

export function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Builds, once per change of schema or reference data, a migrated and seeded template database
 * on the real local PostgreSQL; each test then gets its own copy (CREATE DATABASE ... TEMPLATE).
 */
export default async function setup(project: TestProject) {
  const name = `aspirasi_tpl_${templateDigest()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (!exists.rowCount) {
      const building = `${name}_building_${process.pid}`;
      await admin.query(`drop database if exists "${building}"`);
      await admin.query(`create database "${building}"`);
      const db = await openDatabase({ databaseUrl: dbUrl(building), dataDir: "/tmp" });
      try {
        await prepareDatabase(db, defaultDeploymentDir());
      } finally {
        await db.close();
      }
      await admin.query(`alter database "${building}" rename to "${name}"`).catch(async (err: Error) => {
        // another run built it meanwhile
        await admin.query(`drop database if exists "${building}"`);
        if (!/already exists/.test(err.message)) throw err;
      });
    }
    // Old templates (two hours after they were built: a run started before a schema change may still
    // be copying its template) and test databases left by killed runs.
    const stale = await admin.query<{ datname: string }>(
      `select datname from pg_database
       where (datname like 'aspirasi\\_tpl\\_%' and datname <> $1 and datname not like '%\\_building\\_%'
              and (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '2 hours')
          or datname like 'aspirasi\\_t\\_%'`,
      [name],
    );
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // Test databases are named after the worker's pid: drop only those whose process is gone.
    const orphans = stale.rows.filter(({ datname }) => {
      const pid = /^aspirasi_t_(\d+)_/.exec(datname)?.[1];
      return !pid || !alive(Number(pid));
    });
    for (const { datname } of orphans) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
  } finally {
    await admin.end();
  }
  project.provide("templateDatabase", name);
  project.provide("adminDatabaseUrl", ADMIN_URL);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    adminDatabaseUrl: string;
  }
}
