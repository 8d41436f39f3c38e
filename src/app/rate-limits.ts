/**
 * Request allowances for callers without an account: an Open311 client (by API key) may post so many requests a
 * minute, and one client address may download the open data so many times an hour (a full file of a million
 * reports is about 180 MB of CSV and keeps a database connection busy for some 16 s). Counted in the database, so
 * every API process shares the count.
 */
import { DomainError } from "../domain/errors.ts";
import type { Queryable } from "../store/db.ts";
import { countRequest, pruneRateLimits } from "../store/rate-limits.store.ts";

export interface RateLimits {
  /** OPEN311_POSTS_PER_MINUTE: service requests one Open311 API key may post per minute */
  open311PostsPerMinute: number;
  /** OPEN_DATA_DOWNLOADS_PER_HOUR: open-data files (CSV or GeoJSON) one client address may download per hour */
  openDataDownloadsPerHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { open311PostsPerMinute: 60, openDataDownloadsPerHour: 30 };

/** What the allowances need of the application context (AppContext has it; the context module imports this one). */
interface Counting {
  pool: Queryable;
  now(): Date;
  rateLimits: RateLimits;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Counts the request and refuses it (429 RATE_LIMITED) beyond the allowance. */
async function allow(ctx: Counting, key: string, limit: number, windowMs: number, message: string): Promise<void> {
  if ((await countRequest(ctx.pool, key, ctx.now(), windowMs)) > limit) throw new DomainError("RATE_LIMITED", message);
}

export function allowOpen311Post(ctx: Counting, client: string): Promise<void> {
  const limit = ctx.rateLimits.open311PostsPerMinute;
  return allow(ctx, `open311:${client}`, limit, MINUTE, `at most ${limit} requests per minute for this api_key; try again in a minute`);
}

export function allowOpenDataDownload(ctx: Counting, address: string): Promise<void> {
  const limit = ctx.rateLimits.openDataDownloadsPerHour;
  return allow(ctx, `open-data:${address}`, limit, HOUR, `at most ${limit} open-data downloads per hour from one address; try again later`);
}

/** Drops counters of windows that ended long ago (the worker, hourly). */
export function pruneRequestCounters(ctx: Counting): Promise<number> {
  return pruneRateLimits(ctx.pool, new Date(ctx.now().getTime() - 24 * HOUR));
}
