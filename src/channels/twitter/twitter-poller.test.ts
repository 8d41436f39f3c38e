import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeTwitter, tooManyRequests, type FakeTwitter, type V2User } from "./fake-twitter.ts";
import { MENTIONS_QUERY, MentionsPoller, keepPolling, twitterPollerOptionsFromEnv, type MentionStore, type MentionsPollerOptions } from "./twitter-poller.ts";
import { TwitterConnector, twitterV2ContentType } from "./twitter.connector.ts";

const DKI = "1234567890123456789";
const BEARER = "AAAAAAAAAAAAAAAAAAAAAapp-only";
const ACCESS = "user-context-token";
const WARGA: V2User = { id: "987654321098765432", username: "budi_warga", name: "Budi Santoso" };

interface Accepted {
  pages: Buffer[];
  contentType: string;
  cursor: { name: string; value: string } | null;
}

/** The inbound store and cursor table in memory: what acceptPulled and readCursor do, in one step. */
function memoryStore(): MentionStore & { cursors: Map<string, string>; accepted: Accepted[]; failNext: Error | null } {
  const store = {
    cursors: new Map<string, string>(),
    accepted: [] as Accepted[],
    failNext: null as Error | null,
    since: async (name: string) => store.cursors.get(name) ?? null,
    accept: async (pages: Buffer[], contentType: string, cursor: Accepted["cursor"]) => {
      if (store.failNext) {
        const err = store.failNext;
        store.failNext = null;
        throw err;
      }
      store.accepted.push({ pages, contentType, cursor });
      if (cursor) store.cursors.set(cursor.name, cursor.value);
      return pages.length;
    },
  };
  return store;
}

let fake: FakeTwitter;
let store: ReturnType<typeof memoryStore>;
let clock: Date;
let logs: string[];
let seq: bigint;

beforeEach(async () => {
  fake = await startFakeTwitter({ userId: DKI, bearerToken: BEARER, accessToken: ACCESS });
  store = memoryStore();
  clock = new Date("2026-04-12T03:00:00Z");
  logs = [];
  seq = 1_790_000_000_000_000_000n;
});
afterEach(async () => {
  await fake.close();
});

const poller = (over: Partial<MentionsPollerOptions> = {}) =>
  new MentionsPoller({ baseUrl: fake.origin, bearerToken: BEARER, userId: DKI, intervalMs: 60_000, timeoutMs: 2_000, store, now: () => clock, log: (l) => logs.push(l), ...over });

/** n new mentions of @dkijakarta by the citizen; returns their ids, oldest first. */
function mention(n = 1): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(++seq);
    fake.mention({ id, author_id: WARGA.id, text: `@dkijakarta laporan nomor ${id.slice(-4)}`, created_at: "2026-04-12T02:00:00.000Z",
      entities: { mentions: [{ start: 0, end: 11, username: "dkijakarta", id: DKI }] } }, WARGA);
    ids.push(id);
  }
  return ids;
}

const query = (i: number) => new URL(fake.requests[i]!.url, "http://x").searchParams;

