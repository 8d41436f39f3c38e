/**
 * The HTTP client of the LAPOR! integration API (our documented contract: ./README.md): the
 * disposition feed we poll, and the status (tindak lanjut) and answers (tanggapan) we post.
 *
 * Every request carries the instansi's bearer token, follows no redirect and times out after 10 s.
 * Failures are DeliveryErrors classified like every HTTP sender (../outbound/http-delivery.ts):
 * 5xx, 408, network errors and timeouts temporary; 429 rate_limited with Retry-After; 401/403
 * auth_revoked; any other non-2xx, and a 2xx whose body breaks the contract, malformed.
 */
import { DeliveryError } from "../../app/outbound.ts";
import { checkBaseUrl, classifyStatus, DEFAULT_TIMEOUT_MS, networkFailure, parseJson, redact, type HttpAnswer } from "../outbound/http-delivery.ts";

export const LAPOR_PAGE_LIMIT = 50;

/** The status values a tindak lanjut may carry. */
export const LAPOR_STATUSES = ["belum_diverifikasi", "diverifikasi", "diproses", "selesai", "ditutup"] as const;
export type LaporStatus = (typeof LAPOR_STATUSES)[number];

/** One page of the disposition feed; items are kept raw (the connector reads them later). */
export interface LaporPage {
  items: unknown[];
  nextCursor: string | null;
  hasMore: boolean;
}

export interface LaporTindakLanjut {
  status: LaporStatus;
  isi: string;
  lampiran: { url: string }[];
  nomor_tiket: string;
  updated_at: string;
}

export interface LaporTanggapan {
  isi: string;
  nomor_tiket: string | null;
}

export interface LaporClientOptions {
  /** LAPOR_API_BASE_URL */
  baseUrl: string;
  /** LAPOR_API_TOKEN */
  token: string;
  /** LAPOR_AGENCY_ID: our instansi in LAPOR! */
  agencyId: string;
  /** items per page (1..100); default 50 */
  pageLimit?: number;
  /** default 10 s */
  timeoutMs?: number;
}

export class LaporClient {
  private readonly baseUrl: string;
  private readonly pageLimit: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: LaporClientOptions) {
    if (!opts.token || !opts.agencyId) throw new Error("lapor: token and agencyId are required");
    this.baseUrl = checkBaseUrl("lapor", opts.baseUrl);
    this.pageLimit = opts.pageLimit ?? LAPOR_PAGE_LIMIT;
    if (!Number.isInteger(this.pageLimit) || this.pageLimit < 1 || this.pageLimit > 100) throw new Error("lapor: pageLimit must be 1..100");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The reports disposed to us after `cursor` (from the beginning when null). */
  async fetchDisposisi(cursor: string | null): Promise<LaporPage> {
    const query = new URLSearchParams({ instansi: this.opts.agencyId, limit: String(this.pageLimit) });
    if (cursor !== null) query.set("cursor", cursor);
    const what = "lapor disposisi";
    const answer = await this.exchange(what, "GET", `${this.baseUrl}/v1/disposisi?${query}`);
    const body = answer.json as { data?: unknown; next_cursor?: unknown; has_more?: unknown } | null;
    if (!body || typeof body !== "object" || !Array.isArray(body.data)) throw new DeliveryError("malformed", `${what}: the answer has no data array`);
    const next = body.next_cursor ?? null;
    if (next !== null && (typeof next !== "string" || next === "")) throw new DeliveryError("malformed", `${what}: next_cursor must be a non-empty string or null`);
    if (typeof body.has_more !== "boolean") throw new DeliveryError("malformed", `${what}: has_more must be a boolean`);
    if (body.has_more && (next === null || next === cursor)) throw new DeliveryError("malformed", `${what}: has_more without a new next_cursor`);
    return { items: body.data, nextCursor: next, hasMore: body.has_more };
  }

  /** Tells LAPOR! the report's status; the same key on every retry. */
  async postTindakLanjut(laporId: string, body: LaporTindakLanjut, idempotencyKey: string): Promise<void> {
    await this.exchange("lapor tindak-lanjut", "POST", this.reportUrl(laporId, "tindak-lanjut"), body, idempotencyKey);
  }

  /** Posts an answer to the reporter on the LAPOR! report; resolves with LAPOR!'s id of it. */
  async postTanggapan(laporId: string, body: LaporTanggapan, idempotencyKey: string): Promise<{ id: string | null }> {
    const answer = await this.exchange("lapor tanggapan", "POST", this.reportUrl(laporId, "tanggapan"), body, idempotencyKey);
    const data = (answer.json as { data?: { id?: unknown } } | null)?.data;
    const id = data?.id;
    return { id: typeof id === "string" || typeof id === "number" ? String(id) : null };
  }

  private reportUrl(laporId: string, what: "tindak-lanjut" | "tanggapan"): string {
    return `${this.baseUrl}/v1/laporan/${encodeURIComponent(laporId)}/${what}`;
  }

  /** One request; resolves on 2xx with the parsed body, throws a classified DeliveryError otherwise. */
  private async exchange(what: string, method: "GET" | "POST", url: string, body?: unknown, idempotencyKey?: string): Promise<HttpAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
    let answer: HttpAnswer;
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      answer = { status: res.status, headers: res.headers, json: parseJson(await res.text()) };
    } catch (err) {
      throw networkFailure(what, err, this.timeoutMs);
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw classifyStatus(what, answer.status, answer.headers, errorDetail(answer.json));
  }
}

/** The client when LAPOR_API_BASE_URL, LAPOR_API_TOKEN and LAPOR_AGENCY_ID are all set, else null (channel off). */
export function laporClientFromEnv(env: NodeJS.ProcessEnv): LaporClient | null {
  if (!env.LAPOR_API_BASE_URL || !env.LAPOR_API_TOKEN || !env.LAPOR_AGENCY_ID) return null;
  return new LaporClient({ baseUrl: env.LAPOR_API_BASE_URL, token: env.LAPOR_API_TOKEN, agencyId: env.LAPOR_AGENCY_ID });
}

/** LAPOR_POLL_SECONDS as milliseconds; default 60 s, at least 5 s. */
export function laporPollIntervalMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.LAPOR_POLL_SECONDS ?? 60);
  return Math.max(Number.isFinite(seconds) ? seconds : 60, 5) * 1000;
}

/** `code: message` of LAPOR!'s `{ error: { code, message } }`, redacted; "" when absent. */
function errorDetail(json: unknown): string {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error !== "object") return "";
  const parts = [error.code, error.message].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  return redact(parts.join(": "));
}
