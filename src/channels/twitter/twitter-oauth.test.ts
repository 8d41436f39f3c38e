/**
 * The renewed user-context token against a local fake of Twitter's OAuth 2.0 token endpoint and API v2: renewal
 * before the end and after a 401, rotation kept in the shared vault, one refresh for many senders, a spent refresh
 * token reported as auth_revoked.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { TwitterSender } from "../outbound/twitter.sender.ts";
import { startFakeTwitter, type FakeTwitter } from "./fake-twitter.ts";
import { memoryVault, TwitterUserToken, type TwitterUserTokenOptions } from "./twitter-oauth.ts";

const DKI = "1234567890123456789";
const CITIZEN = "987654321098765432";
const CLIENT = { clientId: "aspirasi-client", clientSecret: "s3cret" };
let fake: FakeTwitter;
let clock = Date.parse("2026-11-28T03:00:00Z");

beforeEach(async () => {
  fake = await startFakeTwitter({ userId: DKI, bearerToken: "app-only", accessToken: "seed-access", oauth: { ...CLIENT, refreshToken: "seed-refresh" } });
  clock = Date.parse("2026-11-28T03:00:00Z");
});
afterEach(async () => {
  await fake.close();
});

const tokenOf = (over: Partial<TwitterUserTokenOptions> = {}) =>
  new TwitterUserToken({ baseUrl: fake.origin, ...CLIENT, refreshToken: "seed-refresh", vault: memoryVault(), now: () => clock, timeoutMs: 2_000, ...over });

const senderWith = (token: TwitterUserToken) => new TwitterSender({
  baseUrl: fake.origin, token, identity: async () => CITIZEN, reportRef: async () => null, timeoutMs: 2_000, now: () => clock,
});

const dm = (n: number): OutboundMessage => ({
  channel: "twitter",
  citizen: { id: "c-1", name: null, email: null, phone: null, language: "id" },
  reportTicket: "JKT-261128-0001",
  reportId: "r-1",
  template: "status_answer",
  text: `Status laporan JKT-261128-0001: Proses (${n})`,
  idempotencyKey: `r-1:status:${n}`,
});

const tokenCalls = () => fake.requests.filter((r) => r.url === "/2/oauth2/token").length;

describe("Twitter's renewed user-context token", () => {
  it("refreshes with the client's Basic credentials, keeps the rotated pair and reuses it until a minute before its end", async () => {
    const vault = memoryVault();
    const sender = senderWith(tokenOf({ vault }));
    await sender.send(dm(1));
    expect(tokenCalls()).toBe(1);
    const call = fake.requests.find((r) => r.url === "/2/oauth2/token")!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from("aspirasi-client:s3cret").toString("base64")}`);
    expect(new URLSearchParams(call.body).get("refresh_token")).toBe("seed-refresh");
    expect(vault.pair()).toMatchObject({ accessToken: fake.accessToken(), refreshToken: fake.refreshToken() });
    await sender.send(dm(2));
    expect(tokenCalls()).toBe(1);
    clock += 7200_000 - 59_000; // within the last minute of its two hours
    await sender.send(dm(3));
    expect(tokenCalls()).toBe(2);
    expect(fake.dms.map((d) => d.text)).toHaveLength(3);
  });

  it("renews at once when Twitter refuses the token (401), and sends the message once", async () => {
    const sender = senderWith(tokenOf());
    await sender.send(dm(1));
    fake.expireAccessToken();
    await sender.send(dm(2));
    expect(tokenCalls()).toBe(2);
    expect(fake.dms.map((d) => d.text)).toEqual([dm(1).text, dm(2).text]);
  });

  it("many senders sharing the vault spend the refresh token once", async () => {
    const vault = memoryVault();
    const senders = [senderWith(tokenOf({ vault })), senderWith(tokenOf({ vault })), senderWith(tokenOf({ vault }))];
    await Promise.all(senders.map((s, i) => s.send(dm(i))));
    expect(tokenCalls()).toBe(1);
    expect(fake.dms).toHaveLength(3);
  });

  it("a public client sends client_id in the form; a spent refresh token is auth_revoked, not retried", async () => {
    await fake.close();
    fake = await startFakeTwitter({ userId: DKI, bearerToken: "app-only", accessToken: "seed-access", oauth: { clientId: "public-client", refreshToken: "seed-refresh" } });
    const token = tokenOf({ clientId: "public-client", clientSecret: undefined });
    await senderWith(token).send(dm(1));
    expect(new URLSearchParams(fake.requests.find((r) => r.url === "/2/oauth2/token")!.body).get("client_id")).toBe("public-client");
    // another deployment spent our refresh token: ours is refused
    const stale = tokenOf({ clientId: "public-client", clientSecret: undefined });
    const err = await senderWith(stale).send(dm(2)).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind: "auth_revoked", message: expect.stringMatching(/invalid_request/) });
  });
});