describe("MentionsPoller", () => {
  it("fetches every page newer than the cursor, then stores them and the newest id together", async () => {
    const ids = mention(205);
    const result = await poller().pollOnce();
    expect(result).toEqual({ outcome: "ok", pages: 3, stored: 3, waitMs: 60_000 });
    expect(fake.requests.map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
    expect(new URL(fake.requests[0]!.url, "http://x").pathname).toBe(`/2/users/${DKI}/mentions`);
    for (const [k, v] of Object.entries(MENTIONS_QUERY)) expect(query(0).get(k)).toBe(v);
    expect(query(0).has("since_id")).toBe(false);
    expect(query(0).has("pagination_token")).toBe(false);
    expect([query(1).get("pagination_token"), query(2).get("pagination_token")]).toEqual(["next_100", "next_200"]);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${BEARER}`)).toBe(true);

    expect(store.accepted).toHaveLength(1);
    const [{ pages, contentType, cursor }] = store.accepted as [Accepted];
    expect(contentType).toBe(twitterV2ContentType(DKI));
    expect(cursor).toEqual({ name: `twitter:mentions:${DKI}`, value: ids.at(-1) });
    // stored oldest page first, so the inbound job meets a tweet before the replies to it
    const sizes = pages.map((p) => (JSON.parse(p.toString()) as { data: { id: string }[] }).data.map((t) => t.id));
    expect(sizes.map((d) => d.length)).toEqual([5, 100, 100]);
    expect(sizes[0]!.at(-1)).toBe(ids[0]);
    // the stored pages are what the connector reads: every mention once, text without our handle
    const connector = new TwitterConnector({ consumerSecret: "s" });
    const messages = pages.flatMap((p) => connector.parse(p, contentType));
    expect(messages.map((m) => m.externalId).sort()).toEqual([...ids].sort());
    expect(messages[0]).toMatchObject({ kind: "message", sender: { kind: "twitter_id", value: WARGA.id, name: "budi_warga" } });
    expect(messages[0]!.text).toMatch(/^laporan nomor \d{4}$/);
  });

  it("asks only for what is newer than the cursor: a second poll stores nothing, a later mention is stored alone", async () => {
    const [first] = mention();
    const p = poller();
    await p.pollOnce();
    expect(await p.pollOnce()).toEqual({ outcome: "ok", pages: 0, stored: 0, waitMs: 60_000 });
    expect(query(1).get("since_id")).toBe(first);
    expect(store.accepted).toHaveLength(1);
    const [second] = mention();
    expect((await p.pollOnce()).stored).toBe(1);
    expect(query(2).get("since_id")).toBe(first);
    expect(store.cursors.get(p.cursorName)).toBe(second);
    const page = JSON.parse(store.accepted[1]!.pages[0]!.toString()) as { data: { id: string }[] };
    expect(page.data.map((t) => t.id)).toEqual([second]);
  });

  it("a 429 waits until x-rate-limit-reset, without asking in between", async () => {
    mention();
    fake.failNext("mentions", tooManyRequests(new Date(clock.getTime() + 90_000)));
    const p = poller();
    expect(await p.pollOnce()).toEqual({ outcome: "rate_limited", pages: 0, stored: 0, waitMs: 90_000 });
    clock = new Date(clock.getTime() + 60_000);
    expect(await p.pollOnce()).toEqual({ outcome: "waiting", pages: 0, stored: 0, waitMs: 30_000 });
    expect(fake.requests).toHaveLength(1);
    clock = new Date(clock.getTime() + 30_000);
    expect((await p.pollOnce()).stored).toBe(1);
    expect(logs).toEqual(["[twitter] mentions: rate limited; next poll in 90 s"]);
  });

  it("a 401 is logged without the token and backs off, doubling up to 15 minutes; success resets it", async () => {
    mention();
    const bad = poller({ bearerToken: "revoked-token", intervalMs: 300_000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await bad.pollOnce();
      expect(r.outcome).toBe("unauthorized");
      waits.push(r.waitMs);
      clock = new Date(clock.getTime() + r.waitMs);
    }
    expect(waits).toEqual([300_000, 600_000, 900_000, 900_000]);
    expect(logs[0]).toBe("[twitter] mentions: HTTP 401 Unauthorized: Unauthorized (check TWITTER_BEARER_TOKEN); next poll in 300 s");
    expect(logs.join("\n")).not.toContain("revoked-token");
    expect(store.accepted).toHaveLength(0);

    const p = poller({ intervalMs: 1_000 });
    fake.failNext("mentions", { status: 401, json: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" } });
    expect((await p.pollOnce()).waitMs).toBe(1_000);
    clock = new Date(clock.getTime() + 1_000);
    expect(await p.pollOnce()).toMatchObject({ outcome: "ok", stored: 1 });
    fake.failNext("mentions", { status: 503, text: "over capacity" });
    expect(await p.pollOnce()).toMatchObject({ outcome: "failed", waitMs: 1_000 });
  });

  it("a failure on a later page stores nothing and keeps the cursor, so no mention is skipped", async () => {
    const ids = mention(150);
    const p = poller();
    fake.failNext("mentions", { status: 503, json: { title: "Service Unavailable", detail: "Service Unavailable", type: "about:blank", status: 503 } }, 1);
    expect(await p.pollOnce()).toEqual({ outcome: "failed", pages: 0, stored: 0, waitMs: 60_000 });
    expect(fake.requests).toHaveLength(2);
    expect(store.accepted).toHaveLength(0);
    expect(store.cursors.size).toBe(0);
    clock = new Date(clock.getTime() + 60_000);
    expect(await p.pollOnce()).toMatchObject({ outcome: "ok", pages: 2, stored: 2 });
    expect(store.cursors.get(p.cursorName)).toBe(ids.at(-1));
  });

  it("never throws: unreachable API, a page that is not JSON, a store that fails", async () => {
    mention();
    const down = poller({ baseUrl: "http://127.0.0.1:9" });
    const r = await down.pollOnce();
    expect(r.outcome).toBe("failed");
    expect(logs[0]).toMatch(/connection failed/);

    const p = poller();
    fake.failNext("mentions", { status: 200, text: "<html>maintenance</html>" });
    expect((await p.pollOnce()).outcome).toBe("failed");
    clock = new Date(clock.getTime() + 60_000);
    store.failNext = new Error("connection terminated");
    expect((await p.pollOnce()).outcome).toBe("failed");
    expect(store.cursors.size).toBe(0);
    clock = new Date(clock.getTime() + 120_000);
    expect(await p.pollOnce()).toMatchObject({ outcome: "ok", stored: 1 });
    expect(logs.slice(1)).toEqual([
      "[twitter] mentions: HTTP 200 without a JSON page (meta missing); next poll in 60 s",
      "[twitter] mentions: connection terminated; next poll in 120 s",
    ]);
  });

  it("stops after maxPages and says so", async () => {
    const ids = mention(250);
    expect(await poller({ maxPages: 2 }).pollOnce()).toMatchObject({ outcome: "ok", pages: 2 });
    expect(store.cursors.get(`twitter:mentions:${DKI}`)).toBe(ids.at(-1));
    expect(logs).toEqual(["[twitter] mentions: stopped after 2 pages; older mentions since the last poll are skipped"]);
  });

  it("refuses a missing token or a user id that is not numeric", () => {
    expect(() => poller({ bearerToken: "" })).toThrow(/bearerToken/);
    expect(() => poller({ userId: "dkijakarta" })).toThrow(/numeric/);
  });
});

describe("keepPolling", () => {
  it("polls at once, again after each wait, serializes a manual poll, and stops", async () => {
    mention();
    const running = keepPolling(poller({ intervalMs: 30 }));
    const manual = await running.pollOnce();
    expect(manual.outcome).toBe("ok");
    await new Promise((r) => setTimeout(r, 200));
    await running.stop();
    const count = fake.requests.length;
    expect(count).toBeGreaterThanOrEqual(4);
    expect(store.accepted).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests).toHaveLength(count);
  });

  it("stop() does not wait out a long backoff", async () => {
    fake.failNext("mentions", tooManyRequests(new Date(clock.getTime() + 3600_000)));
    const running = keepPolling(poller());
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("twitterPollerOptionsFromEnv", () => {
  const env = { TWITTER_BEARER_TOKEN: BEARER, TWITTER_USER_ID: DKI, TWITTER_CONSUMER_SECRET: "s" };

  it("needs the bearer token, our user id and the connector's secret; TWITTER_POLL_SECONDS sets the pace", () => {
    expect(twitterPollerOptionsFromEnv(env)).toEqual({ baseUrl: undefined, bearerToken: BEARER, userId: DKI, intervalMs: 60_000 });
    expect(twitterPollerOptionsFromEnv({ ...env, TWITTER_API_BASE_URL: "http://127.0.0.1:1", TWITTER_POLL_SECONDS: "120" }))
      .toMatchObject({ baseUrl: "http://127.0.0.1:1", intervalMs: 120_000 });
    expect(twitterPollerOptionsFromEnv({ ...env, TWITTER_POLL_SECONDS: "1" })!.intervalMs).toBe(15_000);
    expect(twitterPollerOptionsFromEnv({ ...env, TWITTER_POLL_SECONDS: "soon" })!.intervalMs).toBe(60_000);
    expect(twitterPollerOptionsFromEnv({ ...env, TWITTER_POLL_SECONDS: "0" })).toBeNull();
    for (const missing of ["TWITTER_BEARER_TOKEN", "TWITTER_USER_ID", "TWITTER_CONSUMER_SECRET"]) {
      expect(twitterPollerOptionsFromEnv({ ...env, [missing]: "" }), missing).toBeNull();
    }
  });
});
