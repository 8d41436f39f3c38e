/** Renewable channel tokens (migration 018). */
import type pg from "pg";
import { withTransaction } from "./db.ts";

export interface StoredToken {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/**
 * Runs `fn` with the token row of `name` locked (null when there is none yet) and stores what it returns as the new
 * token, in one transaction: other processes renewing the same token wait, then see the new one.
 */
export async function withChannelToken<T>(
  pool: pg.Pool,
  name: string,
  fn: (current: StoredToken | null) => Promise<{ token: StoredToken | null; result: T }>,
): Promise<T> {
  return withTransaction(pool, async (tx) => {
    // a lock for a row that may not exist yet: the name's advisory lock, held to the end of the transaction
    await tx.query("select pg_advisory_xact_lock(hashtext('channel_tokens:' || $1))", [name]);
    const { rows } = await tx.query<{ access_token: string; refresh_token: string; expires_at: Date }>(
      "select access_token, refresh_token, expires_at from channel_tokens where name = $1", [name]);
    const row = rows[0];
    const out = await fn(row ? { accessToken: row.access_token, refreshToken: row.refresh_token, expiresAt: row.expires_at } : null);
    if (out.token) {
      await tx.query(
        `insert into channel_tokens (name, access_token, refresh_token, expires_at, updated_at) values ($1, $2, $3, $4, now())
         on conflict (name) do update set access_token = $2, refresh_token = $3, expires_at = $4, updated_at = now()`,
        [name, out.token.accessToken, out.token.refreshToken, out.token.expiresAt]);
    }
    return out.result;
  });
}
