/** The channel media fetchers against a local fake: how each HTTP outcome is classified, and the limits. */
import { afterEach, describe, expect, it } from "vitest";
import { MediaFetchError } from "../app/fetch-media.ts";
import { GraphMediaFetcher, HttpMediaFetcher, mediaFetchersFromEnv, TwilioMediaFetcher, type MediaNetwork } from "./media-fetchers.ts";
import { isPublicAddress } from "./public-address.ts";
import { startFakeHttp, type FakeHttp } from "./outbound/fake-http.ts";

let fake: FakeHttp | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The fakes listen on 127.0.0.1, which the default (public addresses only) refuses. */
const LOCAL: MediaNetwork = { publicOnly: false };

const limits = (maxBytes = 1000, timeoutMs = 2000) => ({ maxBytes, signal: AbortSignal.timeout(timeoutMs) });

async function failure(p: Promise<unknown>): Promise<MediaFetchError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MediaFetchError);
  return err as MediaFetchError;
}

describe("media fetchers", () => {
  it("classifies answers: 5xx, 429, timeouts and resets are temporary; other 4xx and redirect loops are permanent", async () => {
    fake = await startFakeHttp((req) => (req.url === "/loop" ? { status: 302, headers: { location: "/loop" } } : { status: 404, text: "no" }));
    const http = new HttpMediaFetcher("qlue media", LOCAL);
    expect(await failure(http.fetch(`${fake.origin}/missing?sig=secret`, limits()))).toMatchObject({ kind: "permanent", message: "qlue media: HTTP 404" });
    fake.script.push({ status: 503 }, { status: 429 }, "hang", "reset");
    expect((await failure(http.fetch(`${fake.origin}/a`, limits()))).kind).toBe("temporary");
    expect((await failure(http.fetch(`${fake.origin}/a`, limits()))).kind).toBe("temporary");
    expect(await failure(http.fetch(`${fake.origin}/a`, limits(1000, 200)))).toMatchObject({ kind: "temporary", message: "qlue media: no answer in time" });
    expect(await failure(http.fetch(`${fake.origin}/a`, limits()))).toMatchObject({ kind: "temporary", message: expect.stringMatching(/^qlue media: connection failed/) });
    expect(await failure(http.fetch(`${fake.origin}/loop`, limits()))).toMatchObject({ kind: "permanent", message: "qlue media: more than 3 redirects" });
    expect(fake.requests.filter((r) => r.url === "/loop")).toHaveLength(4);
    expect((await failure(http.fetch("file:///etc/passwd", limits()))).kind).toBe("permanent");
  });

  it("answers the body and its declared type; a body over the limit is too large", async () => {
    fake = await startFakeHttp(() => ({ status: 200, headers: { "content-type": "image/png" }, text: "x".repeat(1500) }));
    const http = new HttpMediaFetcher("facebook media", LOCAL);
    expect(await failure(http.fetch(`${fake.origin}/big`, limits(1000)))).toMatchObject({ kind: "too_large" });
    const ok = await http.fetch(`${fake.origin}/big`, limits(2000));
    expect(ok).toEqual({ bytes: Buffer.from("x".repeat(1500)), contentType: "image/png" });
  });

  it("WhatsApp: a media id is resolved first; a file over the limit is refused before it is downloaded", async () => {
    fake = await startFakeHttp((req) => (req.url === "/v19.0/42" ? { status: 200, json: { url: `${fake!.origin}/media/42`, file_size: 5000 } } : { status: 200, text: "never" }));
    const graph = new GraphMediaFetcher({ baseUrl: `${fake.origin}/v19.0`, accessToken: "tok", network: LOCAL });
    expect(await failure(graph.fetch("graph-media:42", limits(1000)))).toMatchObject({ kind: "too_large" });
    expect(fake.requests.map((r) => r.url)).toEqual(["/v19.0/42"]);
    expect((await failure(graph.fetch("https://example.com/42", limits()))).kind).toBe("permanent");
    fake.script.push({ status: 200, json: { error: "no url" } });
    expect(await failure(graph.fetch("graph-media:42", limits()))).toMatchObject({ kind: "permanent", message: "whatsapp media lookup: no url in the answer" });
  });

  it("builds from the environment: limits, and WhatsApp only with a token", () => {
    const defaults = mediaFetchersFromEnv({});
    expect(defaults).toMatchObject({ maxBytes: 10 * 1024 * 1024, timeoutMs: 15_000, maxAttempts: 6 });
    expect([...defaults.byChannel.keys()].sort()).toEqual(["facebook", "lapor", "open311", "qlue", "sms", "twitter"]);
    expect(mediaFetchersFromEnv({ WHATSAPP_ACCESS_TOKEN: "t", MEDIA_MAX_BYTES: "5000" })).toMatchObject({ maxBytes: 5000 });
    expect(mediaFetchersFromEnv({ WHATSAPP_ACCESS_TOKEN: "t" }).byChannel.has("whatsapp")).toBe(true);
    expect(() => mediaFetchersFromEnv({ MEDIA_MAX_BYTES: "10MB" })).toThrow(/MEDIA_MAX_BYTES/);
  });

  it("refuses urls that lead to non-public addresses unless the network allows them; configured API origins are trusted", async () => {
    fake = await startFakeHttp((req): { status: number; headers: Record<string, string>; text?: string } =>
      req.url === "/media/1"
        ? { status: 302, headers: { location: `http://localhost:${new URL(fake!.origin).port}/cdn/1` } }
        : { status: 200, headers: { "content-type": "image/jpeg" }, text: "jpeg" });
    const guarded = new HttpMediaFetcher("qlue media");
    const refused = { kind: "permanent", message: "qlue media: the url leads to an address that is not public" };
    expect(await failure(guarded.fetch(`${fake.origin}/cdn/1`, limits()))).toMatchObject(refused);
    expect(await failure(guarded.fetch(`http://localhost:${new URL(fake.origin).port}/cdn/1`, limits()))).toMatchObject(refused);
    expect(await failure(guarded.fetch("http://[::1]:9/x", limits()))).toMatchObject(refused);
    expect(await failure(guarded.fetch("http://169.254.169.254/latest/meta-data/", limits()))).toMatchObject(refused);
    expect(fake.requests).toHaveLength(0);
    // Twilio's configured origin is trusted, but its redirect to a private address is not.
    const twilio = new TwilioMediaFetcher({ baseUrl: fake.origin, accountSid: "AC1", authToken: "t" });
    expect(await failure(twilio.fetch(`${fake.origin}/media/1`, limits()))).toMatchObject({ kind: "permanent", message: "twilio media: the url leads to an address that is not public" });
    expect(fake.requests.map((r) => r.url)).toEqual(["/media/1"]);
    // The setting that lets a partner inside our own network through.
    const allowed = mediaFetchersFromEnv({ MEDIA_ALLOW_PRIVATE_ADDRESSES: "1" }).byChannel.get("qlue")!;
    expect((await allowed.fetch(`${fake.origin}/cdn/1`, limits())).bytes.toString()).toBe("jpeg");
  });

  it("knows which addresses are public", () => {
    for (const ip of ["8.8.8.8", "203.0.113.0", "2001:4860:4860::8888", "::ffff:8.8.8.8"]) expect(isPublicAddress(ip), ip).toBe(ip !== "203.0.113.0");
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1", "[::1]", "not-an-ip"])
      expect(isPublicAddress(ip), ip).toBe(false);
  });
});
