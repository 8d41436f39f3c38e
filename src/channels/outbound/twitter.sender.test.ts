import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { renderCitizenMessage } from "../../domain/message-templates.ts";
import type { CitizenTemplate } from "../../domain/report-lifecycle.ts";
import { startFakeTwitter, tooManyRequests, type FakeTwitter } from "../twitter/fake-twitter.ts";
import { tweetLength } from "../twitter/twitter-replies.ts";
import { DM_MAX_TEXT, PUBLIC_REPLY_TEMPLATES, TwitterSender, twitterRetryAfterMs, type TwitterSenderOptions } from "./twitter.sender.ts";

const DKI = "1234567890123456789";
const BEARER = "AAAAAAAAAAAAAAAAAAAAAapp-only";
const ACCESS = "user-context-token";
const CITIZEN_TWITTER_ID = "987654321098765432";
const TWEET = "1790000000000000001";
const NOW = Date.parse("2026-04-12T03:00:00Z");

let fake: FakeTwitter;
const reports = new Map<string, string | null>([["r-tweet", TWEET], ["r-dm", "dm:1780000000000000001"], ["r-gone", "1790000000000009999"], ["r-none", null]]);
let identities: Map<string, string>;

beforeEach(async () => {
  fake = await startFakeTwitter({ userId: DKI, bearerToken: BEARER, accessToken: ACCESS });
  fake.mention({ id: TWEET, author_id: CITIZEN_TWITTER_ID, text: "@dkijakarta Jalan berlubang di Jl. Cikini Raya" }, { id: CITIZEN_TWITTER_ID, username: "budi_warga", name: "Budi Santoso" });
  identities = new Map([["c-1:twitter_id", CITIZEN_TWITTER_ID]]);
});
afterEach(async () => {
  await fake.close();
});

const sender = (over: Partial<TwitterSenderOptions> = {}) =>
  new TwitterSender({
    baseUrl: fake.origin,
    accessToken: ACCESS,
    identity: async (citizenId, kind) => identities.get(`${citizenId}:${kind}`) ?? null,
    reportRef: async (id) => reports.get(id) ?? null,
    timeoutMs: 2_000,
    now: () => NOW,
    ...over,
  });

const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  channel: "twitter",
  citizen: { id: "c-1", name: "Budi Santoso", email: "budi@example.id", phone: "+6281234567890", language: "id" },
  reportTicket: "JKT-260412-0073",
  reportId: "r-tweet",
  template: "received",
  text: renderCitizenMessage("received", { ticket: "JKT-260412-0073", url: "https://aspirasi.jakarta.go.id/laporan/JKT-260412-0073" }),
  idempotencyKey: "r-tweet:received",
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

const PARAMS = { ticket: "JKT-260412-0073", url: "https://aspirasi.jakarta.go.id/laporan/JKT-260412-0073", unit: "Suku Dinas Bina Marga Jakarta Pusat",
  summary: "Lubang sudah ditambal.", reason: "duplicate", duplicateOf: "JKT-260410-0001", label: "Proses", comment: "Petugas ke lokasi besok." };

