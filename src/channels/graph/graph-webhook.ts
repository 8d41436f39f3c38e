/**
 * Meta Graph webhook mechanics shared by the Facebook page (Messenger + feed) and WhatsApp
 * Business Cloud API connectors: the GET verification handshake, the `X-Hub-Signature-256`
 * check over the raw request bytes, and small helpers to read the JSON envelope safely.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SignedRequest } from "../connector.ts";

/** The header Meta signs every webhook POST with: `sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
export const HUB_SIGNATURE_HEADER = "x-hub-signature-256";

/**
 * The subscription handshake (GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...):
 * the challenge to echo with 200 when the mode is "subscribe" and the token matches, else null
 * (answer 403). Repeated query parameters (arrays) and an empty configured token are refused.
 */
export function verifyChallenge(query: Record<string, unknown>, verifyToken: string): string | null {
  const mode = query["hub.mode"];
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (mode !== "subscribe") return null;
  if (typeof token !== "string" || typeof challenge !== "string" || challenge === "") return null;
  if (verifyToken === "" || !constantTimeEqual(Buffer.from(token, "utf8"), Buffer.from(verifyToken, "utf8"))) return null;
  return challenge;
}

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * True when `header` is `sha256=<64 hex>` and equals HMAC-SHA256(appSecret, rawBody) computed over
 * the exact bytes received (never over re-serialized JSON: line endings, spacing and escapes all
 * change the hash). Hex case is not significant. Constant-time comparison; malformed headers, a
 * missing header and an empty secret are refused.
 */
export function verifyHubSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (typeof header !== "string" || appSecret === "") return false;
  const m = SIGNATURE_RE.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return constantTimeEqual(given, expected);
}

/**
 * The part of a Graph webhook connector that is the same for every Graph product: the subscription
 * handshake against the configured verify token (none configured: every handshake is refused) and
 * the X-Hub-Signature-256 check with the app secret.
 */
export abstract class GraphWebhookConnector {
  constructor(
    private readonly appSecret: string,
    private readonly verifyToken: string = "",
  ) {}

  /** The Graph subscription challenge: hub.challenge when hub.verify_token matches. */
  challenge(query: Record<string, unknown>): string | null {
    return verifyChallenge(query, this.verifyToken);
  }

  verify(request: SignedRequest): boolean {
    return verifyHubSignature(request.rawBody, headerValue(request.headers, HUB_SIGNATURE_HEADER), this.appSecret);
  }
}

/** The single value of a header (case-insensitive name); undefined when absent or sent more than once. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    if (Array.isArray(v)) values.push(...v);
    else values.push(v);
  }
  return values.length === 1 ? values[0] : undefined;
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // still spend the comparison so the length is the only thing a timing attack learns
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------
// Payload helpers

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A non-empty string, or a finite number rendered as a string (Graph ids are sometimes numbers). */
export function idString(v: unknown): string | null {
  if (typeof v === "string") return v.trim() === "" ? null : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

export function textOf(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

export function objectsOf(v: unknown, what: string): JsonObject[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} is not an array`);
  return v.map((item, i) => {
    if (!isObject(item)) throw new Error(`${what}[${i}] is not an object`);
    return item;
  });
}

/**
 * The webhook envelope: a JSON object whose `object` is `expectedObject`, with an `entry` array of
 * objects. Throws on anything else (the payload is stored as malformed).
 */
export function parseGraphEnvelope(rawBody: Buffer, expectedObject: string): JsonObject[] {
  let text = rawBody.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`not a JSON payload: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(parsed)) throw new Error("payload is not a JSON object");
  if (parsed["object"] !== expectedObject) {
    throw new Error(`payload object is ${JSON.stringify(parsed["object"] ?? null)}, expected "${expectedObject}"`);
  }
  if (!Array.isArray(parsed["entry"])) throw new Error("payload has no entry array");
  return objectsOf(parsed["entry"], "entry");
}

/** A Graph timestamp as a Date: milliseconds (Messenger), seconds (feed, WhatsApp; number or numeric string) or ISO text. */
export function graphTime(v: unknown, unit: "ms" | "s"): Date | null {
  let n: number | null = null;
  if (typeof v === "number" && Number.isFinite(v)) n = v;
  else if (typeof v === "string" && /^\d+$/.test(v.trim())) n = Number(v.trim());
  else if (typeof v === "string" && v.trim() !== "") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t);
  }
  if (n === null) return null;
  const d = new Date(unit === "s" ? n * 1000 : n);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A JSON rendering with sorted keys, so equal events hash equally whatever their key order. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** A stable id for an event that carries none of its own: `<prefix>:<sha256 of the canonical event>` (truncated). */
export function stableEventId(prefix: string, ...parts: unknown[]): string {
  const hash = createHash("sha256").update(canonicalJson(parts)).digest("hex").slice(0, 40);
  return `${prefix}:${hash}`;
}

/** External ids are at most 300 characters: longer ones are replaced by their hash. */
export function boundedId(id: string): string {
  return id.length <= 300 ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}

/** A latitude/longitude pair when both are finite numbers in range, else null. */
export function geoPoint(lat: unknown, lon: unknown): { lat: number; lon: number } | null {
  const num = (v: unknown): unknown => (typeof v === "string" ? (v.trim() === "" ? null : Number(v)) : v);
  const a = num(lat);
  const b = num(lon);
  if (typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  if (Math.abs(a) > 90 || Math.abs(b) > 180) return null;
  return { lat: a, lon: b };
}
