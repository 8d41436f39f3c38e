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
 * - The mention poller's pages (API v2 `GET /2/users/{id}/mentions`, stored raw with the content type
 *   TWITTER_V2_CONTENT_TYPE) parse the same way: a tweet keeps its id as externalId in both formats, so
 *   one that arrives by webhook and by polling is one message (the inbound store dedups by externalId).
 * - External ids: a tweet is its bare id (so reply chains match in_reply_to ids); a DM is "dm:<event id>",
 *   so a report's channelRef tells an answer whether the conversation was public or private.
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

/** A page of API v2 tweets as the mention poller stores it; `; for_user_id=<id>` names our account. */
export const TWITTER_V2_CONTENT_TYPE = "application/vnd.aspirasi.twitter-v2+json";

/** The external id of a direct message: "dm:<event id>" (tweets keep their bare id). */
export const DM_ID_PREFIX = "dm:";

/** The content type a v2 page of mentions of `forUserId` is stored with. */
export function twitterV2ContentType(forUserId: string): string {
  return `${TWITTER_V2_CONTENT_TYPE}; for_user_id=${forUserId}`;
}

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

/** v2 created_at: "2017-05-24T20:03:13.000Z". */
function parseIsoDate(v: unknown): Date | null {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(v)) return null;
  const d = new Date(v);
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

