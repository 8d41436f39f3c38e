/**
 * Answers on Twitter/X through API v2 with an OAuth 2.0 user-context token of our account (scopes tweet.read
 * tweet.write users.read dm.read dm.write offline.access): renewed by itself from TWITTER_CLIENT_ID and
 * TWITTER_REFRESH_TOKEN (twitter-oauth.ts), or a fixed TWITTER_ACCESS_TOKEN (it expires after two hours):
 *
 * - a public reply tweet, POST /2/tweets {text, reply: {in_reply_to_tweet_id}}, for the lifecycle
 *   templates that carry only the ticket, a unit and the officers' public comment
 *   (PUBLIC_REPLY_TEMPLATES), when the report came in by a tweet. The text goes through
 *   formatReplyTweet (personal data masked, 280 weighted characters); Twitter addresses the reply
 *   to the tweet's author itself. If that tweet is gone, the answer goes by DM instead;
 * - a direct message, POST /2/dm_conversations/with/{participant_id}/messages {text}, for
 *   everything else: status answers, unknown tickets, a report that came in by DM (its channelRef
 *   is "dm:<event id>"), and any text that names the citizen.
 *
 * Idempotency: Twitter has no idempotency header. The outbox's key is sent as `Idempotency-Key`
 * (Twitter ignores it; a proxy or a fake can log it), but exactly-once rests on our own record: the
 * relay marks the row sent in the transaction that claimed it. If the process dies between
 * Twitter's answer and that commit, the retry posts again: a reply tweet is then refused as
 * "duplicate content" (403), which counts as already sent; a DM can arrive twice.
 */
import type { OutboundMessage, OutboundSender } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { DM_ID_PREFIX } from "../twitter/twitter.connector.ts";
import { fixedToken, type AccessTokenSource } from "../twitter/twitter-oauth.ts";
import { formatReplyTweet } from "../twitter/twitter-replies.ts";
import { checkBaseUrl, DEFAULT_TIMEOUT_MS, parseRetryAfter, postOnce, redact, truncateText, type HttpAnswer } from "./http-delivery.ts";

/** Templates without anything private: a public reply tweet may carry them. */
export const PUBLIC_REPLY_TEMPLATES: ReadonlySet<string> = new Set([
  "received", "taken_up", "coordinated", "done", "closed", "dispute_accepted", "reopened",
]);

/** Twitter refuses direct messages over 10,000 characters. */
export const DM_MAX_TEXT = 10_000;

const MAX_WAIT_MS = 24 * 3600_000;
const TWEET_ID_RE = /^\d{1,30}$/;
const DUPLICATE_RE = /duplicate content|status is a duplicate/i;
const REPLY_GONE_RE = /reply to a tweet that is deleted or not visible/i;
/** v2 problem types of a 403 that mean our credentials, not the request, are wrong. */
const CREDENTIAL_PROBLEMS = /\/problems\/(client-forbidden|unsupported-authentication)$/;

export interface TwitterSenderOptions {
  /** TWITTER_API_BASE_URL; default the real API */
  baseUrl?: string;
  /** OAuth 2.0 user-context access token of our account (not the app-only bearer token), fixed ... */
  accessToken?: string;
  /** ... or renewed (twitter-oauth.ts TwitterUserToken): a 401 then renews it and sends once more */
  token?: AccessTokenSource;
  /** a citizen's identity of one kind; the connector records senders as "twitter_id" (numeric user id) */
  identity: (citizenId: string, kind: string) => Promise<string | null>;
  /** the report's channelRef, the externalId of its first message: a tweet id, or "dm:<event id>" (senders.ts ReportRefLookup) */
  reportRef: (reportId: string) => Promise<string | null>;
  timeoutMs?: number;
  /** the clock x-rate-limit-reset is measured against */
  now?: () => number;
}

/** A Twitter error answer: the v2 problem (title, detail, type) or v1.1 `errors[].message`, in one text. */
interface Problem {
  text: string;
  type: string | null;
}

export class TwitterSender implements OutboundSender {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly token: AccessTokenSource;

  constructor(private readonly opts: TwitterSenderOptions) {
    if (!opts.token && !opts.accessToken) throw new Error("twitter send: accessToken or token is required");
    this.token = opts.token ?? fixedToken(opts.accessToken!);
    this.base = checkBaseUrl("twitter send", opts.baseUrl ?? "https://api.twitter.com");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const tweetId = await this.publicReplyTo(message);
    if (tweetId !== null) {
      const result = await this.replyTweet(message, tweetId);
      if (result !== "reply_target_gone") return result;
    }
    return this.directMessage(message);
  }

  /** The tweet a public reply answers, or null when the answer must be private. */
  private async publicReplyTo(message: OutboundMessage): Promise<string | null> {
    if (!PUBLIC_REPLY_TEMPLATES.has(message.template) || message.reportId === null) return null;
    if (namesCitizen(message.text, message.citizen)) return null;
    const ref = await this.opts.reportRef(message.reportId);
    return ref !== null && TWEET_ID_RE.test(ref) ? ref : null;
  }

  private async replyTweet(message: OutboundMessage, tweetId: string): Promise<{ externalId?: string } | "reply_target_gone"> {
    const what = "twitter reply";
    const text = formatReplyTweet(message.text, null);
    const answer = await this.post(what, "/2/tweets", message, { text, reply: { in_reply_to_tweet_id: tweetId } });
    if (answer.status >= 200 && answer.status < 300) return withId(dataField(answer.json, "id"));
    const problem = problemOf(answer.json);
    // An earlier attempt got through but its success was never recorded.
    if (answer.status === 403 && DUPLICATE_RE.test(problem.text)) return {};
    if (answer.status === 403 && REPLY_GONE_RE.test(problem.text)) return "reply_target_gone";
    throw this.failure(what, answer, problem);
  }

