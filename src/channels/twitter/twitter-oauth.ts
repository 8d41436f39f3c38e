/**
 * Our account's OAuth 2.0 user-context token for Twitter/X answers, renewed by itself. Twitter's user-context access
 * token lasts two hours; with the offline.access scope it comes with a refresh token that is good for ONE refresh
 * (each refresh answers a new pair). So the current pair lives in the database (channel_tokens, shared by every
 * worker process) and is renewed under the row's lock: POST /2/oauth2/token, grant_type=refresh_token, the client
 * authenticated with HTTP Basic (confidential client: TWITTER_CLIENT_ID + TWITTER_CLIENT_SECRET) or by client_id
 * alone (public client). TWITTER_REFRESH_TOKEN seeds the first pair.
 *
 * A token is renewed a minute before it expires, and at once when Twitter answers 401 to it (revoked early, clock
 * skew). A refresh token Twitter refuses is an `auth_revoked` failure: the messages wait in the dead-letter list
 * until an administrator seeds a new TWITTER_REFRESH_TOKEN.
 */
import { DeliveryError } from "../../app/outbound.ts";
import { checkBaseUrl, DEFAULT_TIMEOUT_MS, postOnce, redact } from "../outbound/http-delivery.ts";

/** Where the sender gets its bearer token: fixed (TWITTER_ACCESS_TOKEN) or renewed (TwitterUserToken). */
export interface AccessTokenSource {
  current(): Promise<string>;
  /** a fresh token after Twitter refused `stale`; null when this source cannot renew */
  renew(stale: string): Promise<string | null>;
}

export function fixedToken(token: string): AccessTokenSource {
  return { current: async () => token, renew: async () => null };
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
}

/** The shared pair under a lock (src/store/channel-tokens.store.ts withChannelToken, or an in-memory one in tests). */
export type TokenVault = <T>(fn: (current: TokenPair | null) => Promise<{ token: TokenPair | null; result: T }>) => Promise<T>;

export interface TwitterUserTokenOptions {
  /** TWITTER_API_BASE_URL; default the real API */
  baseUrl?: string;
  clientId: string;
  /** a confidential client's secret; unset for a public client */
  clientSecret?: string;
  /** TWITTER_REFRESH_TOKEN: the first refresh token, used while the vault holds none */
  refreshToken: string;
  vault: TokenVault;
  now?: () => number;
  timeoutMs?: number;
}

/** Renew this long before the token's end. */
const EARLY_MS = 60_000;

export class TwitterUserToken implements AccessTokenSource {
  private readonly base: string;
  private readonly now: () => number;
  private cached: TokenPair | null = null;

  constructor(private readonly opts: TwitterUserTokenOptions) {
    if (!opts.clientId) throw new Error("twitter token: clientId is required");
    if (!opts.refreshToken) throw new Error("twitter token: refreshToken is required");
    this.base = checkBaseUrl("twitter token", opts.baseUrl ?? "https://api.twitter.com");
    this.now = opts.now ?? Date.now;
  }

  async current(): Promise<string> {
    if (this.cached && this.fresh(this.cached)) return this.cached.accessToken;
    return this.obtain(null);
  }

  async renew(stale: string): Promise<string | null> {
    return this.obtain(stale);
  }

  private fresh(t: TokenPair): boolean {
    return t.expiresAt.getTime() - EARLY_MS > this.now();
  }

  /** The pair in the vault when it is fresh and not the one Twitter refused, else a refreshed one (saved). */
  private async obtain(stale: string | null): Promise<string> {
    const pair = await this.opts.vault(async (stored) => {
      if (stored && this.fresh(stored) && stored.accessToken !== stale) return { token: null, result: stored };
      const next = await this.refresh(stored?.refreshToken ?? this.opts.refreshToken);
      return { token: next, result: next };
    });
    this.cached = pair;
    return pair.accessToken;
  }

  private async refresh(refreshToken: string): Promise<TokenPair> {
    const what = "twitter token refresh";
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    if (this.opts.clientSecret) {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(this.opts.clientId)}:${encodeURIComponent(this.opts.clientSecret)}`).toString("base64")}`;
    } else {
      form.set("client_id", this.opts.clientId);
    }
    const answer = await postOnce(what, `${this.base}/2/oauth2/token`, { headers, body: form.toString() }, this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const body = (answer.json && typeof answer.json === "object" ? answer.json : {}) as Record<string, unknown>;
    if (answer.status >= 200 && answer.status < 300) {
      const access = body.access_token;
      const refresh = body.refresh_token;
      const expiresIn = Number(body.expires_in);
      if (typeof access !== "string" || !access || typeof refresh !== "string" || !refresh || !Number.isFinite(expiresIn) || expiresIn <= 0) {
        throw new DeliveryError("temporary", `${what}: the answer has no access_token, refresh_token or expires_in`);
      }
      return { accessToken: access, refreshToken: refresh, expiresAt: new Date(this.now() + expiresIn * 1000) };
    }
    const detail = [body.error, body.error_description].filter((v) => typeof v === "string").join(": ");
    const message = `${what}: HTTP ${answer.status}${detail ? ` ${redact(detail)}` : ""}`;
    if (answer.status === 408 || answer.status === 429 || answer.status >= 500) throw new DeliveryError("temporary", message);
    // 400 invalid_request (a spent or revoked refresh token), 401 (bad client credentials): a person must act
    throw new DeliveryError("auth_revoked", message);
  }
}

/** An in-process vault (tests; a single process without a database). */
export function memoryVault(initial: TokenPair | null = null): TokenVault & { pair: () => TokenPair | null } {
  let pair = initial;
  let queue: Promise<unknown> = Promise.resolve();
  const vault = (<T>(fn: (current: TokenPair | null) => Promise<{ token: TokenPair | null; result: T }>): Promise<T> => {
    const run = queue.then(async () => {
      const out = await fn(pair);
      if (out.token) pair = out.token;
      return out.result;
    });
    queue = run.catch(() => undefined);
    return run;
  }) as TokenVault & { pair: () => TokenPair | null };
  vault.pair = () => pair;
  return vault;
}
