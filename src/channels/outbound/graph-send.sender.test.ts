import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { closedPort, startFakeHttp, type FakeHttp, type FakeReply, type RecordedRequest } from "./fake-http.ts";
import { GraphSendSender, MESSENGER_MAX_TEXT, type GraphSendOptions } from "./graph-send.sender.ts";

const TOKEN = "EAAGtestpagetoken";
const PHONE_NUMBER_ID = "106540352242922";
const PSID = "7000000000000042";
const PHONE = "+6281234567890";

const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): FakeReply => ({
  status,
  json: { error: { message, type: code === 190 ? "OAuthException" : "GraphMethodException", code, fbtrace_id: "AbCdEf123", ...extra } },
});

/** A fake Graph API: Messenger Send API and WhatsApp Cloud API messages, bearer token checked. */
function graph(req: RecordedRequest): FakeReply {
  const url = new URL(req.url, "http://graph.test");
  if (url.searchParams.has("access_token")) return graphError(400, 100, "token must not be in the URL for this fake");
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return graphError(401, 190, "Error validating access token: The session has been invalidated.");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    return graphError(400, 100, "Invalid JSON");
  }
  if (req.method === "POST" && url.pathname === "/v19.0/me/messages") {
    const recipient = body.recipient as { id?: string } | undefined;
    const msg = body.message as { text?: string } | undefined;
    if (!recipient?.id || !msg?.text || body.messaging_type !== "RESPONSE") return graphError(400, 100, "(#100) Invalid parameter");
    if (msg.text.length > 2000) return graphError(400, 100, "(#100) Length of param message[text] must be less than or equal to 2000");
    return { status: 200, json: { recipient_id: recipient.id, message_id: `m_${fake.requests.length}` } };
  }
  if (req.method === "POST" && url.pathname === `/v19.0/${PHONE_NUMBER_ID}/messages`) {
    const text = body.text as { body?: string } | undefined;
    if (body.messaging_product !== "whatsapp" || typeof body.to !== "string" || body.type !== "text" || !text?.body)
      return graphError(400, 100, "(#100) Invalid parameter");
    return { status: 200, json: { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.HBgN${fake.requests.length}` }] } };
  }
  return graphError(400, 803, "Unknown path");
}

let fake: FakeHttp;
const logs: unknown[][] = [];
beforeAll(async () => {
  fake = await startFakeHttp(graph);
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

const messenger = (opts: Partial<GraphSendOptions> = {}) =>
  new GraphSendSender({ baseUrl: `${fake.origin}/v19.0`, accessToken: TOKEN, channel: "facebook", resolveRecipient: () => PSID, timeoutMs: 2_000, ...opts });
const whatsapp = (opts: Partial<GraphSendOptions> = {}) =>
  new GraphSendSender({ baseUrl: `${fake.origin}/v19.0`, accessToken: TOKEN, channel: "whatsapp", phoneNumberId: PHONE_NUMBER_ID, timeoutMs: 2_000, ...opts });

const message = (over: Partial<OutboundMessage> = {}, phone: string | null = PHONE): OutboundMessage => ({
  channel: "facebook",
  citizen: { id: "c-1", name: "Siti Aminah", email: "siti@example.id", phone, language: "id" },
  reportTicket: "JKT-260412-0073",
  reportId: null,
  template: "received",
  text: "Laporan JKT-260412-0073 sedang diproses oleh Dinas Bina Marga.",
  idempotencyKey: "outbox-9",
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

function expectNoPersonalData(err?: DeliveryError): void {
  for (const r of fake.requests) expect(decodeURIComponent(r.url)).not.toMatch(new RegExp(`${PSID}|6281234567890|Siti|siti@|${TOKEN}|Laporan`));
  expect(logs).toEqual([]);
  if (err) expect(err.message).not.toMatch(new RegExp(`${PSID}|6281234567890|81234567890|Siti|siti@|${TOKEN}|Dinas Bina Marga`));
}

describe("GraphSendSender: Messenger", () => {
  it("posts to /me/messages with the PSID from resolveRecipient and returns the message id", async () => {
    const result = await messenger().send(message());
    expect(result).toEqual({ externalId: "m_1" });
    const req = fake.requests[0]!;
    expect(req.url).toBe("/v19.0/me/messages");
    expect(JSON.parse(req.body)).toEqual({ recipient: { id: PSID }, message: { text: message().text }, messaging_type: "RESPONSE" });
    expect(req.headers["idempotency-key"]).toBe("outbox-9");
    expect(req.headers["content-type"]).toBe("application/json");
    expectNoPersonalData();
  });

  it("accepts an async resolver (an identity lookup)", async () => {
    const result = await messenger({ resolveRecipient: async () => PSID }).send(message());
    expect(result.externalId).toBe("m_1");
  });

  it("without a PSID the message is malformed and nothing is sent", async () => {
    expect((await failure(messenger({ resolveRecipient: () => null }).send(message()))).kind).toBe("malformed");
    expect((await failure(messenger({ resolveRecipient: undefined }).send(message()))).kind).toBe("malformed");
    expect(fake.requests).toHaveLength(0);
  });

  it("caps the text at Messenger's 2000 characters", async () => {
    await messenger().send(message({ text: "x".repeat(5000) }));
    const text = (JSON.parse(fake.requests[0]!.body) as { message: { text: string } }).message.text;
    expect(text).toHaveLength(MESSENGER_MAX_TEXT);
    expect(text.endsWith("…")).toBe(true);
  });

  it("an invalidated token (code 190) is auth_revoked", async () => {
    const err = await failure(messenger({ accessToken: "EAAGexpired" }).send(message()));
    expect(err.kind).toBe("auth_revoked");
    expect(err.message).toContain("code 190");
    expect(err.message).not.toContain("EAAGexpired");
  });

  it("code 190 is auth_revoked even when Graph answers HTTP 400", async () => {
    fake.script.push(graphError(400, 190, "Error validating access token: Session has expired", { error_subcode: 463 }));
    const err = await failure(messenger().send(message()));
    expect(err.kind).toBe("auth_revoked");
    expect(err.message).toContain("code 190/463 OAuthException");
  });

  it.each([4, 17, 32, 613])("code %i is rate_limited", async (code) => {
    fake.script.push(graphError(400, code, "(#4) Application request limit reached"));
    const err = await failure(messenger().send(message()));
    expect(err.kind).toBe("rate_limited");
  });

  it("a rate limit takes the wait from X-Business-Use-Case-Usage (minutes) or Retry-After", async () => {
    const usage = JSON.stringify({ "100000000000001": [{ type: "pages", call_count: 100, total_cputime: 30, total_time: 40, estimated_time_to_regain_access: 7 }] });
    fake.script.push({ ...(graphError(400, 32, "(#32) Page request limit reached") as { status: number; json: unknown }), headers: { "x-business-use-case-usage": usage } });
    expect((await failure(messenger().send(message()))).retryAfterMs).toBe(7 * 60_000);
    fake.script.push({ ...(graphError(429, 613, "Calls to this api have exceeded the rate limit.") as { status: number; json: unknown }), headers: { "retry-after": "2" } });
    const err = await failure(messenger().send(message()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(2_000);
  });

  it.each([1, 2])("code %i is temporary", async (code) => {
    fake.script.push(graphError(500, code, "An unknown error occurred", { is_transient: true }));
    expect((await failure(messenger().send(message()))).kind).toBe("temporary");
  });

  it("a 5xx without a Graph error body is temporary", async () => {
    fake.script.push({ status: 503, text: "Service Unavailable" });
    expect((await failure(messenger().send(message()))).kind).toBe("temporary");
  });

  it("is_transient on an otherwise unknown code is temporary", async () => {
    fake.script.push(graphError(400, 9999, "Temporary issue", { is_transient: true }));
    expect((await failure(messenger().send(message()))).kind).toBe("temporary");
  });

  it("other codes (outside the 24 h window, unknown recipient) are malformed, without echoed ids", async () => {
    fake.script.push(graphError(400, 10, `(#10) This message is sent outside of allowed window for user ${PSID}.`, { error_subcode: 2018278 }));
    const err = await failure(messenger().send(message()));
    expect(err.kind).toBe("malformed");
    expect(err.message).toContain("code 10/2018278");
    expectNoPersonalData(err);
    fake.script.push(graphError(400, 551, "This person isn't available right now."));
    expect((await failure(messenger().send(message()))).kind).toBe("malformed");
  });

  it("a 500 is temporary and the retry sends the same Idempotency-Key", async () => {
    fake.script.push({ status: 500, text: "" });
    const s = messenger();
    expect((await failure(s.send(message()))).kind).toBe("temporary");
    expect((await s.send(message())).externalId).toBe("m_2");
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["outbox-9", "outbox-9"]);
    expect(fake.requests[1]!.body).toBe(fake.requests[0]!.body);
  });

  it("no answer within the timeout is temporary", async () => {
    fake.script.push("hang");
    const err = await failure(messenger({ timeoutMs: 200 }).send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toMatch(/no answer within 200 ms/);
  });

  it("a reset or refused connection is temporary", async () => {
    fake.script.push("reset");
    expect((await failure(messenger().send(message()))).kind).toBe("temporary");
    const port = await closedPort();
    const refused = await failure(messenger({ baseUrl: `http://127.0.0.1:${port}/v19.0` }).send(message()));
    expect(refused.kind).toBe("temporary");
    expect(refused.message).toContain("ECONNREFUSED");
  });
});

