import { createHmac, timingSafeEqual } from "node:crypto";
import type { InboundMessage, SignedRequest, WebhookConnector } from "../connector.ts";
import { findTicket, statusRequestTicket } from "../connector.ts";

/**
 * SMS through a Twilio-compatible HTTP gateway: form-encoded webhooks signed with
 * X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + every form param name and value,
 * sorted by name)).
 */
export class TwilioSmsConnector implements WebhookConnector {
  readonly channel = "sms";

  constructor(private readonly opts: { authToken: string }) {}

  verify(request: SignedRequest): boolean {
    const header = request.headers["x-twilio-signature"];
    const signature = Array.isArray(header) ? header[0] : header;
    if (!signature || !/^[A-Za-z0-9+/=]{20,100}$/.test(signature)) return false;
    const expected = twilioSignature(this.opts.authToken, request.url, new URLSearchParams(request.rawBody.toString("utf8")));
    const a = Buffer.from(signature);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  parse(rawBody: Buffer): InboundMessage[] {
    const text = rawBody.toString("utf8");
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error("a Twilio webhook is an ASCII form body");
    const form = new URLSearchParams(text);
    const sid = form.get("MessageSid") ?? form.get("SmsMessageSid");
    const from = form.get("From");
    if (!sid || !from) throw new Error("not a Twilio message webhook: MessageSid and From are required");
    const body = form.get("Body") ?? "";
    const media = Number(form.get("NumMedia") ?? 0);
    const attachments = [];
    for (let i = 0; i < Math.min(Number.isFinite(media) ? media : 0, 10); i++) {
      const url = form.get(`MediaUrl${i}`);
      if (url) attachments.push({ url, contentType: form.get(`MediaContentType${i}`) });
    }
    const status = statusRequestTicket(body);
    return [{
      channel: this.channel,
      externalId: sid,
      kind: status ? "status_request" : "message",
      sender: { kind: "phone", value: from },
      text: body,
      sentAt: null,
      attachments,
      thread: { ticket: status ?? findTicket(body) },
    }];
  }
}

export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) for (const value of params.getAll(name)) data += name + value;
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}
