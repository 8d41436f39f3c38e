import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../app/outbound.ts";
import type { QlueStatusInput } from "./qlue-status.ts";
import { QLUE_STATUS_TIMEOUT_MS, QlueStatusClient, buildStatusCallback } from "./qlue-status.ts";

const SECRET = "aspirasi-callback-secret";

const waitInput: QlueStatusInput = {
  reportId: "QL-884213",
  ticket: "JKT-260412-0073",
  status: "wait",
  comment: "Laporan sedang dikoordinasikan ke Dinas Bina Marga",
  at: new Date("2026-04-13T03:30:00Z"),
};

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/**
 * A fake Qlue partner API: checks X-Aspirasi-Signature over the raw body (401 when wrong), then
 * answers what the report id asks for: QL-500 -> 500, QL-429 -> 429 + Retry-After, QL-401 -> 401,
 * QL-403 -> 403, QL-400 -> 400, QL-404 -> 404, QL-HANG -> never answers; anything else 200.
 */
class FakeQluePartner {
  readonly received: Received[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  private hanging: http.ServerResponse[] = [];
  baseUrl = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const header = req.headers["x-aspirasi-signature"];
      const m = typeof header === "string" ? /^sha256=([0-9a-f]{64})$/.exec(header) : null;
      const expected = createHmac("sha256", SECRET).update(raw).digest();
      const given = m ? Buffer.from(m[1]!, "hex") : Buffer.alloc(0);
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      this.received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: raw.toString("utf8"), signatureValid });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (!signatureValid) return json(401, { error: "invalid_signature" });
      const route = /^\/partner\/reports\/([^/]+)\/status$/.exec(req.url ?? "");
      if (req.method !== "POST" || !route) return json(404, { error: "not_found" });
      switch (decodeURIComponent(route[1]!)) {
        case "QL-500":
          return json(500, { error: "internal_error" });
        case "QL-503":
          return json(503, { error: "maintenance" });
        case "QL-429":
          return json(429, { error: "too_many_requests" }, { "retry-after": "30" });
        case "QL-401":
          return json(401, { error: "partner_token_revoked" });
        case "QL-403":
          return json(403, { error: "partner_suspended" });
        case "QL-400":
          return json(400, { error: "invalid_status", message: "status harus wait, process atau complete" });
        case "QL-404":
          return json(404, { error: "report_not_found" });
        case "QL-HANG":
          this.hanging.push(res);
          return;
        default:
          return json(200, { ok: true });
      }
    });
  }
}

describe("buildStatusCallback", () => {
  it("the article's case: wait with the coordination comment is sent as such, signed", () => {
    const { body, headers } = buildStatusCallback(waitInput, SECRET);
    expect(JSON.parse(body)).toEqual({
      report_id: "QL-884213",
      ticket: "JKT-260412-0073",
      status: "wait",
      comment: "Laporan sedang dikoordinasikan ke Dinas Bina Marga",
      updated_at: "2026-04-13T03:30:00.000Z",
    });
    expect(headers["content-type"]).toMatch(/^application\/json/);
    expect(headers["x-aspirasi-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`);
  });

  it("a null comment stays null; the signature changes with the secret", () => {
    const input = { ...waitInput, status: "complete" as const, comment: null };
    const a = buildStatusCallback(input, SECRET);
    expect(JSON.parse(a.body)).toMatchObject({ status: "complete", comment: null });
    expect(buildStatusCallback(input, "other").headers["x-aspirasi-signature"]).not.toBe(a.headers["x-aspirasi-signature"]);
  });
});

describe("QlueStatusClient against a fake Qlue partner API", () => {
  const partner = new FakeQluePartner();
  let client: QlueStatusClient;

  beforeAll(async () => {
    await partner.start();
  });
  afterAll(async () => {
    await partner.stop();
  });
  beforeEach(() => {
    partner.received.length = 0;
    client = new QlueStatusClient({ baseUrl: `${partner.baseUrl}/`, secret: SECRET });
  });

  async function failure(reportId: string, c: QlueStatusClient = client): Promise<DeliveryError> {
    const err: unknown = await c.send({ ...waitInput, reportId }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }

  it("posts the signed wait + coordination comment to /partner/reports/{id}/status (200)", async () => {
    await expect(client.send(waitInput)).resolves.toBeUndefined();
    expect(partner.received).toHaveLength(1);
    const r = partner.received[0]!;
    expect(r).toMatchObject({ method: "POST", url: "/partner/reports/QL-884213/status", signatureValid: true });
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(r.body)).toEqual({
      report_id: "QL-884213",
      ticket: "JKT-260412-0073",
      status: "wait",
      comment: "Laporan sedang dikoordinasikan ke Dinas Bina Marga",
      updated_at: "2026-04-13T03:30:00.000Z",
    });
  });

  it("escapes the report id in the path", async () => {
    await client.send({ ...waitInput, reportId: "QL 7/8" });
    expect(partner.received[0]!.url).toBe("/partner/reports/QL%207%2F8/status");
  });

  it.each([["QL-500"], ["QL-503"]])("%s is temporary", async (id) => {
    const err = await failure(id);
    expect(err.kind).toBe("temporary");
    expect(err.message).toContain(id.slice(3));
  });

  it("429 is rate_limited with Retry-After in ms", async () => {
    const err = await failure("QL-429");
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterMs).toBe(30_000);
  });

  it.each([["QL-401"], ["QL-403"]])("%s is auth_revoked", async (id) => {
    expect((await failure(id)).kind).toBe("auth_revoked");
  });

  it("a wrong secret (the partner answers 401) is auth_revoked", async () => {
    const wrong = new QlueStatusClient({ baseUrl: partner.baseUrl, secret: "stale-secret" });
    expect((await failure("QL-884213", wrong)).kind).toBe("auth_revoked");
    expect(partner.received[0]!.signatureValid).toBe(false);
  });

  it.each([["QL-400"], ["QL-404"]])("%s is malformed, with the partner's answer in the message", async (id) => {
    const err = await failure(id);
    expect(err.kind).toBe("malformed");
    expect(err.message).toMatch(/error/);
  });

  it("a refused connection is temporary", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = new QlueStatusClient({ baseUrl: `http://127.0.0.1:${port}`, secret: SECRET });
    expect((await failure("QL-884213", offline)).kind).toBe("temporary");
  });

  it("no answer within the timeout is temporary", async () => {
    const impatient = new QlueStatusClient({ baseUrl: partner.baseUrl, secret: SECRET, timeoutMs: 150 });
    const err = await failure("QL-HANG", impatient);
    expect(err.kind).toBe("temporary");
    expect(err.message).toMatch(/150 ms/);
  });

  it("uses a 10 s timeout by default (AbortSignal passed to fetch)", async () => {
    let signal: AbortSignal | null | undefined;
    const fake: typeof fetch = async (_url, init) => {
      signal = init?.signal;
      return new Response("{}", { status: 200 });
    };
    await new QlueStatusClient({ baseUrl: "http://qlue.invalid", secret: SECRET, fetch: fake }).send(waitInput);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal!.aborted).toBe(false);
    expect(QLUE_STATUS_TIMEOUT_MS).toBe(10_000);
  });
});
