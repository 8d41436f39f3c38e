/**
 * Twitter/X Account Activity API (AAA) webhook connector.
 *
 * - CRC challenge: GET ?crc_token=T is answered with
 *   {"response_token": "sha256=" + base64(HMAC-SHA256(consumer secret, T))} (see crcResponse).
 * - Every POST carries `X-Twitter-Webhooks-Signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>`.
 * - The body is an envelope `{ for_user_id, tweet_create_events?: Tweet[], direct_message_events?: [...],
 *   users?: {...}, favorite_events?, follow_events?, ... }`. Tweets (v1.1 "original format") and DMs
 *   (`message_create` events) become InboundMessages; our own tweets/DMs (echoes), retweets and tweets
 *   from users we blocked become kind "ignored"; all other event kinds yield no messages.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { findTicket, statusRequestTicket } from "../connector.ts";
import type {
  InboundAttachment,
  InboundKind,
  InboundMessage,
  SignedRequest,
  WebhookConnector,
} from "../connector.ts";

export interface TwitterConnectorOptions {
  /** the app's consumer (API) secret: the HMAC key of the CRC answer and of every webhook signature */
  consumerSecret: string;
  /** our account's numeric id (id_str); for_user_id of the envelope is also treated as ours */
  ownUserId?: string;
  /** our account's @handle, without "@" (e.g. "dkijakarta") */
  ownScreenName?: string;
}

export const TWITTER_SIGNATURE_HEADER = "x-twitter-webhooks-signature";

