/**
 * Test-only: a local fake of the Twitter/X API v2 endpoints Aspirasi uses, on 127.0.0.1 (port 0),
 * built on fake-http:
 * - GET /2/users/{id}/mentions: the mentions set up by the test, newest first, with since_id,
 *   max_results (5-100), pagination_token / meta.next_token, and `includes` for the expansions
 *   asked for (author_id, attachments.media_keys, geo.place_id); app-only or user-context token;
 * - POST /2/tweets (reply tweets) and POST /2/dm_conversations/with/{participant_id}/messages,
 *   user-context token only; both are recorded. A tweet with the text of an earlier one is refused
 *   as duplicate content, a reply to an unknown tweet as deleted or not visible, like Twitter does.
 * Errors take Twitter's v2 problem shape; failNext scripts one answer for one endpoint.
 */
import { startFakeHttp, type FakeHttp, type FakeReply, type RecordedRequest } from "../outbound/fake-http.ts";
import { tweetLength } from "./twitter-replies.ts";

export type V2Tweet = { id: string; author_id: string; text: string } & Record<string, unknown>;
export interface V2User {
  id: string;
  username: string;
  name: string;
}

export interface PostedTweet {
  id: string;
  text: string;
  inReplyTo: string | null;
  idempotencyKey: string | null;
}

export interface SentDm {
  eventId: string;
  participantId: string;
  text: string;
  idempotencyKey: string | null;
}

export type FakeTwitterEndpoint = "mentions" | "tweet" | "dm" | "token";

export interface FakeTwitterOptions {
  /** our account's id: its mentions timeline is served */
  userId: string;
  /** the app-only bearer token (TWITTER_BEARER_TOKEN) */
  bearerToken: string;
  /** our account's OAuth 2.0 user-context token (TWITTER_ACCESS_TOKEN) */
  accessToken: string;
  /** OAuth 2.0 refresh (POST /2/oauth2/token): our client and the refresh token that is valid now */
  oauth?: { clientId: string; clientSecret?: string; refreshToken: string; expiresIn?: number };
}

export interface FakeTwitter {
  origin: string;
  requests: RecordedRequest[];
  tweets: PostedTweet[];
  dms: SentDm[];
  /** a tweet mentioning our account (with its author, and the media and places it refers to) */
  mention(tweet: V2Tweet, author: V2User, extra?: { media?: Record<string, unknown>[]; places?: Record<string, unknown>[] }): void;
  /** the user-context access token accepted now (it changes with every refresh) */
  accessToken(): string;
  /** the refresh token accepted now (each refresh spends it) */
  refreshToken(): string;
  /** the access token stops working, as after its two hours */
  expireAccessToken(): void;
  /** a request to this endpoint, after `skip` normal answers, gets this answer (then the normal behaviour resumes) */
  failNext(endpoint: FakeTwitterEndpoint, reply: FakeReply, skip?: number): void;
  close(): Promise<void>;
}

/** Twitter's 429: the window resets at `resetAt` (x-rate-limit-reset is in epoch seconds). */
export function tooManyRequests(resetAt: Date): FakeReply {
  return {
    status: 429,
    headers: { "x-rate-limit-limit": "300", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(Math.ceil(resetAt.getTime() / 1000)) },
    json: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 },
  };
}

const problem = (status: number, title: string, detail: string, type = "about:blank"): FakeReply => ({ status, json: { title, detail, type, status } });
const unauthorized = problem(401, "Unauthorized", "Unauthorized");
const appOnlyForbidden = problem(403, "Unsupported Authentication",
  "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].",
  "https://api.twitter.com/2/problems/unsupported-authentication");
const invalid = (message: string): FakeReply => ({
  status: 400,
  json: { errors: [{ message }], title: "Invalid Request", detail: "One or more parameters to your request was invalid.", type: "https://api.twitter.com/2/problems/invalid-request" },
});

