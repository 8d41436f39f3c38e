/** Fixed-window request counters (migration 016). */
import type { Queryable } from "./db.ts";

/** Counts one request for `key` in its current window (a new one when the last began `windowMs` ago or more); returns the window's count. */
export async function countRequest(q: Queryable, key: string, now: Date, windowMs: number): Promise<number> {
  const { rows } = await q.query<{ hits: number }>(
    `insert into rate_limits (key, window_start, hits) values ($1, $2, 1)
     on conflict (key) do update set
       hits = case when rate_limits.window_start <= $2::timestamptz - make_interval(secs => $3) then 1 else rate_limits.hits + 1 end,
       window_start = case when rate_limits.window_start <= $2::timestamptz - make_interval(secs => $3) then $2 else rate_limits.window_start end
     returning hits`,
    [key, now, windowMs / 1000],
  );
  return rows[0]!.hits;
}

/** Deletes counters whose window began before `before`. */
export async function pruneRateLimits(q: Queryable, before: Date): Promise<number> {
  return (await q.query("delete from rate_limits where window_start < $1", [before])).rowCount ?? 0;
}