  private async directMessage(message: OutboundMessage): Promise<{ externalId?: string }> {
    const what = "twitter dm";
    const participant = (await this.opts.identity(message.citizen.id, "twitter_id"))?.trim();
    if (!participant) throw new DeliveryError("malformed", `${what}: no Twitter id for the citizen`);
    if (!TWEET_ID_RE.test(participant)) throw new DeliveryError("malformed", `${what}: the citizen's Twitter id is not valid`);
    const text = truncateText(message.text, DM_MAX_TEXT);
    if (!text.trim()) throw new DeliveryError("malformed", `${what}: empty message text`);
    const answer = await this.post(what, `/2/dm_conversations/with/${participant}/messages`, message, { text });
    if (answer.status >= 200 && answer.status < 300) {
      const id = dataField(answer.json, "dm_event_id");
      return withId(id ? `${DM_ID_PREFIX}${id}` : null);
    }
    throw this.failure(what, answer, problemOf(answer.json));
  }

  /** POSTs with the current token; a 401 renews it (when the source can) and POSTs once more. */
  private async post(what: string, path: string, message: OutboundMessage, body: unknown): Promise<HttpAnswer> {
    const token = await this.token.current();
    const answer = await this.postWith(token, what, path, message, body);
    if (answer.status !== 401) return answer;
    const renewed = await this.token.renew(token);
    return renewed && renewed !== token ? this.postWith(renewed, what, path, message, body) : answer;
  }

  private postWith(token: string, what: string, path: string, message: OutboundMessage, body: unknown): Promise<HttpAnswer> {
    return postOnce(
      what,
      `${this.base}${path}`,
      {
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json",
          "idempotency-key": message.idempotencyKey,
        },
        body: JSON.stringify(body),
      },
      this.timeoutMs,
    );
  }

  /** 429 rate_limited (until x-rate-limit-reset), 401 auth_revoked, 5xx/408 temporary, other 4xx malformed. */
  private failure(what: string, answer: HttpAnswer, problem: Problem): DeliveryError {
    const message = `${what}: HTTP ${answer.status}${problem.text ? ` ${redact(problem.text)}` : ""}`;
    const status = answer.status;
    if (status === 429) return new DeliveryError("rate_limited", message, twitterRetryAfterMs(answer.headers, this.now()));
    if (status === 401) return new DeliveryError("auth_revoked", message);
    if (status === 403 && problem.type !== null && CREDENTIAL_PROBLEMS.test(problem.type)) return new DeliveryError("auth_revoked", message);
    if (status === 408 || status >= 500) return new DeliveryError("temporary", message, parseRetryAfter(answer.headers.get("retry-after"), this.now()));
    return new DeliveryError("malformed", message);
  }
}

/**
 * How long a Twitter rate limit lasts: until x-rate-limit-reset (epoch seconds) of the 15-minute
 * window, or of an exhausted 24-hour user or app limit when that is later; else Retry-After.
 * Capped at 24 h; undefined when the answer says nothing.
 */
export function twitterRetryAfterMs(headers: Headers, now: number): number | undefined {
  const epochMs = (name: string): number | null => {
    const v = headers.get(name)?.trim();
    return v && /^\d{1,12}$/.test(v) ? Number(v) * 1000 : null;
  };
  const resets: number[] = [];
  const window = epochMs("x-rate-limit-reset");
  if (window !== null) resets.push(window);
  for (const scope of ["user", "app"]) {
    const reset = epochMs(`x-${scope}-limit-24hour-reset`);
    if (reset !== null && headers.get(`x-${scope}-limit-24hour-remaining`)?.trim() === "0") resets.push(reset);
  }
  if (resets.length === 0) return parseRetryAfter(headers.get("retry-after"), now);
  return Math.min(Math.max(0, Math.max(...resets) - now), MAX_WAIT_MS);
}

/** A name, e-mail address or phone number of the citizen in the text: such a text is never tweeted. */
function namesCitizen(text: string, citizen: OutboundMessage["citizen"]): boolean {
  const lower = text.toLowerCase();
  if (citizen.name && citizen.name.trim().length >= 3 && lower.includes(citizen.name.trim().toLowerCase())) return true;
  if (citizen.email && lower.includes(citizen.email.toLowerCase())) return true;
  const phone = citizen.phone?.replace(/\D/g, "").slice(-8);
  return !!phone && phone.length === 8 && text.replace(/\D/g, "").includes(phone);
}

function dataField(json: unknown, key: string): string | null {
  const data = json && typeof json === "object" ? (json as { data?: unknown }).data : undefined;
  const v = data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" && v ? v : null;
}

function withId(id: string | null): { externalId?: string } {
  return id ? { externalId: id } : {};
}

function problemOf(json: unknown): Problem {
  if (!json || typeof json !== "object") return { text: "", type: null };
  const j = json as { title?: unknown; detail?: unknown; type?: unknown; errors?: unknown };
  const parts = [j.title, j.detail].filter((p): p is string => typeof p === "string" && p.length > 0);
  if (Array.isArray(j.errors)) {
    for (const e of j.errors) {
      const m = e && typeof e === "object" ? (e as { message?: unknown }).message : undefined;
      if (typeof m === "string" && m) parts.push(m);
    }
  }
  return { text: parts.join(": "), type: typeof j.type === "string" ? j.type : null };
}
