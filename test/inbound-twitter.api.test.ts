import { afterEach, describe, expect, it } from "vitest";
import { TwitterSender } from "../src/channels/outbound/twitter.sender.ts";
import { startFakeTwitter, tooManyRequests, type FakeTwitter, type V2User } from "../src/channels/twitter/fake-twitter.ts";
import { createTwitterPoller } from "../src/channels/twitter/twitter-poller.ts";
import { TwitterConnector, twitterV2ContentType } from "../src/channels/twitter/twitter.connector.ts";
import { citizenIdentity } from "../src/store/citizens.store.ts";
import { findReportById } from "../src/store/reports.store.ts";
import { PLACES, startTestApp, type TestApp, waitFor } from "./harness.ts";

const DKI = "1234567890123456789";
const SECRET = "tw-consumer-secret";
const BEARER = "AAAAAAAAAAAAAAAAAAAAAapp-only";
const ACCESS = "user-context-token";
const BUDI: V2User = { id: "987654321098765432", username: "budi_warga", name: "Budi Santoso" };
const SITI: V2User = { id: "555000111222333444", username: "siti_jkt", name: "Siti Aminah" };

let app: TestApp | undefined;
let fake: FakeTwitter | undefined;
afterEach(async () => {
  await app?.close();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

const connector = new TwitterConnector({ consumerSecret: SECRET, ownUserId: DKI, ownScreenName: "dkijakarta" });

/** The product with the Twitter connector and sender, both pointed at the fake. */
async function start(): Promise<{ app: TestApp; fake: FakeTwitter }> {
  fake = await startFakeTwitter({ userId: DKI, bearerToken: BEARER, accessToken: ACCESS });
  const sender = new TwitterSender({
    baseUrl: fake.origin,
    accessToken: ACCESS,
    identity: (citizenId, kind) => citizenIdentity(app!.running.ctx.pool, citizenId, kind),
    reportRef: async (reportId) => (await findReportById(app!.running.ctx.pool, reportId))?.channelRef ?? null,
  });
  app = await startTestApp({ worker: true, connectors: new Map([["twitter", connector]]), senders: new Map([["twitter", sender]]) });
  return { app, fake };
}

/** Account Activity delivers a body signed with the consumer secret. */
function webhook(t: TestApp, envelope: unknown) {
  const body = JSON.stringify(envelope);
  return t.server.inject({ method: "POST", url: "/webhooks/twitter", payload: body, headers: { "content-type": "application/json", "x-twitter-webhooks-signature": connector.sign(body) } });
}

/** The same tweet as Account Activity delivers it (v1.1 format). */
function v1Tweet(id: string, user: V2User, text: string, inReplyTo: string | null = null) {
  return {
    id_str: id, created_at: "Sun Apr 12 03:00:00 +0000 2026", text, truncated: false, in_reply_to_status_id_str: inReplyTo,
    user: { id_str: user.id, screen_name: user.username, name: user.name },
    entities: { user_mentions: [{ screen_name: "dkijakarta", id_str: DKI, indices: [0, 11] }], urls: [], hashtags: [] },
  };
}

const mentionsEntities = { mentions: [{ start: 0, end: 11, username: "dkijakarta", id: DKI }] };

async function inbound(t: TestApp) {
  const { rows } = await t.running.ctx.pool.query<{ external_id: string; outcome: string; report_id: string | null }>(
    "select external_id, outcome, report_id from inbound_messages order by id");
  return rows;
}

async function allProcessed(t: TestApp): Promise<boolean> {
  const { rows } = await t.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from inbound_payloads where status <> 'processed'");
  return rows[0]!.n === 0;
}

describe("Twitter: mentions by polling and webhook, answers by reply tweet or DM", () => {
  it("a polled mention opens one report, answered in public; its webhook copy, replies, a status question and our own tweet", async () => {
    const { app, fake } = await start();
    const pool = app.running.ctx.pool;
    const poller = createTwitterPoller({ ctx: app.running.ctx, baseUrl: fake.origin, bearerToken: BEARER, userId: DKI, intervalMs: 60_000 });
    const A = "1790000000000000001";
    const text = "@dkijakarta Jalan berlubang besar di depan Stasiun Gambir, bahaya untuk motor. Hubungi saya 0812-3456-7890";
    fake.mention({ id: A, author_id: BUDI.id, text, created_at: "2026-04-12T03:00:00.000Z", conversation_id: A, entities: mentionsEntities,
      geo: { coordinates: { type: "Point", coordinates: [PLACES.monas.lon, PLACES.monas.lat] } } }, BUDI);
    fake.mention({ id: "1790000000000000002", author_id: DKI, text: "@dkijakarta uji coba akun", conversation_id: "1790000000000000002", entities: mentionsEntities },
      { id: DKI, username: "dkijakarta", name: "DKI Jakarta" });

    expect(await poller.pollOnce()).toMatchObject({ outcome: "ok", pages: 1, stored: 1 });
    const created = await waitFor(async () => ((await inbound(app)).length === 2 ? inbound(app) : null));
    expect(created.map((m) => [m.external_id, m.outcome])).toEqual([
      [A, "report_created"],
      ["1790000000000000002", "ignored"],
    ]);
    const reportId = created[0]!.report_id!;
    const { rows: [report] } = await pool.query<{ ticket: string; channel: string; channel_ref: string; kelurahan_code: string }>(
      "select ticket, channel, channel_ref, kelurahan_code from reports where id = $1", [reportId]);
    expect(report).toMatchObject({ channel: "twitter", channel_ref: A, kelurahan_code: PLACES.monas.kelurahan });

    // The "received" answer: a public reply to the citizen's tweet, with the ticket, without personal data.
    const reply = await waitFor(async () => fake.tweets[0]);
    expect(reply.inReplyTo).toBe(A);
    expect(reply.text).toContain(report!.ticket);
    expect(reply.text).not.toMatch(/0812|3456|7890|budi|Budi/i);
    expect(fake.dms).toHaveLength(0);

    // The same tweet by the signed webhook: stored, parsed, and recognized as already seen.
    expect((await webhook(app, { for_user_id: DKI, tweet_create_events: [v1Tweet(A, BUDI, text)] })).statusCode).toBe(200);
    // A reply to our reply (polled: it threads by its conversation), a reply to the first tweet
    // (webhook: by in_reply_to) and a status question in public (answered by DM).
    fake.mention({ id: "1790000000000000010", author_id: BUDI.id, text: "@dkijakarta Sudah tiga hari belum ada petugas.", conversation_id: A,
      referenced_tweets: [{ type: "replied_to", id: reply.id }], in_reply_to_user_id: DKI, entities: mentionsEntities }, BUDI);
    fake.mention({ id: "1790000000000000011", author_id: BUDI.id, text: `@dkijakarta cek ${report!.ticket}`, conversation_id: "1790000000000000011", entities: mentionsEntities }, BUDI);
    expect(await poller.pollOnce()).toMatchObject({ outcome: "ok", pages: 1, stored: 1 });
    expect((await webhook(app, { for_user_id: DKI, tweet_create_events: [v1Tweet("1790000000000000012", BUDI, "@dkijakarta Ini fotonya belum bisa saya kirim", A)] })).statusCode).toBe(200);

    const all = await waitFor(async () => ((await inbound(app)).length === 5 && (await allProcessed(app)) ? inbound(app) : null));
    expect(all.slice(2).map((m) => [m.external_id, m.outcome, m.report_id])).toEqual([
      ["1790000000000000010", "thread_appended", reportId],
      ["1790000000000000011", "status_answered", reportId],
      ["1790000000000000012", "thread_appended", reportId],
    ]);
    expect((await pool.query("select 1 from reports")).rowCount).toBe(1);
    // polled pages and webhook bodies side by side, each read by the same connector
    const { rows: payloads } = await pool.query<{ content_type: string; status: string }>("select content_type, status from inbound_payloads order by id");
    expect(payloads).toEqual([twitterV2ContentType(DKI), "application/json", twitterV2ContentType(DKI), "application/json"].map((content_type) => ({ content_type, status: "processed" })));
    const { rows: timeline } = await pool.query<{ text: string }>(
      "select data->>'text' as text from report_events where report_id = $1 and type = 'message_in' order by id", [reportId]);
    expect(timeline.map((e) => e.text)).toEqual(["Sudah tiga hari belum ada petugas.", "Ini fotonya belum bisa saya kirim"]);

    const dm = await waitFor(async () => fake.dms[0]);
    expect(dm.participantId).toBe(BUDI.id);
    expect(dm.text).toContain(`Status laporan ${report!.ticket}`);
    expect(fake.tweets).toHaveLength(1);

    // A webhook reply to OUR reply tweet names our tweet: it threads by the answer's id.
    expect((await webhook(app, { for_user_id: DKI, tweet_create_events: [v1Tweet("1790000000000000013", BUDI, "@dkijakarta Terima kasih, ditunggu", reply.id)] })).statusCode).toBe(200);
    const toOurs = await waitFor(async () => (await inbound(app)).find((m) => m.external_id === "1790000000000000013"));
    expect([toOurs.outcome, toOurs.report_id]).toEqual(["thread_appended", reportId]);

    // Nothing newer than the cursor: the next poll asks with since_id and stores nothing.
    expect(await poller.pollOnce()).toMatchObject({ outcome: "ok", pages: 0, stored: 0 });
    expect(new URL(fake.requests.at(-1)!.url, "http://x").searchParams.get("since_id")).toBe("1790000000000000011");
    expect((await pool.query("select 1 from inbound_payloads")).rowCount).toBe(payloads.length + 1);
  });

  it("a DM opens a report answered by DM; a 429 on that send is retried after x-rate-limit-reset and delivered once", async () => {
    const { app, fake } = await start();
    const pool = app.running.ctx.pool;
    const resetAt = new Date(Date.now() + 30_000);
    fake.failNext("dm", tooManyRequests(resetAt));
    const res = await webhook(app, {
      for_user_id: DKI,
      direct_message_events: [{
        type: "message_create", id: "1780000000000000001", created_timestamp: String(Date.now()),
        message_create: { target: { recipient_id: DKI }, sender_id: SITI.id, message_data: { text: "Lampu jalan di Jl. Kemang Raya mati sejak tiga hari." } },
      }],
      users: { [SITI.id]: { id: SITI.id, name: SITI.name, screen_name: SITI.username } },
    });
    expect(res.statusCode).toBe(200);

    const held = await waitFor(async () => (await pool.query<{ attempts: number; status: string; last_error: string; next_attempt_at: Date }>(
      "select attempts, status, last_error, next_attempt_at from outbox where attempts > 0")).rows[0]);
    expect(held).toMatchObject({ attempts: 1, status: "pending", last_error: "twitter dm: HTTP 429 Too Many Requests: Too Many Requests" });
    expect(held.next_attempt_at.getTime()).toBeGreaterThanOrEqual(resetAt.getTime() - 1_000);
    expect(fake.dms).toHaveLength(0);

    app.clock.now = new Date(resetAt.getTime() + 1_000);
    const dm = await waitFor(async () => fake.dms[0]);
    const { rows: [report] } = await pool.query<{ id: string; ticket: string; channel_ref: string }>("select id, ticket, channel_ref from reports");
    expect(report!.channel_ref).toBe("dm:1780000000000000001");
    expect(dm).toMatchObject({ participantId: SITI.id, idempotencyKey: `${report!.id}:received` });
    expect(dm.text).toContain(report!.ticket);
    const sent = await waitFor(async () => (await pool.query<{ status: string; attempts: number }>("select status, attempts from outbox where status = 'sent'")).rows[0]);
    expect(sent).toEqual({ status: "sent", attempts: 2 });
    expect(fake.requests.filter((r) => r.url.startsWith("/2/dm_conversations/"))).toHaveLength(2);
    expect(fake.dms).toHaveLength(1);
    expect(fake.tweets).toHaveLength(0);
    const { rows: out } = await pool.query<{ external_id: string }>("select data->>'externalId' as external_id from report_events where type = 'message_out'");
    expect(out).toEqual([{ external_id: `dm:${dm.eventId}` }]);

    // A second DM without a ticket continues the conversation: no second report.
    await webhook(app, {
      for_user_id: DKI,
      direct_message_events: [{
        type: "message_create", id: "1780000000000000002", created_timestamp: String(Date.now()),
        message_create: { target: { recipient_id: DKI }, sender_id: SITI.id, message_data: { text: "Tiangnya nomor 17, dekat halte." } },
      }],
      users: { [SITI.id]: { id: SITI.id, name: SITI.name, screen_name: SITI.username } },
    });
    const second = await waitFor(async () => (await inbound(app)).find((m) => m.external_id === "dm:1780000000000000002"));
    expect([second.outcome, second.report_id]).toEqual(["thread_appended", report!.id]);
  });
});
