/**
 * What the HTTP senders share: one POST with a deadline, and the translation of an HTTP answer or
 * a network failure into a DeliveryError whose kind decides the outbox's retry policy.
 *
 * Error messages end up in the outbox's last_error column and in logs, so they never carry the
 * URL's query, the request body or personal data echoed back by the provider (see `redact`).
 */
import { DeliveryError } from "../../app/outbound.ts";

/** Every sender gives up on a provider after this long; the outbox retries later. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A Retry-After longer than this is treated as this (the outbox backoff tops out at 2 h anyway). */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** the parsed JSON body, or null when the body is empty or not JSON */
  json: unknown;
}

/**
 * POSTs once. Resolves with any HTTP answer (the caller classifies it); rejects with a temporary
 * DeliveryError when the provider cannot be reached, resets the connection or does not answer
 * within `timeoutMs` (the deadline covers the whole exchange, body included).
 */
export async function postOnce(
  what: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<HttpAnswer> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: parseJson(text) };
  } catch (err) {
    throw networkFailure(what, err, timeoutMs);
  }
}

export function networkFailure(what: string, err: unknown, timeoutMs: number): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const name = err instanceof Error ? err.name : "";
  if (name === "TimeoutError" || name === "AbortError") return new DeliveryError("temporary", `${what}: no answer within ${timeoutMs} ms`);
  return new DeliveryError("temporary", `${what}: connection failed (${errorCode(err) ?? "network error"})`);
}

/** The system error code behind a fetch failure (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET ...). */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  return undefined;
}

/** The JSON of an answer body, or null when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The general HTTP classification: 429 -> rate_limited (with Retry-After), 401/403 ->
 * auth_revoked, 408 and 5xx -> temporary, any other status -> malformed (the same request would
 * fail again). `detail` is already redacted.
 */
export function classifyStatus(what: string, status: number, headers: Headers, detail: string): DeliveryError {
  const message = `${what}: HTTP ${status}${detail ? ` ${detail}` : ""}`;
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
  if (status === 429) return new DeliveryError("rate_limited", message, retryAfterMs);
  if (status === 401 || status === 403) return new DeliveryError("auth_revoked", message);
  if (status === 408 || status >= 500) return new DeliveryError("temporary", message, retryAfterMs);
  return new DeliveryError("malformed", message);
}

/** Retry-After as delay-seconds or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/**
 * Provider error texts often echo the recipient ("The 'To' number +62812... is not valid"):
 * e-mail addresses and long digit runs (phone numbers, PSIDs) are masked, the rest is kept short.
 */
export function redact(text: string, max = 200): string {
  const masked = text
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, "[email]")
    // an IPv4 address (a connection error's "connect ECONNREFUSED 10.0.0.5:25") is not a phone number
    .replace(/\+?\d(?:[\s.-]?\d){5,}/g, (run) => (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(run) ? run : "[number]"))
    .replace(/[\r\n\t]+/g, " ")
    .trim();
  return masked.length > max ? masked.slice(0, max - 1) + "…" : masked;
}

/** Cuts `text` to at most `max` UTF-16 units, ending in "…", without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + "…";
}

/** A base URL from configuration, checked once, without a trailing slash. */
export function checkBaseUrl(what: string, baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`${what}: baseUrl is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`${what}: baseUrl must be http(s)`);
  return baseUrl.replace(/\/+$/, "");
}
