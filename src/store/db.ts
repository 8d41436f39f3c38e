import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PGliteServer } from "./pglite-server.ts";

/** Anything that runs SQL: the pool, or the one client of a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** a named query is prepared once per connection on PostgreSQL */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: { name: string; text: string; values?: unknown[] }): Promise<pg.QueryResult<R>>;
}

export interface Database {
  pool: pg.Pool;
  /** A URL other components (graphile-worker) can connect to. */
  connectionString: string;
  /** True when running on the embedded PGlite database (one shared backend). */
  embedded: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; unset means the embedded PGlite database in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
}

// Timestamps come back as Date, bigints as strings by default; ids from bigserial fit in a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

/** Opens PostgreSQL, or starts PGlite behind a loopback socket so `pg` reaches both by the same code path. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    // No JIT: the product's queries are short, and a misestimated plan once spent 670 ms compiling a 22 ms
    // dashboard query (measured on 1,000,000 reports). PGlite has no JIT.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20, options: "-c jit=off" });
    pool.on("error", (err) => console.error("[db] idle client error", err.message));
    return { pool, connectionString: options.databaseUrl, embedded: false, close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  // pg_trgm (duplicate candidates, migration 008) is a contrib extension PGlite loads on request.
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const dir = path.resolve(options.dataDir, "pglite");
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  const server = new PGliteServer(db);
  const { host, port } = await server.listen("127.0.0.1", 0);
  const connectionString = `postgres://postgres@${host}:${port}/postgres?sslmode=disable`;
  const pool = new pg.Pool({ connectionString, max: Math.min(options.poolSize ?? 8, 16) });
  pool.on("error", (err) => console.error("[db] idle client error", err.message));
  // Connections share PGlite's one backend, so a statement prepared under a name by one connection
  // would collide with the same name from another: run named statements unnamed here.
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) =>
      query(config && typeof config === "object" && "name" in config ? { ...config, name: undefined } : config, ...rest);
  });
  return {
    pool,
    connectionString,
    embedded: true,
    async close() {
      await pool.end();
      await server.close();
      await db.close();
    },
  };
}

/** Runs fn in one transaction on one client; inside it use only the client passed in. */
/**
 * Runs fn inside a savepoint of the caller's transaction: released on success, rolled back (and the
 * error rethrown) on failure, so the rest of the transaction survives.
 */
export async function withSavepoint<T>(tx: Queryable, name: string, fn: () => Promise<T>): Promise<T> {
  await tx.query(`savepoint ${name}`);
  try {
    const result = await fn();
    await tx.query(`release savepoint ${name}`);
    return result;
  } catch (err) {
    await tx.query(`rollback to savepoint ${name}`);
    throw err;
  }
}

export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
