import type { OutboundMessage, OutboundSender } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { checkBaseUrl, classifyStatus, DEFAULT_TIMEOUT_MS, parseRetryAfter, postOnce, redact, truncateText } from "./http-delivery.ts";

/** Messenger refuses text over 2000 characters, WhatsApp over 4096. */
export const MESSENGER_MAX_TEXT = 2000;
export const WHATSAPP_MAX_TEXT = 4096;

export interface GraphSendOptions {
  baseUrl?: string;
  /** a Page access token (Messenger) or a system-user token (WhatsApp Cloud) */
  accessToken: string;
  channel: "facebook" | "whatsapp";
  /** the WhatsApp business phone number id; required for whatsapp */
  phoneNumberId?: string;
  timeoutMs?: number;
  /**
   * Who receives the message: the citizen's page-scoped id (PSID) for Messenger, a phone number
   * for WhatsApp. OutboundMessage carries no channel identities, so the caller looks them up.
   * Default: the citizen's phone for whatsapp, nobody for facebook. null -> malformed.
   */
  resolveRecipient?: (message: OutboundMessage) => string | null | Promise<string | null>;
}

/** Graph error codes (error.code) that mean the token no longer works. */
const AUTH_CODES = new Set([190, 102]);
/** Application / user / page / custom-level throttling, WhatsApp throughput and pair rate limits. */
const RATE_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);
/** "Unknown error" / "Service temporarily unavailable" and WhatsApp's service-unavailable. */
const TEMPORARY_CODES = new Set([1, 2, 131016]);

/**
 * Answers through the Graph API: Messenger Send API (POST /me/messages) or WhatsApp Cloud API
 * (POST /{phone-number-id}/messages). The token goes in the Authorization header (never in the
 * URL) and the recipient only in the JSON body. Graph errors are classified by error.code first
 * (190 token -> auth_revoked, 4/17/32/613 -> rate_limited, 1/2 -> temporary), then by status.
 */
export class GraphSendSender implements OutboundSender {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly what: string;

  constructor(private readonly opts: GraphSendOptions) {
    if (!opts.accessToken) throw new Error("graph send: accessToken is required");
    if (opts.channel !== "facebook" && opts.channel !== "whatsapp") throw new Error("graph send: channel must be facebook or whatsapp");
    this.what = opts.channel === "facebook" ? "messenger send" : "whatsapp send";
    const base = checkBaseUrl(this.what, opts.baseUrl ?? "https://graph.facebook.com/v19.0");
    if (opts.channel === "whatsapp") {
      if (!opts.phoneNumberId || !/^\d+$/.test(opts.phoneNumberId)) throw new Error("whatsapp send: a numeric phoneNumberId is required");
      this.url = `${base}/${opts.phoneNumberId}/messages`;
    } else {
      this.url = `${base}/me/messages`;
    }
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const recipient = await this.recipient(message);
    const payload =
      this.opts.channel === "facebook"
        ? { recipient: { id: recipient }, message: { text: truncateText(message.text, MESSENGER_MAX_TEXT) }, messaging_type: "RESPONSE" }
        : { messaging_product: "whatsapp", recipient_type: "individual", to: recipient, type: "text", text: { preview_url: false, body: truncateText(message.text, WHATSAPP_MAX_TEXT) } };
    const answer = await postOnce(
      this.what,
      this.url,
      {
        headers: {
          authorization: `Bearer ${this.opts.accessToken}`,
          "content-type": "application/json",
          accept: "application/json",
          "idempotency-key": message.idempotencyKey,
        },
        body: JSON.stringify(payload),
      },
      this.timeoutMs,
    );
    if (answer.status >= 200 && answer.status < 300) {
      const id = messageId(answer.json);
      return id ? { externalId: id } : {};
    }
    throw this.classify(answer.status, answer.headers, answer.json);
  }

