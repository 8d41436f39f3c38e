/**
 * Mention polling: the fallback for when the Account Activity webhook is down or not subscribed.
 *
 * Each poll reads GET /2/users/{id}/mentions (API v2, app-only bearer token) for the tweets newer
 * than the cursor (since_id), following meta.next_token as pagination_token, then stores every
 * page's raw JSON (content type TWITTER_V2_CONTENT_TYPE with `for_user_id`) and the newest id in
 * one transaction (acceptPulled). The inbound job parses the pages with the Twitter connector; a
 * tweet keeps its id as externalId in both formats, so one that also came by webhook is one
 * message, and our own tweets are ignored there like the webhook's echoes.
 *
 * Nothing is stored until every page of a poll is fetched: the cursor never passes a tweet that
 * was not stored. A 429 waits until x-rate-limit-reset; a 401 (bad token) and other failures are
 * logged and back off (interval doubled per failure, at most 15 minutes). A poll never throws.
 */
import type { AppContext } from "../../app/context.ts";
import { acceptPulled } from "../../app/inbound.ts";
import { readCursor } from "../../store/cursors.store.ts";
import { DEFAULT_TIMEOUT_MS, checkBaseUrl, networkFailure, redact } from "../outbound/http-delivery.ts";
import { twitterRetryAfterMs } from "../outbound/twitter.sender.ts";
import { twitterV2ContentType } from "./twitter.connector.ts";

/** The query of every page: the fields and expansions the connector reads. */
export const MENTIONS_QUERY: Readonly<Record<string, string>> = {
  max_results: "100",
  expansions: "author_id,attachments.media_keys,geo.place_id",
  "tweet.fields": "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,geo,entities,attachments,note_tweet",
  "user.fields": "username,name",
  "media.fields": "url,type,preview_image_url",
  "place.fields": "full_name,geo",
};

/** The endpoint serves the 800 most recent mentions at most: 8 pages of 100. */
const DEFAULT_MAX_PAGES = 8;
const MAX_BACKOFF_MS = 15 * 60_000;
/** A 429 without a reset time waits one rate-limit window. */
const RATE_WINDOW_MS = 15 * 60_000;

/** ok: fetched (and stored what was new); waiting: called before a rate limit or backoff ended, nothing asked. */
export type PollOutcome = "ok" | "waiting" | "rate_limited" | "unauthorized" | "failed";

export interface PollResult {
  outcome: PollOutcome;
  /** pages with tweets fetched */
  pages: number;
  /** pages stored that were new */
  stored: number;
  /** how long to wait before the next poll */
  waitMs: number;
}

/** Where fetched pages go: the inbound store and the cursor (acceptPulled, readCursor). */
export interface MentionStore {
  since(cursorName: string): Promise<string | null>;
  accept(pages: Buffer[], contentType: string, cursor: { name: string; value: string } | null): Promise<number>;
}

export interface MentionsPollerOptions {
  /** TWITTER_API_BASE_URL; default the real API */
  baseUrl?: string;
  /** TWITTER_BEARER_TOKEN: the app-only bearer token */
  bearerToken: string;
  /** TWITTER_USER_ID: our account's numeric id */
  userId: string;
  /** TWITTER_POLL_SECONDS * 1000; default one minute */
  intervalMs?: number;
  maxPages?: number;
  timeoutMs?: number;
  store: MentionStore;
  now: () => Date;
  log?: (line: string) => void;
}

/** One poller of one account's mentions; pollOnce calls run one after the other. */
export class MentionsPoller {
  readonly cursorName: string;
  private readonly url: string;
  private readonly intervalMs: number;
  private readonly log: (line: string) => void;
  private notBefore = 0;
  private failures = 0;
  private running: Promise<PollResult> = Promise.resolve({ outcome: "ok", pages: 0, stored: 0, waitMs: 0 });