export async function startFakeTwitter(opts: FakeTwitterOptions): Promise<FakeTwitter> {
  const mentions: V2Tweet[] = [];
  const users = new Map<string, V2User>();
  const media = new Map<string, Record<string, unknown>>();
  const places = new Map<string, Record<string, unknown>>();
  const tweets: PostedTweet[] = [];
  const dms: SentDm[] = [];
  const failures = new Map<FakeTwitterEndpoint, Array<{ skip: number; reply: FakeReply }>>();
  let nextId = 1_800_000_000_000_000_000n;
  const newId = () => String(++nextId);

  let access: string | null = opts.accessToken;
  let refresh = opts.oauth?.refreshToken ?? null;
  let issued = 0;
  const bearer = (req: RecordedRequest) => req.headers.authorization?.replace(/^Bearer /, "") ?? null;
  const userContext = (req: RecordedRequest): FakeReply | null => {
    const token = bearer(req);
    if (token !== null && token === access) return null;
    return token === opts.bearerToken ? appOnlyForbidden : unauthorized;
  };
  const jsonBody = (req: RecordedRequest): Record<string, unknown> | null => {
    try {
      const v = JSON.parse(req.body) as unknown;
      return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const idempotencyKey = (req: RecordedRequest) => (typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null);

  function mentionsPage(req: RecordedRequest, url: URL, userId: string): FakeReply {
    const token = bearer(req);
    if (token !== opts.bearerToken && (token === null || token !== access)) return unauthorized;
    const max = Number(url.searchParams.get("max_results") ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100) return invalid("The `max_results` query parameter value is not between 5 and 100");
    const since = url.searchParams.get("since_id");
    if (since !== null && !/^\d+$/.test(since)) return invalid("The `since_id` query parameter value is not valid");
    const pagination = url.searchParams.get("pagination_token");
    if (pagination !== null && !/^next_\d+$/.test(pagination)) return invalid("The `pagination_token` query parameter value is not valid");
    const offset = pagination === null ? 0 : Number(pagination.slice("next_".length));
    const all = userId === opts.userId
      ? mentions.filter((t) => since === null || BigInt(t.id) > BigInt(since)).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      : [];
    const page = all.slice(offset, offset + max);
    if (page.length === 0) return { status: 200, json: { meta: { result_count: 0 } } };
    const expansions = new Set((url.searchParams.get("expansions") ?? "").split(","));
    const includes: Record<string, unknown[]> = {};
    if (expansions.has("author_id")) includes.users = [...new Set(page.map((t) => t.author_id))].map((id) => users.get(id)).filter(Boolean);
    const keys = page.flatMap((t) => ((t.attachments as { media_keys?: string[] } | undefined)?.media_keys ?? []));
    if (expansions.has("attachments.media_keys") && keys.length) includes.media = keys.map((k) => media.get(k)).filter(Boolean);
    const placeIds = page.map((t) => (t.geo as { place_id?: string } | undefined)?.place_id).filter((p): p is string => !!p);
    if (expansions.has("geo.place_id") && placeIds.length) includes.places = [...new Set(placeIds)].map((p) => places.get(p)).filter(Boolean);
    const more = offset + max < all.length;
    return {
      status: 200,
      json: {
        data: page,
        includes,
        meta: { result_count: page.length, newest_id: page[0]!.id, oldest_id: page.at(-1)!.id, ...(more ? { next_token: `next_${offset + max}` } : {}) },
      },
    };
  }

  function postTweet(req: RecordedRequest): FakeReply {
    const denied = userContext(req);
    if (denied) return denied;
    const body = jsonBody(req);
    const text = body?.text;
    if (typeof text !== "string" || !text.trim()) return invalid("$.text: text is required");
    if (tweetLength(text) > 280) return problem(403, "Forbidden", "Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.");
    const reply = body?.reply as { in_reply_to_tweet_id?: unknown } | undefined;
    const inReplyTo = typeof reply?.in_reply_to_tweet_id === "string" ? reply.in_reply_to_tweet_id : null;
    if (reply !== undefined && inReplyTo === null) return invalid("$.reply.in_reply_to_tweet_id: must be a string");
    if (tweets.some((t) => t.text === text)) return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
    if (inReplyTo !== null && !mentions.some((t) => t.id === inReplyTo) && !tweets.some((t) => t.id === inReplyTo)) {
      return problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you.");
    }
    const id = newId();
    tweets.push({ id, text, inReplyTo, idempotencyKey: idempotencyKey(req) });
    return { status: 201, json: { data: { id, text, edit_history_tweet_ids: [id] } } };
  }

  function postDm(req: RecordedRequest, participantId: string): FakeReply {
    const denied = userContext(req);
    if (denied) return denied;
    if (participantId === opts.userId) return problem(403, "Forbidden", "You cannot send messages to yourself.");
    const text = jsonBody(req)?.text;
    if (typeof text !== "string" || !text.trim() || text.length > 10_000) return invalid("$.text: text is required and at most 10000 characters");
    const eventId = newId();
    dms.push({ eventId, participantId, text, idempotencyKey: idempotencyKey(req) });
    const pair = [opts.userId, participantId].sort();
    return { status: 201, json: { data: { dm_conversation_id: pair.join("-"), dm_event_id: eventId } } };
  }

  /** OAuth 2.0 refresh_token grant: a confidential client by HTTP Basic, a public one by client_id; the pair rotates. */
  function token(req: RecordedRequest): FakeReply {
    const oauth = opts.oauth;
    const form = new URLSearchParams(req.body);
    const basic = req.headers.authorization?.startsWith("Basic ") ? Buffer.from(req.headers.authorization.slice(6), "base64").toString() : null;
    const clientOk = oauth && (oauth.clientSecret
      ? basic === `${encodeURIComponent(oauth.clientId)}:${encodeURIComponent(oauth.clientSecret)}`
      : form.get("client_id") === oauth.clientId);
    if (!clientOk) return { status: 401, json: { error: "unauthorized_client", error_description: "Missing valid authorization header" } };
    if (form.get("grant_type") !== "refresh_token" || !refresh || form.get("refresh_token") !== refresh) {
      return { status: 400, json: { error: "invalid_request", error_description: "Value passed for the token was invalid." } };
    }
    issued++;
    access = `user-access-${issued}`;
    refresh = `user-refresh-${issued}`;
    return { status: 200, json: { token_type: "bearer", expires_in: oauth!.expiresIn ?? 7200, access_token: access, scope: "tweet.read tweet.write users.read dm.read dm.write offline.access", refresh_token: refresh } };
  }

  function route(req: RecordedRequest): { endpoint: FakeTwitterEndpoint; answer: () => FakeReply } | null {
    const url = new URL(req.url, "http://api.twitter.test");
    if (req.method === "POST" && url.pathname === "/2/oauth2/token") return { endpoint: "token", answer: () => token(req) };
    const m = /^\/2\/users\/(\d+)\/mentions$/.exec(url.pathname);
    if (req.method === "GET" && m) return { endpoint: "mentions", answer: () => mentionsPage(req, url, m[1]!) };
    if (req.method === "POST" && url.pathname === "/2/tweets") return { endpoint: "tweet", answer: () => postTweet(req) };
    const dm = /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(url.pathname);
    if (req.method === "POST" && dm) return { endpoint: "dm", answer: () => postDm(req, dm[1]!) };
    return null;
  }

  const http: FakeHttp = await startFakeHttp((req) => {
    const r = route(req);
    if (!r) return problem(404, "Not Found Error", "Sorry, that page does not exist.");
    const queued = failures.get(r.endpoint) ?? [];
    if (queued[0] && queued[0].skip-- === 0) return queued.shift()!.reply;
    return r.answer();
  });

  return {
    origin: http.origin,
    requests: http.requests,
    tweets,
    dms,
    mention(tweet, author, extra = {}) {
      mentions.push(tweet);
      users.set(author.id, author);
      for (const m of extra.media ?? []) media.set(String(m.media_key), m);
      for (const p of extra.places ?? []) places.set(String(p.id), p);
    },
    accessToken: () => access ?? "",
    refreshToken: () => refresh ?? "",
    expireAccessToken() {
      access = null;
    },
    failNext(endpoint, reply, skip = 0) {
      failures.set(endpoint, [...(failures.get(endpoint) ?? []), { skip, reply }]);
    },
    close: () => http.close(),
  };
}
