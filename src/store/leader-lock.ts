/**
 * One holder at a time for work that every worker could do but only one should (polling a
 * partner's API or a mailbox): a PostgreSQL session advisory lock on a connection kept for as long
 * as the lead lasts. If the holder dies, PostgreSQL drops its session and the lock with it, and
 * another worker takes over at its next try.
 *
 * On the embedded PGlite every connection shares one backend, so the lock is always granted; there
 * is only one process there anyway.
 */
import type pg from "pg";

export interface Lead {
  /** Resolves when the connection holding the lock is lost: the work must stop. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** Tries once to take the lead named `name`; null when another session holds it. */
export async function tryLead(pool: pg.Pool, name: string): Promise<Lead | null> {
  const client = await pool.connect();
  let ok = false;
  try {
    const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as ok", [`aspirasi:${name}`]);
    ok = rows[0]?.ok === true;
  } finally {
    if (!ok) client.release();
  }
  if (!ok) return null;
  let onLost: () => void = () => undefined;
  const lost = new Promise<void>((resolve) => (onLost = resolve));
  const drop = () => onLost();
  client.on("error", drop);
  client.on("end", drop);
  let released = false;
  return {
    lost,
    async release() {
      if (released) return;
      released = true;
      client.off("error", drop);
      client.off("end", drop);
      try {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [`aspirasi:${name}`]);
        client.release();
      } catch (err) {
        // a broken connection is discarded, and its session's lock with it
        client.release(err instanceof Error ? err : true);
      }
    },
  };
}