  constructor(private readonly opts: MentionsPollerOptions) {
    if (!opts.bearerToken) throw new Error("twitter poller: bearerToken is required");
    if (!/^\d{1,30}$/.test(opts.userId)) throw new Error("twitter poller: userId must be our account's numeric id");
    this.url = `${checkBaseUrl("twitter poller", opts.baseUrl ?? "https://api.twitter.com")}/2/users/${opts.userId}/mentions`;
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.cursorName = `twitter:mentions:${opts.userId}`;
    this.log = opts.log ?? ((line) => console.warn(line));
  }

  pollOnce(): Promise<PollResult> {
    this.running = this.running.then(() => this.poll());
    return this.running;
  }

  private async poll(): Promise<PollResult> {
    const now = this.opts.now().getTime();
    if (now < this.notBefore) return { outcome: "waiting", pages: 0, stored: 0, waitMs: this.notBefore - now };
    try {
      const fetched = await this.fetchPages(await this.opts.store.since(this.cursorName));
      if (fetched.kind !== "ok") return this.held(fetched);
      const { pages, newestId } = fetched;
      const cursor = newestId === null ? null : { name: this.cursorName, value: newestId };
      // oldest page first: the inbound job handles payloads in the order they were stored
      const stored = pages.length > 0 ? await this.opts.store.accept([...pages].reverse(), twitterV2ContentType(this.opts.userId), cursor) : 0;
      this.failures = 0;
      return { outcome: "ok", pages: pages.length, stored, waitMs: this.intervalMs };
    } catch (err) {
      return this.held({ kind: "failed", detail: redact(err instanceof Error ? err.message : String(err)) });
    }
  }

  /** All pages newer than `since`, newest first; meta.newest_id of the first page is the new cursor. */
  private async fetchPages(since: string | null): Promise<Fetched> {
    const pages: Buffer[] = [];
    let newestId: string | null = null;
    let token: string | null = null;
    let requests = 0;
    const maxPages = this.opts.maxPages ?? DEFAULT_MAX_PAGES;
    do {
      requests += 1;
      const query = new URLSearchParams({ ...MENTIONS_QUERY, ...(since ? { since_id: since } : {}), ...(token ? { pagination_token: token } : {}) });
      const res = await this.get(`${this.url}?${query}`);
      if (res.status === 429) return { kind: "rate_limited", waitMs: twitterRetryAfterMs(res.headers, this.opts.now().getTime()) ?? RATE_WINDOW_MS };
      if (res.status === 401) return { kind: "unauthorized", detail: `HTTP 401 ${problemText(res.body)}` };
      if (res.status !== 200) return { kind: "failed", detail: `HTTP ${res.status} ${problemText(res.body)}` };
      const meta = metaOf(res.body);
      if (!meta) return { kind: "failed", detail: "HTTP 200 without a JSON page (meta missing)" };
      if (meta.resultCount > 0) pages.push(res.body);
      newestId ??= meta.newestId;
      token = meta.nextToken;
    } while (token !== null && requests < maxPages);
    if (token !== null) this.log(`[twitter] mentions: stopped after ${maxPages} pages; older mentions since the last poll are skipped`);
    return { kind: "ok", pages, newestId };
  }

