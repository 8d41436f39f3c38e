import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runConnectorContract } from "../connector-contract.ts";
import type { ContractSample } from "../connector-contract.ts";
import type { SignedRequest } from "../connector.ts";
import { DM_ID_PREFIX, TWITTER_V2_CONTENT_TYPE, TwitterConnector, parseTwitterDate, tweetLocation, twitterV2ContentType } from "./twitter.connector.ts";

const DIR = path.resolve("test/fixtures/channel-samples/twitter");
const URL = "https://aspirasi.example/webhooks/twitter";

interface Vector {
  id: string;
  consumer_secret: string;
  raw_body?: string;
  body_file?: string;
  x_twitter_webhooks_signature: string;
}
interface Vectors {
  vectors: Vector[];
  crc_example: { consumer_secret: string; crc_token: string; response: { response_token: string } };
}

const vectors = JSON.parse(fs.readFileSync(path.join(DIR, "signature_vectors.json"), "utf8")) as Vectors;
const fileVectors = vectors.vectors.filter((v): v is Vector & { body_file: string } => typeof v.body_file === "string");
const SECRET = fileVectors[0]!.consumer_secret;

const body = (file: string): Buffer => fs.readFileSync(path.join(DIR, file));
const envelope = (file: string): Record<string, unknown> => JSON.parse(body(file).toString("utf8")) as Record<string, unknown>;
const sig = (secret: string, raw: Buffer | string): string =>
  `sha256=${createHmac("sha256", secret).update(raw).digest("base64")}`;
const request = (rawBody: Buffer, signature: string): SignedRequest => ({
  url: URL,
  headers: { "content-type": "application/json", "x-twitter-webhooks-signature": signature },
  rawBody,
});
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), "utf8");

