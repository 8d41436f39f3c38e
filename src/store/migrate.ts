import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { withTransaction } from "./db.ts";

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** How many migrations are applied (the health check's proof that the schema is there). */
export async function appliedMigrations(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from schema_migrations");
  return rows[0]!.n;
}

/** Applies the plain-SQL migrations in order, once, under an advisory lock (safe with several processes). */
export async function migrate(pool: pg.Pool): Promise<string[]> {
  const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort();
  return withTransaction(pool, async (tx) => {
    await tx.query("select pg_advisory_xact_lock(724611)");
    await tx.query("create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())");
    const done = new Set((await tx.query<{ name: string }>("select name from schema_migrations")).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.query(fs.readFileSync(path.join(migrationsDir, file), "utf8"));
      await tx.query("insert into schema_migrations (name) values ($1)", [file]);
      applied.push(file);
    }
    return applied;
  });
}