describe("GraphSendSender: WhatsApp Cloud", () => {
  const wa = (over: Partial<OutboundMessage> = {}, phone: string | null = PHONE) => message({ channel: "whatsapp", ...over }, phone);

  it("posts a text message to /{phone-number-id}/messages, to the citizen's phone by default", async () => {
    const result = await whatsapp().send(wa());
    expect(result).toEqual({ externalId: "wamid.HBgN1" });
    const req = fake.requests[0]!;
    expect(req.url).toBe(`/v19.0/${PHONE_NUMBER_ID}/messages`);
    expect(JSON.parse(req.body)).toMatchObject({ messaging_product: "whatsapp", to: "6281234567890", type: "text", text: { body: wa().text } });
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers["idempotency-key"]).toBe("outbox-9");
    expectNoPersonalData();
  });

  it("a local 08... number gets the country code", async () => {
    await whatsapp().send(wa({}, "0812 3456 7890"));
    expect((JSON.parse(fake.requests[0]!.body) as { to: string }).to).toBe("6281234567890");
  });

  it("no phone number is malformed and nothing is sent", async () => {
    expect((await failure(whatsapp().send(wa({}, null)))).kind).toBe("malformed");
    expect((await failure(whatsapp().send(wa({}, "abc")))).kind).toBe("malformed");
    expect(fake.requests).toHaveLength(0);
  });

  it("WhatsApp's throughput limit (130429) is rate_limited; a bad parameter with the number echoed is malformed and redacted", async () => {
    fake.script.push(graphError(400, 130429, "Rate limit hit"));
    expect((await failure(whatsapp().send(wa()))).kind).toBe("rate_limited");
    fake.script.push(graphError(400, 131026, "Message undeliverable to +62 812-3456-7890"));
    const err = await failure(whatsapp().send(wa()));
    expect(err.kind).toBe("malformed");
    expectNoPersonalData(err);
  });

  it("a revoked token is auth_revoked", async () => {
    expect((await failure(whatsapp({ accessToken: "nope" }).send(wa()))).kind).toBe("auth_revoked");
  });

  it("requires a numeric phoneNumberId", () => {
    expect(() => new GraphSendSender({ accessToken: TOKEN, channel: "whatsapp" })).toThrow(/phoneNumberId/);
    expect(() => new GraphSendSender({ accessToken: TOKEN, channel: "whatsapp", phoneNumberId: "../me" })).toThrow(/phoneNumberId/);
    expect(() => new GraphSendSender({ accessToken: TOKEN, channel: "facebook" })).not.toThrow();
  });
});