/** The centre of the box around these points ([lon, lat] pairs), or null without any. */
function centroid(points: unknown[]): { lat: number; lon: number } | null {
  const lons: number[] = [];
  const lats: number[] = [];
  for (const pt of points) {
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

/** A GeoJSON point ([lon, lat]) when it is valid. */
function geoPoint(coordinates: unknown): { lat: number; lon: number } | null {
  const coords = arr(coordinates);
  const lon = num(coords[0]);
  const lat = num(coords[1]);
  return lon !== null && lat !== null ? validLatLon(lat, lon) : null;
}

/** Exact point from `coordinates` (GeoJSON [lon, lat]), else the centroid of the place's bounding box. */
export function tweetLocation(tweet: Json): { lat: number; lon: number } | null {
  return geoPoint(rec(tweet.coordinates)?.coordinates) ?? centroid(arr(arr(rec(rec(tweet.place)?.bounding_box)?.coordinates)[0]));
}

/** v2: geo.coordinates (a GeoJSON point), else the centroid of the place's bbox [west, south, east, north]. */
function v2Location(tweet: Json, places: Map<string, Json>): { lat: number; lon: number } | null {
  const geo = rec(tweet.geo);
  const point = geoPoint(rec(geo?.coordinates)?.coordinates);
  if (point) return point;
  const placeId = geo ? str(geo.place_id) : null;
  const bbox = arr(rec(placeId ? places.get(placeId)?.geo : null)?.bbox);
  return bbox.length === 4 ? centroid([[bbox[0], bbox[1]], [bbox[2], bbox[3]]]) : null;
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

/** Media (where the channel serves each file, and its kind) -> attachments, each file once. */
function mediaAttachments(media: ReadonlyArray<{ url: string | null; type: string | null }>): InboundAttachment[] {
  const attachments: InboundAttachment[] = [];
  const seen = new Set<string>();
  for (const { url, type } of media) {
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const filename = url.split(/[?#]/)[0]!.split("/").pop() || null;
    attachments.push({ contentType: contentTypeOfMedia(url, type), url, filename });
  }
  return attachments;
}

/** v1.1 media entities (media_url_https; `url` is the t.co link of the media in the text). */
function v1Media(media: unknown[]): { attachments: InboundAttachment[]; links: string[] } {
  const items = media.map(rec).filter((m): m is Json => m !== null);
  return {
    attachments: mediaAttachments(items.map((m) => ({ url: str(m.media_url_https) ?? str(m.media_url), type: str(m.type) }))),
    links: items.map((m) => str(m.url)).filter((l): l is string => l !== null),
  };
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

/** A user mentioned in a tweet (v1.1 entities.user_mentions, v2 entities.mentions). */
interface MentionRef {
  screenName: string | null;
  id: string | null;
}

/** What both formats tell of a tweet, in the same terms. */
interface TweetFields {
  id: string;
  userId: string;
  screenName: string | null;
  /** the full text as Twitter sends it (HTML-escaped, leading @mentions included) */
  rawText: string;
  mentions: MentionRef[];
  attachments: InboundAttachment[];
  /** t.co links of the media, taken out of the text */
  mediaLinks: string[];
  location: { lat: number; lon: number } | null;
  sentAt: Date | null;
  inReplyTo: string | null;
  /** earlier tweets of the same conversation: a quoted tweet, the conversation's first tweet (v2) */
  references: string[];
  retweet: boolean;
}

/** Tweet ids are 64-bit: compared as numbers, they sort by time. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Items of an array of objects by one of their string fields (v2 `includes`). */
function byKey(items: unknown[], key: string): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const item of items) {
    const r = rec(item);
    const k = r ? str(r[key]) : null;
    if (r && k) out.set(k, r);
  }
  return out;
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

  parse(rawBody: Buffer, contentType: string): InboundMessage[] {
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString("utf8"));
    } catch (e) {
      throw new Error(`twitter: body is not JSON (${(e as Error).message})`);
    }
    if (!isRecord(payload)) throw new Error("twitter: payload is not an object");
    const [mediaType, ...params] = contentType.split(";").map((p) => p.trim());
    if (mediaType?.toLowerCase() === TWITTER_V2_CONTENT_TYPE) {
      const forUser = params.map((p) => /^for_user_id=(\d{1,30})$/.exec(p)?.[1]).find((v) => v !== undefined) ?? null;
      return this.parseV2Page(payload, forUser);
    }
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
    for (const t of arr(payload.tweet_create_events)) out.push(this.tweetMessage(v1Tweet(t), forUserId, blocked));
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

  private isOurMention(screenName: string, mentions: MentionRef[], forUserId: string | null): boolean {
    const lower = screenName.toLowerCase();
    if (this.ownScreenName !== null && lower === this.ownScreenName) return true;
    return mentions.some((m) => m.screenName?.toLowerCase() === lower && this.isOurs(m.id, forUserId));
  }

  /** Drops our own @handle(s) from the leading run of mentions; other leading mentions stay. */
  private stripOurLeadingMentions(text: string, mentions: MentionRef[], forUserId: string | null): string {
    let rest = text;
    const kept: string[] = [];
    for (let m = LEADING_MENTION_RE.exec(rest); m; m = LEADING_MENTION_RE.exec(rest)) {
      if (!this.isOurMention(m[1]!, mentions, forUserId)) kept.push(`@${m[1]!}`);
      rest = rest.slice(m[0].length);
    }
    rest = rest.trim();
    return kept.length > 0 ? `${kept.join(" ")} ${rest}`.trim() : rest;
  }

  /**
   * A v2 page `{ data: Tweet[], includes: { users, media, places }, meta }`; a page without
   * tweets (`result_count: 0`) has no data. Authors, media and places come from `includes`.
   * Messages come out oldest first.
   */
  private parseV2Page(page: Json, forUserId: string | null): InboundMessage[] {
    if (!("data" in page) && !isRecord(page.meta)) throw new Error("twitter: not a v2 page of tweets (no data, no meta)");
    if ("data" in page && !Array.isArray(page.data)) throw new Error("twitter: v2 data is not an array");
    const includes = rec(page.includes) ?? {};
    const users = byKey(arr(includes.users), "id");
    const media = byKey(arr(includes.media), "media_key");
    const places = byKey(arr(includes.places), "id");
    // A page lists the newest first; oldest first, a reply comes after the tweet it answers.
    const tweets = arr(page.data).map((t) => v2Tweet(t, users, media, places)).sort((a, b) => compareIds(a.id, b.id));
    return tweets.map((t) => this.tweetMessage(t, forUserId, false));
  }

  private tweetMessage(t: TweetFields, forUserId: string | null, blocked: boolean): InboundMessage {
    const text = removeLinks(this.stripOurLeadingMentions(unescapeTweetText(t.rawText), t.mentions, forUserId), t.mediaLinks);
    let kind: InboundKind = "message";
    let ignoredReason: string | undefined;
    const statusTicket = statusRequestTicket(withoutLeadingMentions(text));
    if (this.isOurs(t.userId, forUserId)) {
      kind = "ignored";
      ignoredReason = "echo of our own tweet";
    } else if (t.retweet) {
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
      externalId: t.id,
      kind,
      sender: { kind: "twitter_id", value: t.userId, name: t.screenName },
      text,
      sentAt: t.sentAt,
      location: t.location,
      attachments: t.attachments,
      thread: {
        ticket: statusTicket ?? findTicket(text),
        inReplyTo: t.inReplyTo,
        ...(t.references.length > 0 ? { references: t.references } : {}),
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
    const { attachments, links } = v1Media(media ? [media] : []);
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
      externalId: `${DM_ID_PREFIX}${id}`,
      kind,
      sender: { kind: "twitter_id", value: senderId, name: sender ? str(sender.screen_name) : null },
      text,
      sentAt: parseEpochMs(ev.created_timestamp),
      location: null,
      attachments,
      thread: { ticket: statusTicket ?? findTicket(text), inReplyTo: null, direct: true },
    };
    if (ignoredReason) msg.ignoredReason = ignoredReason;
    return msg;
  }
}

/** A v1.1 ("original format") tweet of an Account Activity envelope. */
function v1Tweet(raw: unknown): TweetFields {
  const tweet = rec(raw);
  if (!tweet) throw new Error("twitter: a tweet_create_events item is not an object");
  const id = idOf(tweet, "id_str", "id");
  if (id === null) throw new Error("twitter: a tweet without id_str");
  const user = rec(tweet.user);
  const userId = user ? idOf(user, "id_str", "id") : null;
  if (!user || userId === null) throw new Error(`twitter: tweet ${id} has no user id`);

  const ext = tweet.truncated === true ? rec(tweet.extended_tweet) : null;
  const entities = rec(ext?.entities) ?? rec(tweet.entities);
  const mediaSource =
    arr(rec(ext?.extended_entities)?.media).length > 0
      ? arr(rec(ext?.extended_entities)?.media)
      : arr(rec(tweet.extended_entities)?.media).length > 0
        ? arr(rec(tweet.extended_entities)?.media)
        : arr(entities?.media);
  const { attachments, links } = v1Media(mediaSource);
  return {
    id,
    userId,
    screenName: str(user.screen_name),
    rawText: (ext ? str(ext.full_text) : null) ?? (typeof tweet.text === "string" ? tweet.text : ""),
    mentions: arr(entities?.user_mentions).map(rec).filter((m): m is Json => m !== null)
      .map((m) => ({ screenName: str(m.screen_name), id: idOf(m, "id_str", "id") })),
    attachments,
    mediaLinks: links,
    location: tweetLocation(tweet),
    sentAt: parseTwitterDate(tweet.created_at),
    inReplyTo: idOf(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id"),
    references: [idOf(tweet, "quoted_status_id_str")].filter((r): r is string => r !== null),
    retweet: tweet.retweeted_status !== undefined && tweet.retweeted_status !== null,
  };
}

/** A v2 tweet of a page, with its author, media and place from the page's includes. */
function v2Tweet(raw: unknown, users: Map<string, Json>, media: Map<string, Json>, places: Map<string, Json>): TweetFields {
  const tweet = rec(raw);
  if (!tweet) throw new Error("twitter: a v2 data item is not an object");
  const id = idOf(tweet, "id");
  if (id === null) throw new Error("twitter: a v2 tweet without id");
  const userId = idOf(tweet, "author_id");
  if (userId === null) throw new Error(`twitter: v2 tweet ${id} has no author_id`);
  // A long post ("note tweet") has its full text and entities apart; `text` is cut at 280.
  const note = rec(tweet.note_tweet);
  const entities = (note && rec(note.entities)) ?? rec(tweet.entities);
  const items = arr(rec(tweet.attachments)?.media_keys).map((k) => (typeof k === "string" ? media.get(k) : undefined));
  const refs = arr(tweet.referenced_tweets).map(rec).filter((r): r is Json => r !== null);
  const ref = (type: string) => {
    const r = refs.find((x) => x.type === type);
    return r ? idOf(r, "id") : null;
  };
  const conversation = idOf(tweet, "conversation_id");
  return {
    id,
    userId,
    screenName: str(users.get(userId)?.username),
    rawText: (note ? str(note.text) : null) ?? (typeof tweet.text === "string" ? tweet.text : ""),
    mentions: arr(entities?.mentions).map(rec).filter((m): m is Json => m !== null)
      .map((m) => ({ screenName: str(m.username), id: idOf(m, "id") })),
    attachments: mediaAttachments(items.filter((m): m is Json => m !== undefined)
      .map((m) => ({ url: str(m.url) ?? str(m.preview_image_url), type: str(m.type) }))),
    // the t.co link of an attached photo or video carries its media_key
    mediaLinks: arr(entities?.urls).map(rec).filter((u): u is Json => u !== null && str(u.media_key) !== null)
      .map((u) => str(u.url)).filter((l): l is string => l !== null),
    location: v2Location(tweet, places),
    sentAt: parseIsoDate(tweet.created_at),
    inReplyTo: ref("replied_to"),
    // A reply to our answer (whose id no inbound message has) still finds the report by the
    // conversation's first tweet, the citizen's own.
    references: [ref("quoted"), conversation !== id ? conversation : null].filter((r): r is string => r !== null),
    retweet: ref("retweeted") !== null,
  };
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