/** The 25 upstream tweets (tweet_parser examples), by id_str. */
const upstream = new Map<string, Record<string, unknown>>(
  fs
    .readFileSync(path.join(DIR, "tweet_parser_original_format_examples.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((t) => [String(t.id_str), t]),
);

// Our account in the fixtures: the mention/reply envelopes are delivered for @notFromShrek.
const OWN_ID = "2382763597";
const connector = new TwitterConnector({ consumerSecret: SECRET, ownUserId: OWN_ID, ownScreenName: "notFromShrek" });

// A DM envelope (AAA format), written for this test: a citizen's report with a photo, a status question,
// our own reply (echo) and a DM event of another type.
const DKI_ID = "1234567890123456789";
const CITIZEN_ID = "987654321098765432";
const dmEnvelope = {
  for_user_id: DKI_ID,
  direct_message_events: [
    {
      type: "message_create",
      id: "1780000000000000001",
      created_timestamp: "1776000000000",
      message_create: {
        target: { recipient_id: DKI_ID },
        sender_id: CITIZEN_ID,
        source_app_id: "268278",
        message_data: {
          text: "Selamat siang, lampu jalan di Jl. Kemang Raya No. 10 mati sejak tiga hari. Mohon ditindaklanjuti. https://t.co/Ab12Cd34Ef",
          entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
          attachment: {
            type: "media",
            media: {
              id_str: "1780000000000000100",
              media_url_https: "https://ton.twitter.com/1.1/ton/data/dm/1780000000000000001/1780000000000000100/lampu.jpg",
              url: "https://t.co/Ab12Cd34Ef",
              type: "photo",
            },
          },
        },
      },
    },
    {
      type: "message_create",
      id: "1780000000000000002",
      created_timestamp: "1776000060000",
      message_create: {
        target: { recipient_id: DKI_ID },
        sender_id: CITIZEN_ID,
        message_data: { text: "cek JKT-260412-0073", entities: {} },
      },
    },
    {
      type: "message_create",
      id: "1780000000000000003",
      created_timestamp: "1776000120000",
      message_create: {
        target: { recipient_id: CITIZEN_ID },
        sender_id: DKI_ID,
        message_data: { text: "Terima kasih, laporan Anda tercatat dengan nomor JKT-260412-0073.", entities: {} },
      },
    },
    { type: "some_future_event", id: "1780000000000000004", created_timestamp: "1776000180000" },
  ],
  users: {
    [CITIZEN_ID]: { id: CITIZEN_ID, created_timestamp: "1500000000000", name: "Budi Santoso", screen_name: "budi_warga" },
    [DKI_ID]: { id: DKI_ID, created_timestamp: "1300000000000", name: "DKI Jakarta", screen_name: "dkijakarta" },
  },
};
const dmBody = json(dmEnvelope);

const samples: ContractSample[] = [
  ...fileVectors.map((v) => ({
    name: v.body_file,
    request: request(body(v.body_file), v.x_twitter_webhooks_signature),
    contentType: "application/json",
    minMessages: 1,
  })),
  { name: "direct_message_events (own)", request: request(dmBody, sig(SECRET, dmBody)), contentType: "application/json", minMessages: 3 },
];

runConnectorContract(connector, samples);

describe("signature vectors", () => {
  it.each(vectors.vectors.map((v) => [v.id, v] as const))("%s verifies exactly", (_id, v) => {
    const raw = v.body_file ? body(v.body_file) : Buffer.from(v.raw_body ?? "", "utf8");
    const c = new TwitterConnector({ consumerSecret: v.consumer_secret });
    expect(c.sign(raw)).toBe(v.x_twitter_webhooks_signature);
    expect(c.verify(request(raw, v.x_twitter_webhooks_signature))).toBe(true);
    expect(new TwitterConnector({ consumerSecret: `${v.consumer_secret}x` }).verify(request(raw, v.x_twitter_webhooks_signature))).toBe(false);
  });

  it("answers the CRC challenge like the vector", () => {
    const { consumer_secret, crc_token, response } = vectors.crc_example;
    expect(new TwitterConnector({ consumerSecret: consumer_secret }).crcResponse(crc_token)).toEqual(response);
    expect(() => connector.crcResponse("")).toThrow();
  });

  it("refuses malformed signature headers", () => {
    const raw = body("aaa_tweet_create_events_mention.json");
    const good = sig(SECRET, raw);
    const b64 = good.slice("sha256=".length);
    const hex = createHmac("sha256", SECRET).update(raw).digest("hex");
    for (const bad of [
      "",
      b64,
      `sha1=${b64}`,
      `SHA256=${b64}`,
      `sha256=${hex}`,
      `sha256=${b64.slice(0, -2)}`,
      `sha256=${b64}AAAA`,
      `sha256=${b64.replace(/=$/, "")}`,
      `sha256= ${b64}`,
      "sha256=",
    ]) {
      expect(connector.verify(request(raw, bad)), bad).toBe(false);
    }
    expect(connector.verify({ url: URL, headers: { "x-twitter-webhooks-signature": [good, good] }, rawBody: raw })).toBe(false);
    expect(connector.verify({ url: URL, headers: { "X-Twitter-Webhooks-Signature": good }, rawBody: raw })).toBe(true);
    expect(connector.verify({ url: URL, headers: { "x-twitter-webhooks-signature": [good] }, rawBody: raw })).toBe(true);
    expect(() => new TwitterConnector({ consumerSecret: "" })).toThrow();
  });
});

describe("tweets", () => {
  it("parses an @mention of our account", () => {
    const [m, ...rest] = connector.parse(body("aaa_tweet_create_events_mention.json"), "application/json");
    expect(rest).toHaveLength(0);
    expect(m).toMatchObject({
      channel: "twitter",
      externalId: "867471067178090496",
      kind: "message",
      sender: { kind: "twitter_id", value: "815279070241955840", name: "RobotPrincessFi" },
      text: "E) Tweet with mentions. Gonna @-mention some people here. @notFromShrek @Gnip @Twitter",
      attachments: [],
      thread: { ticket: null, inReplyTo: null },
    });
    expect(m!.sentAt?.toISOString()).toBe("2017-05-24T20:03:13.000Z");
    // no exact point: the centroid of the place (Las Condes, Chile)
    expect(m!.location!.lat).toBeCloseTo((-33.486182 + -33.364619) / 2, 6);
    expect(m!.location!.lon).toBeCloseTo((-70.608694 + -70.429141) / 2, 6);
  });

  it("threads a reply by in_reply_to_status_id_str and strips our leading @mention only", () => {
    const [m] = connector.parse(body("aaa_tweet_create_events_reply.json"), "application/json");
    expect(m).toMatchObject({
      externalId: "867468929492332544",
      kind: "message",
      thread: { inReplyTo: "863566329168711681" },
      text: "@ericmbudd C) Example of a regular Tweet with a reply. Just providing more Tweets to read. 😉",
    });
    // without a configured account, for_user_id still identifies our mention
    const [n] = new TwitterConnector({ consumerSecret: SECRET }).parse(body("aaa_tweet_create_events_reply.json"), "");
    expect(n!.text.startsWith("@ericmbudd C) Example")).toBe(true);
  });

  it("takes the location of a geo tweet from coordinates [lon, lat], and its media as attachments", () => {
    const [m] = connector.parse(body("aaa_tweet_create_events_geo.json"), "application/json");
    expect(m!.location).toEqual({ lat: 40.01736548, lon: -105.27786886 });
    expect(m!.attachments).toEqual([
      { contentType: "image/jpeg", url: "https://pbs.twimg.com/tweet_video_thumb/DFDd9j0U0AEtlvd.jpg", filename: "DFDd9j0U0AEtlvd.jpg" },
    ]);
    expect(m!.text).toBe("N) A Tweet with explicit geo coordinates");
    // the sample is delivered for its own author (for_user_id): an echo
    expect(m!.kind).toBe("ignored");
    expect(m!.ignoredReason).toMatch(/echo/);
    // delivered to another account, the same tweet is a citizen's message
    const other = json({ ...envelope("aaa_tweet_create_events_geo.json"), for_user_id: OWN_ID });
    const [o] = connector.parse(other, "application/json");
    expect(o).toMatchObject({ kind: "message", location: { lat: 40.01736548, lon: -105.27786886 } });
  });

  it("uses the place centroid when a tweet has no exact point", () => {
    const placeOnly = upstream.get("887450119146270723")!;
    expect(placeOnly.coordinates).toBeNull();
    const loc = tweetLocation(placeOnly);
    expect(loc).not.toBeNull();
    expect(loc!.lat).toBeGreaterThan(39.9);
    expect(loc!.lat).toBeLessThan(40.1);
    expect(loc!.lon).toBeGreaterThan(-105.31);
    expect(loc!.lon).toBeLessThan(-105.18);
  });

  it("reads the full text of a truncated (extended) quote tweet", () => {
    const [m] = connector.parse(body("aaa_tweet_create_events_quote_extended.json"), "application/json");
    expect(m!.externalId).toBe("867474613139156993");
    expect(m!.text).toBe(
      "140 chars + all of this stuff in the previous Tweet. Whoa.\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor... https://t.co/aYEbU5CVCD",
    );
    expect(m!.thread.references).toEqual(["867473446648676352"]);
    const other = json({ ...envelope("aaa_tweet_create_events_quote_extended.json"), for_user_id: OWN_ID });
    expect(connector.parse(other, "")[0]!.kind).toBe("message");
  });

  it("ignores the echo of our own tweet (ownUserId or for_user_id)", () => {
    const own = { ...upstream.get("867468138991964160")! };
    const byOwnId = new TwitterConnector({ consumerSecret: SECRET, ownUserId: "815279070241955840" });
    const [a] = byOwnId.parse(json({ for_user_id: "1", tweet_create_events: [own] }), "");
    expect(a).toMatchObject({ kind: "ignored", externalId: "867468138991964160" });
    const [b] = connector.parse(json({ for_user_id: "815279070241955840", tweet_create_events: [own] }), "");
    expect(b!.kind).toBe("ignored");
    const [c] = connector.parse(json({ for_user_id: OWN_ID, tweet_create_events: [own] }), "");
    expect(c!.kind).toBe("message");
  });

  it("ignores retweets and unescapes HTML entities", () => {
    const rt = upstream.get("867478524235366400")!;
    expect(rt.retweeted_status).toBeDefined();
    const [m] = connector.parse(json({ for_user_id: OWN_ID, tweet_create_events: [rt] }), "");
    expect(m).toMatchObject({ kind: "ignored", ignoredReason: "retweet" });
    const amp = upstream.get("867472736871866368")!;
    const [n] = connector.parse(json({ for_user_id: OWN_ID, tweet_create_events: [amp] }), "");
    expect(n!.text).toContain("G) 140 chars & replies.");
    expect(n!.text).not.toContain("&amp;");
  });

  it("parses all 25 upstream tweets", () => {
    const out = connector.parse(json({ for_user_id: OWN_ID, tweet_create_events: [...upstream.values()] }), "");
    expect(out).toHaveLength(25);
    expect(new Set(out.map((m) => m.externalId)).size).toBe(25);
    expect(out.filter((m) => m.kind === "ignored").map((m) => m.ignoredReason)).toEqual(["retweet", "retweet", "retweet"]);
    expect(out.every((m) => m.sentAt instanceof Date)).toBe(true);
  });

  it("turns 'CEK JKT-260412-0073' into a status request", () => {
    const mention = envelope("aaa_tweet_create_events_mention.json");
    const tweet = { ...(mention.tweet_create_events as Record<string, unknown>[])[0]!, text: "@notFromShrek CEK JKT-260412-0073", id_str: "999" };
    const [m] = connector.parse(json({ ...mention, tweet_create_events: [tweet] }), "");
    expect(m).toMatchObject({ kind: "status_request", text: "CEK JKT-260412-0073", thread: { ticket: "JKT-260412-0073" } });
    const plain = { ...tweet, text: "@notFromShrek jalan berlubang di depan laporan JKT-260412-0073 belum diperbaiki", id_str: "1000" };
    const [n] = connector.parse(json({ ...mention, tweet_create_events: [plain] }), "");
    expect(n).toMatchObject({ kind: "message", thread: { ticket: "JKT-260412-0073" } });
  });

  it("ignores a mention from a user we blocked", () => {
    const e = { ...envelope("aaa_tweet_create_events_mention.json"), user_has_blocked: "true" };
    expect(connector.parse(json(e), "")[0]!.kind).toBe("ignored");
  });
});

describe("direct messages", () => {
  it("parses a DM envelope: citizen report with photo, status question, our own DM ignored", () => {
    const dki = new TwitterConnector({ consumerSecret: SECRET, ownUserId: DKI_ID, ownScreenName: "dkijakarta" });
    const out = dki.parse(dmBody, "application/json");
    // "dm:" marks a private conversation (a tweet keeps its bare id)
    expect(out.map((m) => [m.externalId, m.kind])).toEqual([
      [`${DM_ID_PREFIX}1780000000000000001`, "message"],
      [`${DM_ID_PREFIX}1780000000000000002`, "status_request"],
      [`${DM_ID_PREFIX}1780000000000000003`, "ignored"],
    ]);
    expect(out[0]).toMatchObject({
      sender: { kind: "twitter_id", value: CITIZEN_ID, name: "budi_warga" },
      text: "Selamat siang, lampu jalan di Jl. Kemang Raya No. 10 mati sejak tiga hari. Mohon ditindaklanjuti.",
      attachments: [
        {
          contentType: "image/jpeg",
          url: "https://ton.twitter.com/1.1/ton/data/dm/1780000000000000001/1780000000000000100/lampu.jpg",
          filename: "lampu.jpg",
        },
      ],
      location: null,
    });
    expect(out[0]!.sentAt?.getTime()).toBe(1776000000000);
    expect(out[1]!.thread.ticket).toBe("JKT-260412-0073");
    expect(out[2]!.ignoredReason).toMatch(/echo/);
    // for_user_id alone identifies our DMs
    expect(new TwitterConnector({ consumerSecret: SECRET }).parse(dmBody, "")[2]!.kind).toBe("ignored");
  });
});

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * The same tweets as API v2 serves them on a page of GET /2/users/{id}/mentions (expansions
 * author_id, attachments.media_keys, geo.place_id): converted for this test from the v1.1 objects.
 */
function asV2Page(tweets: Obj[]): Obj {
  const users = new Map<string, Obj>();
  const media: Obj[] = [];
  const places = new Map<string, Obj>();
  const data = tweets.map((t) => {
    const ext = t.truncated === true ? o(t.extended_tweet) : null;
    const entities = o(ext?.entities ?? t.entities);
    const mediaList = [ext?.extended_entities, t.extended_entities, entities].map((e) => list(o(e).media)).find((l) => l.length > 0) ?? [];
    const user = o(t.user);
    users.set(String(user.id_str), { id: user.id_str, name: user.name, username: user.screen_name });
    const keys = mediaList.map((m) => {
      const key = `${m.type === "photo" ? 3 : 16}_${String(m.id_str)}`;
      media.push(m.type === "photo" ? { media_key: key, type: "photo", url: m.media_url_https } : { media_key: key, type: m.type, preview_image_url: m.media_url_https });
      return key;
    });
    const place = t.place ? o(t.place) : null;
    if (place) {
      const ring = list(list(o(place.bounding_box).coordinates)[0]) as unknown as number[][];
      const lons = ring.map((p) => p[0]!);
      const lats = ring.map((p) => p[1]!);
      places.set(String(place.id), { id: place.id, full_name: place.full_name, geo: { type: "Feature", bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], properties: {} } });
    }
    const refs = [
      ...(t.in_reply_to_status_id_str ? [{ type: "replied_to", id: t.in_reply_to_status_id_str }] : []),
      ...(t.quoted_status_id_str ? [{ type: "quoted", id: t.quoted_status_id_str }] : []),
      ...(t.retweeted_status ? [{ type: "retweeted", id: o(t.retweeted_status).id_str }] : []),
    ];
    return {
      id: t.id_str,
      text: ext ? ext.full_text : t.text,
      author_id: user.id_str,
      created_at: parseTwitterDate(t.created_at)!.toISOString(),
      // the v1.1 objects do not say which conversation they belong to
      conversation_id: t.id_str,
      ...(t.in_reply_to_user_id_str ? { in_reply_to_user_id: t.in_reply_to_user_id_str } : {}),
      ...(refs.length ? { referenced_tweets: refs } : {}),
      ...(keys.length ? { attachments: { media_keys: keys } } : {}),
      ...(t.coordinates || place ? { geo: { ...(t.coordinates ? { coordinates: t.coordinates } : {}), ...(place ? { place_id: place.id } : {}) } } : {}),
      entities: {
        mentions: list(entities.user_mentions).map((m) => ({ username: m.screen_name, id: m.id_str })),
        urls: mediaList.map((m) => ({ url: m.url, expanded_url: m.expanded_url, display_url: m.display_url, media_key: `${m.type === "photo" ? 3 : 16}_${String(m.id_str)}` })),
      },
    };
  });
  return { data, includes: { users: [...users.values()], media, places: [...places.values()] }, meta: { result_count: data.length } };
}

describe("API v2 pages of the mention poller", () => {
  const CT = twitterV2ContentType(OWN_ID);

  it("gives every tweet the same message as its webhook delivery (same externalId: one report)", () => {
    const tweets = [...upstream.values()];
    const byWebhook = connector.parse(json({ for_user_id: OWN_ID, tweet_create_events: tweets }), "application/json");
    const byPolling = connector.parse(json(asV2Page(tweets)), CT);
    expect(byPolling).toHaveLength(25);
    // oldest first (the page, like the samples, lists the newest first)
    expect(byPolling).toEqual([...byWebhook].sort((a, b) => (BigInt(a.externalId) < BigInt(b.externalId) ? -1 : 1)));
    // the samples cover replies, quotes, retweets, media, points and places
    expect(byPolling.filter((m) => m.thread.inReplyTo).length).toBeGreaterThan(0);
    expect(byPolling.filter((m) => m.attachments.length > 0).length).toBeGreaterThan(0);
    expect(byPolling.filter((m) => m.kind === "ignored").map((m) => m.ignoredReason)).toEqual(["retweet", "retweet", "retweet"]);
  });

  // A page as the v2 API answers (written for this test): a citizen's mention with a photo and a
  // point, a reply to our answer in the same conversation, and a mention posted by our own account.
  const DKI = "1234567890123456789";
  const WARGA = "987654321098765432";
  const page = {
    data: [
      {
        id: "1790000000000000003", author_id: DKI, created_at: "2026-04-12T03:10:00.000Z", conversation_id: "1790000000000000003",
        text: "@dkijakarta terima kasih, laporan diteruskan.", entities: { mentions: [{ start: 0, end: 11, username: "dkijakarta", id: DKI }] },
      },
      {
        id: "1790000000000000002", author_id: WARGA, created_at: "2026-04-12T03:05:00.000Z", conversation_id: "1790000000000000001",
        in_reply_to_user_id: DKI, referenced_tweets: [{ type: "replied_to", id: "1790000000000000009" }],
        text: "@dkijakarta @BinaMargaDKI sudah seminggu &amp; belum ada perbaikan",
        entities: { mentions: [{ start: 0, end: 11, username: "dkijakarta", id: DKI }, { start: 12, end: 25, username: "BinaMargaDKI", id: "5550001" }] },
      },
      {
        id: "1790000000000000001", author_id: WARGA, created_at: "2026-04-12T03:00:00.000Z", conversation_id: "1790000000000000001",
        text: "@dkijakarta Jalan berlubang di Jl. Cikini Raya https://t.co/AbCdEf1234",
        attachments: { media_keys: ["3_1790000000000000100"] },
        geo: { place_id: "0d6c8b1b5b4a3c2d", coordinates: { type: "Point", coordinates: [106.8272, -6.1754] } },
        entities: {
          mentions: [{ start: 0, end: 11, username: "dkijakarta", id: DKI }],
          urls: [{ start: 47, end: 70, url: "https://t.co/AbCdEf1234", expanded_url: "https://x.com/budi_warga/status/1790000000000000001/photo/1", display_url: "pic.x.com/AbCdEf1234", media_key: "3_1790000000000000100" }],
        },
      },
    ],
    includes: {
      users: [{ id: WARGA, name: "Budi Santoso", username: "budi_warga" }, { id: DKI, name: "DKI Jakarta", username: "dkijakarta" }],
      media: [{ media_key: "3_1790000000000000100", type: "photo", url: "https://pbs.twimg.com/media/GLubang01.jpg" }],
      places: [{ id: "0d6c8b1b5b4a3c2d", full_name: "Gambir, Indonesia", geo: { type: "Feature", bbox: [106.81, -6.19, 106.84, -6.16], properties: {} } }],
    },
    meta: { newest_id: "1790000000000000003", oldest_id: "1790000000000000001", result_count: 3 },
  };

  it("reads tweets, authors, media, points and reply chains from a page; our own tweet is ignored", () => {
    const plain = new TwitterConnector({ consumerSecret: SECRET });
    const [mention, reply, own] = plain.parse(json(page), twitterV2ContentType(DKI));
    expect(own).toMatchObject({ externalId: "1790000000000000003", kind: "ignored", ignoredReason: "echo of our own tweet" });
    expect(reply).toMatchObject({
      externalId: "1790000000000000002",
      kind: "message",
      sender: { kind: "twitter_id", value: WARGA, name: "budi_warga" },
      text: "@BinaMargaDKI sudah seminggu & belum ada perbaikan",
      thread: { ticket: null, inReplyTo: "1790000000000000009", references: ["1790000000000000001"] },
      location: null,
    });
    expect(mention).toEqual({
      channel: "twitter",
      externalId: "1790000000000000001",
      kind: "message",
      sender: { kind: "twitter_id", value: WARGA, name: "budi_warga" },
      text: "Jalan berlubang di Jl. Cikini Raya",
      sentAt: new Date("2026-04-12T03:00:00.000Z"),
      location: { lat: -6.1754, lon: 106.8272 },
      attachments: [{ contentType: "image/jpeg", url: "https://pbs.twimg.com/media/GLubang01.jpg", filename: "GLubang01.jpg" }],
      thread: { ticket: null, inReplyTo: null },
    });
  });

  it("takes the place's bbox centre without a point, the full text of a long post, and a configured own id without the parameter", () => {
    const tweet = { ...page.data[2]!, geo: { place_id: "0d6c8b1b5b4a3c2d" }, note_tweet: { text: `@dkijakarta ${"panjang ".repeat(50)}akhir` } };
    const [m] = connector.parse(json({ ...page, data: [tweet] }), twitterV2ContentType(DKI));
    expect(m!.location!.lat).toBeCloseTo(-6.175, 6);
    expect(m!.location!.lon).toBeCloseTo(106.825, 6);
    expect(m!.text).toBe(`${"panjang ".repeat(50)}akhir`);
    const dki = new TwitterConnector({ consumerSecret: SECRET, ownUserId: DKI });
    expect(dki.parse(json(page), TWITTER_V2_CONTENT_TYPE).map((x) => x.kind)).toEqual(["message", "message", "ignored"]);
    expect(connector.parse(json(page), TWITTER_V2_CONTENT_TYPE).map((x) => x.kind)).toEqual(["message", "message", "message"]);
  });

  it("an empty page has no messages; a page that is not one throws", () => {
    expect(connector.parse(json({ meta: { result_count: 0 } }), CT)).toEqual([]);
    for (const bad of ["{}", '{"data":{}}', '{"data":[{"id":"1","text":"no author"}]}', '{"data":[{"author_id":"1","text":"no id"}]}', '{"data":[42]}', "[]"]) {
      expect(() => connector.parse(Buffer.from(bad), CT), bad).toThrow(Error);
    }
    // an Account Activity envelope is not read as a v2 page, nor the other way round
    expect(() => connector.parse(body("aaa_tweet_create_events_mention.json"), CT)).toThrow(/v2/);
    expect(() => connector.parse(json(page), "application/json")).toThrow(/Account Activity/);
  });
});

describe("other payloads", () => {
  it("yields no messages for other event kinds", () => {
    const e = {
      for_user_id: OWN_ID,
      favorite_events: [{ id: "a", created_at: "Mon Mar 26 16:33:26 +0000 2018", favorited_status: {}, user: {} }],
      follow_events: [{ type: "follow", created_timestamp: "1517588749178", target: {}, source: {} }],
      direct_message_indicate_typing_events: [{ created_timestamp: "1518127183443", sender_id: "1", target: {} }],
    };
    expect(connector.parse(json(e), "")).toEqual([]);
  });

  it("throws on garbage and on payloads that are not an envelope", () => {
    for (const bad of [
      "\u0000\u0001not a payload{{{",
      "",
      "null",
      "[]",
      "42",
      '"text"',
      "{}",
      '{"hello":"world"}',
      '{"for_user_id":"1","tweet_create_events":{}}',
      '{"tweet_create_events":[{"text":"no id"}]}',
      '{"tweet_create_events":[{"id_str":"1","text":"no user"}]}',
      '{"direct_message_events":[{"type":"message_create","id":"1","message_create":{}}]}',
    ]) {
      expect(() => connector.parse(Buffer.from(bad), "application/json"), bad).toThrow(Error);
    }
  });

  it("parses v1.1 dates with offsets", () => {
    expect(parseTwitterDate("Tue Jul 18 23:25:04 +0000 2017")?.toISOString()).toBe("2017-07-18T23:25:04.000Z");
    expect(parseTwitterDate("Wed Apr 15 09:00:00 +0700 2026")?.toISOString()).toBe("2026-04-15T02:00:00.000Z");
    expect(parseTwitterDate("yesterday")).toBeNull();
  });
});
