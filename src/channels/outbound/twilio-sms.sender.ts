import type { OutboundMessage, OutboundSender } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { normalizePhone } from "../../domain/contact.ts";
import { checkBaseUrl, classifyStatus, DEFAULT_TIMEOUT_MS, postOnce, redact, truncateText } from "./http-delivery.ts";

/** Twilio refuses bodies over 1600 characters; shorter long texts it splits and concatenates itself. */
export const TWILIO_MAX_BODY = 1600;

export interface TwilioSmsOptions {
  /** a Twilio-compatible gateway; default the real API */
  baseUrl?: string;
  accountSid: string;
  authToken: string;
  /** our sender number or alphanumeric sender id, e.g. "+628111272206" */
  from: string;
  timeoutMs?: number;
}

/**
 * SMS answers through Twilio's Messages API (or a gateway speaking it):
 * POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json, form To / From / Body, HTTP Basic auth.
 * The outbox's idempotency key goes in an `Idempotency-Key` header so a gateway that honours it
 * drops the duplicate of a retried send. The recipient's number travels only in the form body.
 */
export class TwilioSmsSender implements OutboundSender {
  private readonly url: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TwilioSmsOptions) {
    if (!opts.accountSid || !opts.authToken || !opts.from) throw new Error("twilio sms: accountSid, authToken and from are required");
    const base = checkBaseUrl("twilio sms", opts.baseUrl ?? "https://api.twilio.com");
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`, "utf8").toString("base64")}`;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const to = recipientNumber(message.citizen.phone);
    const body = truncateText(message.text, TWILIO_MAX_BODY);
    if (!body.trim()) throw new DeliveryError("malformed", "twilio sms: empty message text");
    const answer = await postOnce(
      "twilio sms",
      this.url,
      {
        headers: {
          authorization: this.authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          "idempotency-key": message.idempotencyKey,
        },
        body: new URLSearchParams({ To: to, From: this.opts.from, Body: body }).toString(),
      },
      this.timeoutMs,
    );
    if (answer.status >= 200 && answer.status < 300) {
      const sid = field(answer.json, "sid");
      return sid ? { externalId: sid } : {};
    }
    const code = field(answer.json, "code");
    const text = field(answer.json, "message");
    const detail = [code ? `code ${code}` : "", text ? redact(text) : ""].filter(Boolean).join(": ");
    throw classifyStatus("twilio sms", answer.status, answer.headers, detail);
  }
}

/** The citizen's number in E.164 (stored numbers already are; local 08... ones are converted). */
function recipientNumber(phone: string | null): string {
  if (!phone?.trim()) throw new DeliveryError("malformed", "twilio sms: the citizen has no phone number");
  const e164 = normalizePhone(phone);
  if (!/^\+[1-9]\d{6,14}$/.test(e164)) throw new DeliveryError("malformed", "twilio sms: the citizen's phone number is not a valid number");
  return e164;
}

function field(json: unknown, name: string): string | null {
  if (!json || typeof json !== "object") return null;
  const v = (json as Record<string, unknown>)[name];
  return typeof v === "string" || typeof v === "number" ? String(v) : null;
}