describe("TwitterSender: public reply or DM", () => {
  it("answers a report from a tweet with a public reply to that tweet, carrying the ticket and nothing personal", async () => {
    expect(await sender().send(message())).toEqual({ externalId: fake.tweets[0]!.id });
    expect(fake.tweets).toHaveLength(1);
    const tweet = fake.tweets[0]!;
    expect(tweet.inReplyTo).toBe(TWEET);
    expect(tweet.text).toBe(message().text);
    expect(tweet.text).toContain("JKT-260412-0073");
    expect(tweet.text).not.toMatch(/Budi|budi|81234567890/);
    expect(tweet.idempotencyKey).toBe("r-tweet:received");
    const req = fake.requests[0]!;
    expect(req.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(JSON.parse(req.body)).toEqual({ text: tweet.text, reply: { in_reply_to_tweet_id: TWEET } });
    expect(fake.dms).toHaveLength(0);
  });

  it.each([...PUBLIC_REPLY_TEMPLATES])("%s is public; status_reply and unknown_ticket are DMs", async (template) => {
    const text = renderCitizenMessage(template as CitizenTemplate, PARAMS);
    await sender().send(message({ template, text, idempotencyKey: `k-${template}` }));
    expect(fake.tweets.map((t) => t.inReplyTo)).toEqual([TWEET]);
    for (const priv of ["status_reply", "unknown_ticket"] as const) {
      await sender().send(message({ template: priv, text: renderCitizenMessage(priv, PARAMS) }));
    }
    expect(fake.dms.map((d) => d.participantId)).toEqual([CITIZEN_TWITTER_ID, CITIZEN_TWITTER_ID]);
    expect(fake.tweets).toHaveLength(1);
  });

  it("fits a long public text in 280 weighted characters, personal data masked", async () => {
    const text = `Laporan JKT-260412-0073 selesai. ${"Hubungi petugas di 0812-9999-8888 atau petugas@jakarta.go.id. ".repeat(8)}`;
    await sender().send(message({ template: "done", text }));
    const tweet = fake.tweets[0]!.text;
    expect(tweetLength(tweet)).toBeLessThanOrEqual(280);
    expect(tweet).toMatch(/^Laporan JKT-260412-0073 selesai\. Hubungi petugas di \[nomor\] atau \[email\]/);
    expect(tweet).not.toMatch(/0812|petugas@/);
  });

  it("a report that came in by DM, a text that names the citizen, or no report thread is answered by DM", async () => {
    const result = await sender().send(message({ reportId: "r-dm" }));
    expect(result).toEqual({ externalId: `dm:${fake.dms[0]!.eventId}` });
    expect(fake.dms[0]).toMatchObject({ participantId: CITIZEN_TWITTER_ID, text: message().text, idempotencyKey: "r-tweet:received" });
    expect(fake.requests[0]!.url).toBe(`/2/dm_conversations/with/${CITIZEN_TWITTER_ID}/messages`);
    expect(JSON.parse(fake.requests[0]!.body)).toEqual({ text: message().text });

    await sender().send(message({ template: "done", text: "Laporan JKT-260412-0073 selesai. Terima kasih, Budi Santoso." }));
    await sender().send(message({ template: "done", text: "Laporan JKT-260412-0073 selesai; kami hubungi +62 812-3456-7890." }));
    await sender().send(message({ reportId: null }));
    await sender().send(message({ reportId: "r-none" }));
    await sender().send(message({ reportId: "r-unknown" }));
    expect(fake.dms).toHaveLength(6);
    expect(fake.tweets).toHaveLength(0);
  });

  it("a DM caps the text at 10,000 characters", async () => {
    await sender().send(message({ template: "status_reply", text: "x".repeat(12_000) }));
    expect(fake.dms[0]!.text).toHaveLength(DM_MAX_TEXT);
  });

  it("without the citizen's Twitter id a DM is malformed and nothing is sent", async () => {
    identities.clear();
    expect((await failure(sender().send(message({ template: "status_reply" })))).kind).toBe("malformed");
    identities.set("c-1:twitter_id", "budi_warga");
    expect((await failure(sender().send(message({ template: "status_reply" })))).message).toMatch(/not valid/);
    expect(fake.requests).toHaveLength(0);
  });

  it("a reply whose tweet is gone (deleted, protected) goes by DM instead", async () => {
    const result = await sender().send(message({ reportId: "r-gone" }));
    expect(fake.requests.map((r) => r.url)).toEqual(["/2/tweets", `/2/dm_conversations/with/${CITIZEN_TWITTER_ID}/messages`]);
    expect(result.externalId).toBe(`dm:${fake.dms[0]!.eventId}`);
  });
});

describe("TwitterSender: retries and failures", () => {
  it("a retried reply that Twitter refuses as duplicate content counts as sent", async () => {
    const s = sender();
    await s.send(message());
    // the first attempt got through, but the relay died before recording it
    expect(await s.send(message())).toEqual({});
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["r-tweet:received", "r-tweet:received"]);
    expect(fake.tweets).toHaveLength(1);
  });

  it("a 429 is rate_limited until x-rate-limit-reset; a later 24-hour reset wins when that limit is spent", async () => {
    fake.failNext("tweet", tooManyRequests(new Date(NOW + 42_000)));
    const err = await failure(sender().send(message()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(42_000);
    expect(err.message).toBe("twitter reply: HTTP 429 Too Many Requests: Too Many Requests");
    const headers = (h: Record<string, string>) => new Headers(h);
    const reset = String(NOW / 1000 + 60);
    expect(twitterRetryAfterMs(headers({ "x-rate-limit-reset": reset, "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": String(NOW / 1000 + 7200) }), NOW)).toBe(7_200_000);
    expect(twitterRetryAfterMs(headers({ "x-rate-limit-reset": reset, "x-app-limit-24hour-remaining": "12", "x-app-limit-24hour-reset": String(NOW / 1000 + 7200) }), NOW)).toBe(60_000);
    expect(twitterRetryAfterMs(headers({ "retry-after": "5" }), NOW)).toBe(5_000);
    expect(twitterRetryAfterMs(headers({ "x-rate-limit-reset": String(NOW / 1000 + 10 * 86_400) }), NOW)).toBe(86_400_000);
    expect(twitterRetryAfterMs(headers({ "x-rate-limit-reset": String(NOW / 1000 - 5) }), NOW)).toBe(0);
    expect(twitterRetryAfterMs(headers({}), NOW)).toBeUndefined();
  });

  it("401 and a token of the wrong kind (app-only) are auth_revoked", async () => {
    expect((await failure(sender({ accessToken: "expired" }).send(message()))).kind).toBe("auth_revoked");
    const appOnly = await failure(sender({ accessToken: BEARER }).send(message({ template: "status_reply" })));
    expect(appOnly.kind).toBe("auth_revoked");
    expect(appOnly.message).toMatch(/^twitter dm: HTTP 403 Unsupported Authentication/);
    expect(appOnly.message).not.toContain(BEARER);
  });

  it("another 403 or a 400 is malformed, without the ids Twitter echoes", async () => {
    fake.failNext("dm", { status: 403, json: { title: "Forbidden", detail: `You cannot send messages to user ${CITIZEN_TWITTER_ID}.`, type: "about:blank", status: 403 } });
    const forbidden = await failure(sender().send(message({ template: "status_reply" })));
    expect(forbidden.kind).toBe("malformed");
    expect(forbidden.message).toBe("twitter dm: HTTP 403 Forbidden: You cannot send messages to user [number].");
    fake.failNext("tweet", { status: 400, json: { errors: [{ message: "$.reply.in_reply_to_tweet_id: invalid" }], title: "Invalid Request", detail: "One or more parameters to your request was invalid.", type: "https://api.twitter.com/2/problems/invalid-request" } });
    const invalid = await failure(sender().send(message()));
    expect(invalid.kind).toBe("malformed");
    expect(invalid.message).toContain("$.reply.in_reply_to_tweet_id: invalid");
  });

  it("5xx, no answer in time and a dropped connection are temporary", async () => {
    fake.failNext("tweet", { status: 503, headers: { "retry-after": "7" }, json: { title: "Service Unavailable", detail: "Service Unavailable", type: "about:blank", status: 503 } });
    const unavailable = await failure(sender().send(message()));
    expect([unavailable.kind, unavailable.retryAfterMs]).toEqual(["temporary", 7_000]);
    fake.failNext("tweet", "hang");
    expect((await failure(sender({ timeoutMs: 200 }).send(message()))).message).toMatch(/no answer within 200 ms/);
    fake.failNext("dm", "reset");
    expect((await failure(sender().send(message({ template: "status_reply" })))).kind).toBe("temporary");
    expect(fake.tweets).toHaveLength(0);
  });

  it("requires an access token and a usable base URL", () => {
    expect(() => sender({ accessToken: "" })).toThrow(/accessToken/);
    expect(() => sender({ baseUrl: "ftp://api.twitter.com" })).toThrow(/http/);
  });
});