  private async recipient(message: OutboundMessage): Promise<string> {
    const resolve = this.opts.resolveRecipient ?? ((m: OutboundMessage) => (this.opts.channel === "whatsapp" ? m.citizen.phone : null));
    const raw = (await resolve(message))?.trim();
    if (!raw) throw new DeliveryError("malformed", `${this.what}: no ${this.opts.channel === "facebook" ? "Messenger id (PSID)" : "WhatsApp number"} for the citizen`);
    if (this.opts.channel === "facebook") {
      if (!/^\d{1,30}$/.test(raw)) throw new DeliveryError("malformed", `${this.what}: the citizen's PSID is not valid`);
      return raw;
    }
    // WhatsApp wants the number with its country code; "+62 812-..." and "0812..." both become 62812...
    let digits = raw.replace(/[\s().-]/g, "");
    if (digits.startsWith("0")) digits = `62${digits.slice(1)}`;
    digits = digits.replace(/^\+/, "");
    if (!/^[1-9]\d{6,14}$/.test(digits)) throw new DeliveryError("malformed", `${this.what}: the citizen's phone number is not valid`);
    return digits;
  }

  private classify(status: number, headers: Headers, json: unknown): DeliveryError {
    const error = graphError(json);
    if (!error) return classifyStatus(this.what, status, headers, "");
    const detail = [
      `code ${error.code ?? "?"}${error.subcode !== undefined ? `/${error.subcode}` : ""}`,
      error.type ?? "",
      error.message ? redact(error.message) : "",
      error.traceId ? `(fbtrace ${error.traceId})` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const message = `${this.what}: HTTP ${status} ${detail}`;
    const code = error.code;
    if (code !== undefined && AUTH_CODES.has(code)) return new DeliveryError("auth_revoked", message);
    if (code !== undefined && RATE_CODES.has(code)) return new DeliveryError("rate_limited", message, graphRetryAfter(headers));
    if ((code !== undefined && TEMPORARY_CODES.has(code)) || error.transient || status >= 500) {
      return new DeliveryError("temporary", message, parseRetryAfter(headers.get("retry-after")));
    }
    if (status === 429) return new DeliveryError("rate_limited", message, graphRetryAfter(headers));
    if (status === 401 || status === 403) return new DeliveryError("auth_revoked", message);
    return new DeliveryError("malformed", message);
  }
}

interface GraphError {
  code?: number;
  subcode?: number;
  type?: string;
  message?: string;
  transient: boolean;
  traceId?: string;
}

function graphError(json: unknown): GraphError | null {
  const error = json && typeof json === "object" ? (json as { error?: unknown }).error : undefined;
  if (!error || typeof error !== "object") return null;
  const e = error as Record<string, unknown>;
  const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return {
    code: num(e.code),
    subcode: num(e.error_subcode),
    type: str(e.type)?.replace(/[^\w]/g, "").slice(0, 40),
    message: str(e.message),
    transient: e.is_transient === true,
    traceId: str(e.fbtrace_id)?.replace(/[^\w-]/g, "").slice(0, 40),
  };
}

/** Messenger: { recipient_id, message_id }; WhatsApp: { messages: [{ id }] }. */
function messageId(json: unknown): string | null {
  if (!json || typeof json !== "object") return null;
  const j = json as { message_id?: unknown; messages?: unknown };
  if (typeof j.message_id === "string" && j.message_id) return j.message_id;
  if (Array.isArray(j.messages)) {
    const first = j.messages[0] as { id?: unknown } | undefined;
    if (first && typeof first.id === "string" && first.id) return first.id;
  }
  return null;
}

/**
 * Graph rarely sends Retry-After; its usage headers say when access comes back instead
 * (X-Business-Use-Case-Usage: {"<id>": [{"estimated_time_to_regain_access": minutes, ...}]}).
 */
export function graphRetryAfter(headers: Headers): number | undefined {
  const retryAfter = parseRetryAfter(headers.get("retry-after"));
  if (retryAfter !== undefined) return retryAfter;
  const usage = headers.get("x-business-use-case-usage");
  if (!usage) return undefined;
  try {
    const parsed = JSON.parse(usage) as unknown;
    if (!parsed || typeof parsed !== "object") return undefined;
    let minutes = 0;
    for (const list of Object.values(parsed as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const m = entry && typeof entry === "object" ? (entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access : undefined;
        if (typeof m === "number" && m > minutes) minutes = m;
      }
    }
    return minutes > 0 ? Math.min(minutes, 24 * 60) * 60_000 : undefined;
  } catch {
    return undefined;
  }
}