  private async get(url: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${this.opts.bearerToken}`, accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      throw networkFailure("twitter mentions", err, timeoutMs);
    }
  }

  /** A poll that stored nothing: log it and hold the next one back. */
  private held(f: Exclude<Fetched, { kind: "ok" }>): PollResult {
    let waitMs: number;
    if (f.kind === "rate_limited") {
      waitMs = f.waitMs;
      this.log(`[twitter] mentions: rate limited; next poll in ${Math.ceil(waitMs / 1000)} s`);
    } else {
      this.failures += 1;
      waitMs = Math.min(this.intervalMs * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      const hint = f.kind === "unauthorized" ? " (check TWITTER_BEARER_TOKEN)" : "";
      this.log(`[twitter] mentions: ${f.detail}${hint}; next poll in ${Math.ceil(waitMs / 1000)} s`);
    }
    this.notBefore = this.opts.now().getTime() + waitMs;
    return { outcome: f.kind, pages: 0, stored: 0, waitMs };
  }
}

type Fetched =
  | { kind: "ok"; pages: Buffer[]; newestId: string | null }
  | { kind: "rate_limited"; waitMs: number }
  | { kind: "unauthorized" | "failed"; detail: string };

function metaOf(body: Buffer): { resultCount: number; newestId: string | null; nextToken: string | null } | null {
  let page: unknown;
  try {
    page = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  const meta = page && typeof page === "object" ? (page as { meta?: unknown }).meta : undefined;
  if (!meta || typeof meta !== "object") return null;
  const m = meta as { result_count?: unknown; newest_id?: unknown; next_token?: unknown };
  return {
    resultCount: typeof m.result_count === "number" ? m.result_count : 0,
    newestId: typeof m.newest_id === "string" && /^\d{1,30}$/.test(m.newest_id) ? m.newest_id : null,
    nextToken: typeof m.next_token === "string" && m.next_token ? m.next_token : null,
  };
}

/** The v2 problem's title and detail, redacted and short (for the log). */
function problemText(body: Buffer): string {
  try {
    const p = JSON.parse(body.toString("utf8")) as { title?: unknown; detail?: unknown };
    return redact([p.title, p.detail].filter((x) => typeof x === "string").join(": "));
  } catch {
    return "";
  }
}

export interface TwitterPollerOptions extends Omit<MentionsPollerOptions, "store" | "now"> {
  ctx: AppContext;
}

/** A poller that stores into the product's database (acceptPulled) on the product's clock. */
export function createTwitterPoller(opts: TwitterPollerOptions): MentionsPoller {
  const { ctx, ...rest } = opts;
  return new MentionsPoller({
    ...rest,
    now: () => ctx.now(),
    store: {
      since: (name) => readCursor<string>(ctx.pool, name),
      accept: (pages, contentType, cursor) => acceptPulled(ctx, "twitter", pages.map((body) => ({ body, contentType })), cursor),
    },
  });
}

export interface RunningPoller {
  pollOnce(): Promise<PollResult>;
  stop(): Promise<void>;
}

/** Polls at once, then again after each result's wait, until stopped. */
export function keepPolling(poller: MentionsPoller): RunningPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      const { waitMs } = await poller.pollOnce();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, waitMs);
      });
    }
  })();
  return {
    pollOnce: () => poller.pollOnce(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}

/**
 * The poller's settings from the environment, or null when polling is off: it needs
 * TWITTER_BEARER_TOKEN and TWITTER_USER_ID, and TWITTER_CONSUMER_SECRET (without it there is no
 * Twitter connector to read the pages). TWITTER_POLL_SECONDS (default 60, at least 15; 0 = off).
 */
export function twitterPollerOptionsFromEnv(env: NodeJS.ProcessEnv): Omit<TwitterPollerOptions, "ctx"> | null {
  if (!env.TWITTER_BEARER_TOKEN || !env.TWITTER_USER_ID || !env.TWITTER_CONSUMER_SECRET) return null;
  const seconds = Number(env.TWITTER_POLL_SECONDS ?? 60);
  if (seconds === 0) return null;
  return {
    baseUrl: env.TWITTER_API_BASE_URL || undefined,
    bearerToken: env.TWITTER_BEARER_TOKEN,
    userId: env.TWITTER_USER_ID,
    intervalMs: Math.max(Number.isFinite(seconds) ? seconds : 60, 15) * 1000,
  };
}

/** startTwitterPoller({ ctx, baseUrl, bearerToken, userId, intervalMs }): the fallback, running. */
export function startTwitterPoller(opts: TwitterPollerOptions): RunningPoller {
  return keepPolling(createTwitterPoller(opts));
}
