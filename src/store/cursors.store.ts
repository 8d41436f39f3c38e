import type { Queryable } from "./db.ts";

/**
 * Where a pulling channel is (an IMAP mailbox's UIDVALIDITY and last UID, LAPOR!'s page cursor,
 * the newest Twitter mention seen). Write it in the same transaction that stores what was
 * fetched: a crash between the two then fetches the same items again, and the inbound store's
 * uniqueness drops the repeats.
 */
export async function readCursor<T>(db: Queryable, name: string): Promise<T | null> {
  const { rows } = await db.query<{ value: T }>("select value from channel_cursors where name = $1", [name]);
  return rows[0]?.value ?? null;
}

export async function writeCursor(db: Queryable, name: string, value: unknown): Promise<void> {
  await db.query(
    `insert into channel_cursors (name, value) values ($1, $2::jsonb)
     on conflict (name) do update set value = excluded.value, updated_at = now()`,
    [name, JSON.stringify(value)],
  );
}
