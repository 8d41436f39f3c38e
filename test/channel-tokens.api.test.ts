/**
 * Twitter's renewable token kept in PostgreSQL (channel_tokens, migration 018): two worker processes (two pools)
 * needing a token at once spend the refresh token once, and both use the pair that refresh answered.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTwitter, type FakeTwitter } from "../src/channels/twitter/fake-twitter.ts";
import { TwitterUserToken } from "../src/channels/twitter/twitter-oauth.ts";
import { withChannelToken } from "../src/store/channel-tokens.store.ts";
import { freshDatabase } from "./harness.ts";

let db: Awaited<ReturnType<typeof freshDatabase>>;
let pools: pg.Pool[];
let fake: FakeTwitter;

beforeAll(async () => {
  db = await freshDatabase();
  pools = [new pg.Pool({ connectionString: db.url, max: 2 }), new pg.Pool({ connectionString: db.url, max: 2 })];
  fake = await startFakeTwitter({ userId: "1", bearerToken: "app-only", accessToken: "seed-access", oauth: { clientId: "c", clientSecret: "s", refreshToken: "seed-refresh" } });
});
afterAll(async () => {
  await fake?.close();
  for (const p of pools ?? []) await p.end();
  await db?.drop();
});

describe("channel_tokens", () => {
  it("serializes the renewal across processes and keeps the rotated pair", async () => {
    const token = (pool: pg.Pool) => new TwitterUserToken({
      baseUrl: fake.origin, clientId: "c", clientSecret: "s", refreshToken: "seed-refresh", timeoutMs: 2_000,
      vault: (fn) => withChannelToken(pool, "twitter", fn),
    });
    const [a, b] = await Promise.all([token(pools[0]!).current(), token(pools[1]!).current()]);
    expect(a).toBe(b);
    expect(a).toBe(fake.accessToken());
    expect(fake.requests.filter((r) => r.url === "/2/oauth2/token")).toHaveLength(1);
    const row = (await pools[0]!.query("select access_token, refresh_token, expires_at from channel_tokens where name = 'twitter'")).rows[0];
    expect(row).toMatchObject({ access_token: fake.accessToken(), refresh_token: fake.refreshToken() });
    expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now() + 7000_000);
    // a process starting later takes the stored pair (the seed refresh token is spent by now)
    expect(await token(pools[1]!).current()).toBe(fake.accessToken());
    expect(fake.requests.filter((r) => r.url === "/2/oauth2/token")).toHaveLength(1);
    // Twitter refuses the token: one renewal from the stored refresh token, seen by both processes
    fake.expireAccessToken();
    const renewed = await token(pools[0]!).renew(a);
    expect(renewed).toBe(fake.accessToken());
    expect(await token(pools[1]!).renew(a)).toBe(renewed);
    expect(fake.requests.filter((r) => r.url === "/2/oauth2/token")).toHaveLength(2);
  });
});
