import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { closedPort, startFakeHttp, type FakeHttp, type FakeReply, type RecordedRequest } from "./fake-http.ts";
import { TWILIO_MAX_BODY, TwilioSmsSender } from "./twilio-sms.sender.ts";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "twilio-auth-token-for-tests";
const FROM = "+628111272206";
const PHONE = "+6281234567890";

/** A fake of Twilio's Messages resource: Basic auth, form body, JSON answers shaped like Twilio's. */
function twilio(req: RecordedRequest): FakeReply {
  const path = `/2010-04-01/Accounts/${SID}/Messages.json`;
  if (req.method !== "POST" || req.url !== path) return { status: 404, json: { code: 20404, message: "The requested resource was not found", status: 404 } };
  const expected = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}`;
  if (req.headers.authorization !== expected) return { status: 401, json: { code: 20003, message: "Authentication Error - invalid username", status: 401 } };
  if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) return { status: 400, json: { code: 20001, message: "bad content type", status: 400 } };
  const form = new URLSearchParams(req.body);
  if (!form.get("To")) return { status: 400, json: { code: 21604, message: "A 'To' phone number is required.", status: 400 } };
  if (!form.get("From")) return { status: 400, json: { code: 21603, message: "A 'From' phone number is required.", status: 400 } };
  if (!form.get("Body")) return { status: 400, json: { code: 21602, message: "Message body is required.", status: 400 } };
  if ((form.get("Body") ?? "").length > 1600) return { status: 400, json: { code: 21617, message: "The concatenated message body exceeds the 1600 character limit.", status: 400 } };
  return {
    status: 201,
    json: { sid: `SM${String(fake.requests.length).padStart(32, "0")}`, account_sid: SID, to: form.get("To"), from: form.get("From"), body: form.get("Body"), status: "queued", num_segments: "1" },
  };
}

let fake: FakeHttp;
const logs: unknown[][] = [];

beforeAll(async () => {
  fake = await startFakeHttp(twilio);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.script.length = 0;
  logs.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const sender = (opts: Partial<ConstructorParameters<typeof TwilioSmsSender>[0]> = {}) =>
  new TwilioSmsSender({ baseUrl: fake.origin, accountSid: SID, authToken: TOKEN, from: FROM, timeoutMs: 2_000, ...opts });

const message = (over: Partial<OutboundMessage> = {}, phone: string | null = PHONE): OutboundMessage => ({
  channel: "sms",
  citizen: { id: "c-1", name: "Siti Aminah", email: "siti@example.id", phone, language: "id" },
  reportTicket: "JKT-260412-0073",
  reportId: null,
  template: "received",
  text: "Laporan JKT-260412-0073 sedang diproses oleh Dinas Bina Marga.",
  idempotencyKey: "outbox-42",
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

/** Nothing personal in the URL, the logs or the error text. */
function expectNoPersonalData(err?: DeliveryError): void {
  for (const r of fake.requests) {
    expect(r.url).not.toContain("6281234567890");
    expect(decodeURIComponent(r.url)).not.toMatch(/Siti|siti@|Laporan/);
  }
  expect(logs).toEqual([]);
  if (err) expect(err.message).not.toMatch(/6281234567890|81234567890|Siti|siti@|Dinas Bina Marga/);
}

describe("TwilioSmsSender", () => {
  it("posts To / From / Body with Basic auth and returns the message sid", async () => {
    const result = await sender().send(message());
    expect(result).toEqual({ externalId: "SM00000000000000000000000000000001" });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toEqual({ To: PHONE, From: FROM, Body: message().text });
    expect(req.headers["idempotency-key"]).toBe("outbox-42");
    expectNoPersonalData();
  });

  it("sends a stored local number (0812...) in E.164", async () => {
    await sender().send(message({}, "0812-3456-7890"));
    expect(new URLSearchParams(fake.requests[0]!.body).get("To")).toBe("+6281234567890");
  });

  it("caps a long text at 1600 characters, ending with an ellipsis", async () => {
    const long = "Jalan berlubang di depan sekolah. ".repeat(100);
    await sender().send(message({ text: long }));
    const body = new URLSearchParams(fake.requests[0]!.body).get("Body")!;
    expect(body).toHaveLength(TWILIO_MAX_BODY);
    expect(body.endsWith("…")).toBe(true);
    expect(long.startsWith(body.slice(0, -1))).toBe(true);
  });

  it("does not split an emoji when truncating", async () => {
    await sender().send(message({ text: "a".repeat(1598) + "🙏🙏" }));
    const body = new URLSearchParams(fake.requests[0]!.body).get("Body")!;
    expect(body).toBe("a".repeat(1598) + "…");
  });

  it("refuses a citizen without a phone number as malformed, without calling Twilio", async () => {
    const err = await failure(sender().send(message({}, null)));
    expect(err.kind).toBe("malformed");
    expect(fake.requests).toHaveLength(0);
    const blank = await failure(sender().send(message({}, "  ")));
    expect(blank.kind).toBe("malformed");
  });

  it("a 500 is temporary; the retry carries the same Idempotency-Key and succeeds", async () => {
    fake.script.push({ status: 500, json: { code: 20500, message: "Internal Server Error", status: 500 } });
    const s = sender();
    const err = await failure(s.send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toContain("500");
    const result = await s.send(message());
    expect(result.externalId).toMatch(/^SM\d{32}$/);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.headers["idempotency-key"]).toBe("outbox-42");
    expect(fake.requests[1]!.headers["idempotency-key"]).toBe("outbox-42");
    expect(fake.requests[1]!.body).toBe(fake.requests[0]!.body);
    expectNoPersonalData(err);
  });

  it("a 429 is rate_limited with Retry-After in ms", async () => {
    fake.script.push({ status: 429, headers: { "retry-after": "2" }, json: { code: 20429, message: "Too Many Requests", status: 429 } });
    const err = await failure(sender().send(message()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(2_000);
  });

  it("a 401 from a wrong auth token is auth_revoked", async () => {
    const err = await failure(sender({ authToken: "wrong-token-xyz" }).send(message()));
    expect(err.kind).toBe("auth_revoked");
    expect(err.message).toContain("20003");
    expect(err.message).not.toContain("wrong-token-xyz");
  });

  it("a 403 is auth_revoked", async () => {
    fake.script.push({ status: 403, json: { code: 20403, message: "Forbidden", status: 403 } });
    expect((await failure(sender().send(message()))).kind).toBe("auth_revoked");
  });

  it("a 400 is malformed, and the number Twilio echoes is not kept in the error", async () => {
    fake.script.push({ status: 400, json: { code: 21211, message: "The 'To' number +6281234567890 is not a valid phone number.", status: 400 } });
    const err = await failure(sender().send(message()));
    expect(err.kind).toBe("malformed");
    expect(err.message).toContain("21211");
    expectNoPersonalData(err);
  });

  it("a 502 with an HTML body is still temporary", async () => {
    fake.script.push({ status: 502, text: "<html>Bad Gateway</html>" });
    expect((await failure(sender().send(message()))).kind).toBe("temporary");
  });

  it("no answer within the timeout is temporary", async () => {
    fake.script.push("hang");
    const started = Date.now();
    const err = await failure(sender({ timeoutMs: 200 }).send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a reset connection is temporary", async () => {
    fake.script.push("reset");
    expect((await failure(sender().send(message()))).kind).toBe("temporary");
  });

  it("a refused connection is temporary", async () => {
    const port = await closedPort();
    const err = await failure(sender({ baseUrl: `http://127.0.0.1:${port}` }).send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("defaults to the real API and a 10 s timeout, and rejects a broken base URL", () => {
    expect(() => new TwilioSmsSender({ accountSid: SID, authToken: TOKEN, from: FROM })).not.toThrow();
    expect(() => new TwilioSmsSender({ baseUrl: "not a url", accountSid: SID, authToken: TOKEN, from: FROM })).toThrow(/baseUrl/);
  });
});