/** "sha256=" + base64 of exactly 32 bytes (43 base64 chars + one "=" pad). */
const SIGNATURE_RE = /^sha256=([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)$/;

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

function rec(v: unknown): Json | null {
  return isRecord(v) ? v : null;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** An id as Twitter sends it: id_str, or a numeric id that is still exact. */
function idOf(obj: Json, strKey: string, numKey?: string): string | null {
  const s = obj[strKey];
  if (typeof s === "string" && /^\d{1,30}$/.test(s)) return s;
  if (numKey !== undefined) {
    const n = obj[numKey];
    if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) return String(n);
  }
  return null;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** v1.1 created_at: "Wed May 24 20:03:13 +0000 2017". */
export function parseTwitterDate(v: unknown): Date | null {
  if (typeof v !== "string") return null;
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(v.trim());
  if (!m) return null;
  const month = MONTHS[m[1]!];
  if (month === undefined) return null;
  const offsetMin = (m[6] === "-" ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8]));
  const ms = Date.UTC(Number(m[9]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) - offsetMin * 60_000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** DM created_timestamp: epoch milliseconds as a string. */
function parseEpochMs(v: unknown): Date | null {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v : null;
  if (s === null || !/^\d{1,15}$/.test(s)) return null;
  const d = new Date(Number(s));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Tweet text is HTML-escaped by Twitter (only &amp; &lt; &gt;). */
function unescapeTweetText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function validLatLon(lat: number, lon: number): { lat: number; lon: number } | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

/** Exact point from `coordinates` (GeoJSON [lon, lat]), else the centroid of the place's bounding box. */
export function tweetLocation(tweet: Json): { lat: number; lon: number } | null {
  const coords = arr(rec(tweet.coordinates)?.coordinates);
  const lon = num(coords[0]);
  const lat = num(coords[1]);
  if (lon !== null && lat !== null) {
    const p = validLatLon(lat, lon);
    if (p) return p;
  }
  const ring = arr(arr(rec(rec(tweet.place)?.bounding_box)?.coordinates)[0]);
  const lons: number[] = [];
  const lats: number[] = [];
  for (const pt of ring) {
    const a = arr(pt);
    const x = num(a[0]);
    const y = num(a[1]);
    if (x !== null && y !== null) {
      lons.push(x);
      lats.push(y);
    }
  }
  if (lons.length === 0) return null;
  return validLatLon((Math.min(...lats) + Math.max(...lats)) / 2, (Math.min(...lons) + Math.max(...lons)) / 2);
}

function contentTypeOfMedia(url: string, type: string | null): string | null {
  const path = url.split(/[?#]/)[0]!.toLowerCase();
  if (path.endsWith(".jpg") || path.endsWith(".jpeg")) return "image/jpeg";
  if (path.endsWith(".png")) return "image/png";
  if (path.endsWith(".gif")) return "image/gif";
  if (path.endsWith(".webp")) return "image/webp";
  if (path.endsWith(".mp4")) return "video/mp4";
  return type === "photo" ? "image/jpeg" : null;
}

/** media[].media_url_https -> attachments; returns also the t.co links of the media (to take out of the text). */
function mediaAttachments(media: unknown[]): { attachments: InboundAttachment[]; links: string[] } {
  const attachments: InboundAttachment[] = [];
  const links: string[] = [];
  const seen = new Set<string>();
  for (const m of media) {
    const item = rec(m);
    if (!item) continue;
    const link = str(item.url);
    if (link) links.push(link);
    const url = str(item.media_url_https) ?? str(item.media_url);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const filename = url.split(/[?#]/)[0]!.split("/").pop() || null;
    attachments.push({ contentType: contentTypeOfMedia(url, str(item.type)), url, filename });
  }
  return { attachments, links };
}

function removeLinks(text: string, links: string[]): string {
  let out = text;
  for (const l of new Set(links)) out = out.split(l).join("");
  return out.replace(/[ \t]+$/gm, "").trim();
}

const LEADING_MENTION_RE = /^\s*[@＠]([A-Za-z0-9_]{1,15})\b/;

/** The text without its leading run of @mentions (all of them). */
function withoutLeadingMentions(text: string): string {
  let rest = text;
  for (let m = LEADING_MENTION_RE.exec(rest); m; m = LEADING_MENTION_RE.exec(rest)) rest = rest.slice(m[0].length);
  return rest.trim();
}

export class TwitterConnector implements WebhookConnector {
  readonly channel = "twitter";
  private readonly secret: string;
  private readonly ownUserId: string | null;
  private readonly ownScreenName: string | null;

  constructor(options: TwitterConnectorOptions) {
    if (typeof options.consumerSecret !== "string" || options.consumerSecret.length === 0) {
      throw new Error("TwitterConnector: consumerSecret is required");
    }
    this.secret = options.consumerSecret;
    this.ownUserId = options.ownUserId ?? null;
    this.ownScreenName = options.ownScreenName ? options.ownScreenName.replace(/^@/, "").toLowerCase() : null;
  }

  /** The answer to the CRC challenge (GET ?crc_token=...), to be sent as JSON. */
  crcResponse(crcToken: string): { response_token: string } {
    if (typeof crcToken !== "string" || crcToken.length === 0) throw new Error("crc_token is required");
    return { response_token: `sha256=${this.hmac(Buffer.from(crcToken, "utf8")).toString("base64")}` };
  }

  /** The header value a correct sender puts on this body (for fakes and tests). */
  sign(rawBody: Buffer | string): string {
    return `sha256=${this.hmac(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody).toString("base64")}`;
  }

  /** The CRC challenge (GET ?crc_token=...), or null without a token. */
  challenge(query: Record<string, unknown>): Record<string, unknown> | null {
    return typeof query.crc_token === "string" && query.crc_token ? this.crcResponse(query.crc_token) : null;
  }

  verify(request: SignedRequest): boolean {
    const header = headerValue(request.headers, TWITTER_SIGNATURE_HEADER);
    if (header === null) return false;
    const m = SIGNATURE_RE.exec(header.trim());
    if (!m) return false;
    const given = Buffer.from(m[1]!, "base64");
    if (!Buffer.isBuffer(request.rawBody)) return false;
    const expected = this.hmac(request.rawBody);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  parse(rawBody: Buffer, _contentType: string): InboundMessage[] {
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString("utf8"));
    } catch (e) {
      throw new Error(`twitter: body is not JSON (${(e as Error).message})`);
    }
    if (!isRecord(payload)) throw new Error("twitter: payload is not an object");
    const hasTweets = "tweet_create_events" in payload;
    const hasDms = "direct_message_events" in payload;
    const forUserId = idOf(payload, "for_user_id");
    if (forUserId === null && !hasTweets && !hasDms) {
      throw new Error("twitter: payload is not an Account Activity envelope (no for_user_id, tweet_create_events or direct_message_events)");
    }
    if (hasTweets && !Array.isArray(payload.tweet_create_events)) throw new Error("twitter: tweet_create_events is not an array");
    if (hasDms && !Array.isArray(payload.direct_message_events)) throw new Error("twitter: direct_message_events is not an array");

    const blocked = payload.user_has_blocked === true || payload.user_has_blocked === "true";
    const users = rec(payload.users) ?? {};
    const out: InboundMessage[] = [];
    for (const t of arr(payload.tweet_create_events)) out.push(this.parseTweet(t, forUserId, blocked));
    for (const ev of arr(payload.direct_message_events)) {
      const m = this.parseDirectMessage(ev, forUserId, users);
      if (m) out.push(m);
    }
    // favorite_events, follow_events, block/mute events, tweet_delete_events,
    // direct_message_indicate_typing_events, direct_message_mark_read_events ...: nothing for us.
    return out;
  }

  private hmac(data: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(data).digest();
  }

  private isOurs(userId: string | null, forUserId: string | null): boolean {
    if (userId === null) return false;
    return userId === this.ownUserId || userId === forUserId;
  }

  private isOurMention(screenName: string, mentions: unknown[], forUserId: string | null): boolean {
    const lower = screenName.toLowerCase();
    if (this.ownScreenName !== null && lower === this.ownScreenName) return true;
    for (const m of mentions) {
      const mention = rec(m);
      if (!mention) continue;
      if (str(mention.screen_name)?.toLowerCase() !== lower) continue;
      const id = idOf(mention, "id_str", "id");
      if (id !== null && this.isOurs(id, forUserId)) return true;
    }
    return false;
  }

  /** Drops our own @handle(s) from the leading run of mentions; other leading mentions stay. */
  private stripOurLeadingMentions(text: string, mentions: unknown[], forUserId: string | null): string {
    let rest = text;
    const kept: string[] = [];
    for (let m = LEADING_MENTION_RE.exec(rest); m; m = LEADING_MENTION_RE.exec(rest)) {
      if (!this.isOurMention(m[1]!, mentions, forUserId)) kept.push(`@${m[1]!}`);
      rest = rest.slice(m[0].length);
    }
    rest = rest.trim();
    return kept.length > 0 ? `${kept.join(" ")} ${rest}`.trim() : rest;
  }

  private parseTweet(raw: unknown, forUserId: string | null, blocked: boolean): InboundMessage {
    const tweet = rec(raw);
    if (!tweet) throw new Error("twitter: a tweet_create_events item is not an object");
    const id = idOf(tweet, "id_str", "id");
    if (id === null) throw new Error("twitter: a tweet without id_str");
    const user = rec(tweet.user);
    const userId = user ? idOf(user, "id_str", "id") : null;
    if (!user || userId === null) throw new Error(`twitter: tweet ${id} has no user id`);

    const ext = tweet.truncated === true ? rec(tweet.extended_tweet) : null;
    const fullText = (ext ? str(ext.full_text) : null) ?? (typeof tweet.text === "string" ? tweet.text : "");
    const entities = rec(ext?.entities) ?? rec(tweet.entities);
    const mentions = arr(entities?.user_mentions);
    const mediaSource =
      arr(rec(ext?.extended_entities)?.media).length > 0
        ? arr(rec(ext?.extended_entities)?.media)
        : arr(rec(tweet.extended_entities)?.media).length > 0
          ? arr(rec(tweet.extended_entities)?.media)
          : arr(entities?.media);
    const { attachments, links } = mediaAttachments(mediaSource);

    const text = removeLinks(
      this.stripOurLeadingMentions(unescapeTweetText(fullText), mentions, forUserId),
      links,
    );
    const references: string[] = [];
    const quoted = idOf(tweet, "quoted_status_id_str");
    if (quoted) references.push(quoted);

    let kind: InboundKind = "message";
    let ignoredReason: string | undefined;
    const statusTicket = statusRequestTicket(withoutLeadingMentions(text));
    if (this.isOurs(userId, forUserId)) {
      kind = "ignored";
      ignoredReason = "echo of our own tweet";
    } else if (tweet.retweeted_status !== undefined && tweet.retweeted_status !== null) {
      kind = "ignored";
      ignoredReason = "retweet";
    } else if (blocked) {
      kind = "ignored";
      ignoredReason = "author is blocked by our account";
    } else if (statusTicket) {
      kind = "status_request";
    }

    const msg: InboundMessage = {
      channel: this.channel,
      externalId: id,
      kind,
      sender: { kind: "twitter_id", value: userId, name: str(user.screen_name) },
      text,
      sentAt: parseTwitterDate(tweet.created_at),
      location: tweetLocation(tweet),
      attachments,
      thread: {
        ticket: statusTicket ?? findTicket(text),
        inReplyTo: idOf(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id"),
        ...(references.length > 0 ? { references } : {}),
      },
    };
    if (ignoredReason) msg.ignoredReason = ignoredReason;
    return msg;
  }

  private parseDirectMessage(raw: unknown, forUserId: string | null, users: Json): InboundMessage | null {
    const ev = rec(raw);
    if (!ev) throw new Error("twitter: a direct_message_events item is not an object");
    if (ev.type !== "message_create") return null;
    const id = idOf(ev, "id");
    if (id === null) throw new Error("twitter: a direct message event without id");
    const mc = rec(ev.message_create);
    const senderId = mc ? idOf(mc, "sender_id") : null;
    if (!mc || senderId === null) throw new Error(`twitter: direct message ${id} has no sender_id`);
    const data = rec(mc.message_data);
    const media = rec(rec(data?.attachment)?.media);
    const { attachments, links } = mediaAttachments(media ? [media] : []);
    const text = removeLinks(typeof data?.text === "string" ? data.text : "", links);
    const sender = rec(users[senderId]);

    let kind: InboundKind = "message";
    let ignoredReason: string | undefined;
    const statusTicket = statusRequestTicket(text);
    if (this.isOurs(senderId, forUserId)) {
      kind = "ignored";
      ignoredReason = "echo of our own direct message";
    } else if (statusTicket) {
      kind = "status_request";
    }
    const msg: InboundMessage = {
      channel: this.channel,
      externalId: id,
      kind,
      sender: { kind: "twitter_id", value: senderId, name: sender ? str(sender.screen_name) : null },
      text,
      sentAt: parseEpochMs(ev.created_timestamp),
      location: null,
      attachments,
      thread: { ticket: statusTicket ?? findTicket(text), inReplyTo: null },
    };
    if (ignoredReason) msg.ignoredReason = ignoredReason;
    return msg;
  }
}

/** One header value, by case-insensitive name; several values (a repeated header) are refused. */
function headerValue(headers: SignedRequest["headers"], name: string): string | null {
  let found: string | null = null;
  let count = 0;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    if (typeof v === "string") {
      found = v;
      count += 1;
    } else if (Array.isArray(v)) {
      for (const item of v) {
        found = item;
        count += 1;
      }
    }
  }
  return count === 1 ? found : null;
}
