/**
 * WhatsApp Business (Cloud API) connector: the Graph webhook of a WhatsApp Business Account
 * (`object: "whatsapp_business_account"`, `entry[].changes[]` with `field: "messages"`), signed
 * like every Meta webhook with `X-Hub-Signature-256` over the raw body.
 *
 * Decisions (for the record):
 * - text -> "message" (or "status_request" for "CEK <ticket>"); image/document/video/audio ->
 *   attachment `graph-media:<media id>` (the media is fetched later through the Graph API) with
 *   its mime_type, the caption as text; location -> `location`, its name and address as text;
 *   interactive button/list replies and template quick-reply buttons -> "message" with the title.
 * - reactions, stickers, "unsupported", "system" (number changed) and unknown types -> "ignored".
 * - value.statuses[] (sent / delivered / read / failed) -> "ignored", externalId `<wamid>:<status>`.
 * - sender: kind "whatsapp", value "+" + from (E.164), name from value.contacts[].profile.name.
 * - with phoneNumberId configured, messages addressed to another number of the account are ignored.
 * - changes of other fields (template status, account updates ...) are not conversations and
 *   produce nothing.
 */
import type { InboundAttachment, InboundMessage, SenderIdentity, WebhookConnector } from "../connector.ts";
import { findTicket, statusRequestTicket } from "../connector.ts";
import type { JsonObject } from "../graph/graph-webhook.ts";
import {
  GraphWebhookConnector,
  boundedId,
  geoPoint,
  graphTime,
  idString,
  isObject,
  objectsOf,
  parseGraphEnvelope,
  stableEventId,
  textOf,
} from "../graph/graph-webhook.ts";

export interface WhatsAppConnectorOptions {
  /** the Meta app secret the webhook is signed with */
  appSecret: string;
  /** our business phone number id: messages to other numbers of the account are ignored */
  phoneNumberId?: string;
  /** the token the subscription challenge must carry (hub.verify_token) */
  verifyToken?: string;
}

const CHANNEL = "whatsapp";
/** The attachment url of a WhatsApp media object, resolved later through the Graph media endpoint. */
export const GRAPH_MEDIA_PREFIX = "graph-media:";

const MEDIA_TYPES = ["image", "document", "video", "audio"] as const;

export class WhatsAppConnector extends GraphWebhookConnector implements WebhookConnector {
  readonly channel = CHANNEL;
  private readonly phoneNumberId: string | null;

  constructor(options: WhatsAppConnectorOptions) {
    super(options.appSecret, options.verifyToken);
    this.phoneNumberId = options.phoneNumberId ?? null;
  }

  parse(rawBody: Buffer, _contentType: string): InboundMessage[] {
    const out: InboundMessage[] = [];
    for (const entry of parseGraphEnvelope(rawBody, "whatsapp_business_account")) {
      for (const change of objectsOf(entry["changes"], "entry.changes")) {
        if (change["field"] !== "messages" || !isObject(change["value"])) continue;
        const value = change["value"];
        const metadata = isObject(value["metadata"]) ? value["metadata"] : {};
        const toNumberId = idString(metadata["phone_number_id"]);
        const notOurs = this.phoneNumberId !== null && toNumberId !== null && toNumberId !== this.phoneNumberId;
        const names = contactNames(value);
        for (const msg of objectsOf(value["messages"], "value.messages")) {
          const m = messageOf(msg, names);
          out.push(notOurs && m.kind !== "ignored" ? toIgnored(m, "addressed to another phone number of the account") : m);
        }
        for (const st of objectsOf(value["statuses"], "value.statuses")) out.push(statusOf(st));
      }
    }
    return out;
  }
}

function contactNames(value: JsonObject): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of objectsOf(value["contacts"], "value.contacts")) {
    const waId = idString(c["wa_id"]);
    const name = isObject(c["profile"]) ? textOf(c["profile"]["name"]) : null;
    if (waId && name) names.set(digits(waId), name);
  }
  return names;
}

function digits(phone: string): string {
  return phone.replace(/^\+/, "").replace(/[\s-]/g, "");
}

function whatsappSender(from: string | null, names: Map<string, string>): SenderIdentity {
  if (!from) return { kind: CHANNEL, value: "unknown", name: null };
  const d = digits(from);
  // a single contact in the change is the sender even if wa_id is formatted differently
  const name = names.get(d) ?? (names.size === 1 ? [...names.values()][0]! : null);
  return { kind: CHANNEL, value: `+${d}`, name };
}

function messageOf(msg: JsonObject, names: Map<string, string>): InboundMessage {
  const id = idString(msg["id"]);
  const externalId = id ? boundedId(id) : stableEventId("wa:message", msg);
  const sender = whatsappSender(idString(msg["from"]), names);
  const sentAt = graphTime(msg["timestamp"], "s");
  const type = textOf(msg["type"]) ?? "";
  const base = { channel: CHANNEL, externalId, sender, sentAt, attachments: [] as InboundAttachment[], location: null };
  if (!idString(msg["from"])) return { ...base, kind: "ignored", text: "", thread: {}, ignoredReason: "message without a sender" };

  const context = isObject(msg["context"]) ? msg["context"] : {};
  const inReplyTo = idString(context["id"]);
  let text = "";
  let location: { lat: number; lon: number } | null = null;
  const attachments: InboundAttachment[] = [];

  if (type === "text") {
    const t = isObject(msg["text"]) ? msg["text"] : {};
    text = textOf(t["body"]) ?? "";
  } else if ((MEDIA_TYPES as readonly string[]).includes(type)) {
    const media = isObject(msg[type]) ? (msg[type] as JsonObject) : {};
    const mediaId = idString(media["id"]);
    text = textOf(media["caption"]) ?? "";
    if (mediaId) {
      attachments.push({ contentType: textOf(media["mime_type"]), url: `${GRAPH_MEDIA_PREFIX}${mediaId}`, filename: textOf(media["filename"]) });
    }
  } else if (type === "location") {
    const loc = isObject(msg["location"]) ? msg["location"] : {};
    location = geoPoint(loc["latitude"], loc["longitude"]);
    text = [textOf(loc["name"]), textOf(loc["address"])].filter((s): s is string => !!s && s.trim() !== "").join(", ");
  } else if (type === "interactive") {
    const it = isObject(msg["interactive"]) ? msg["interactive"] : {};
    const reply = isObject(it["button_reply"]) ? it["button_reply"] : isObject(it["list_reply"]) ? it["list_reply"] : {};
    text = textOf(reply["title"]) ?? "";
  } else if (type === "button") {
    const b = isObject(msg["button"]) ? msg["button"] : {};
    text = textOf(b["text"]) ?? textOf(b["payload"]) ?? "";
  } else {
    const reason = type === "reaction" ? "reaction to a message" : type === "" ? "message without a type" : `${type} message`;
    return { ...base, kind: "ignored", text: "", thread: {}, ignoredReason: reason };
  }

  if (type !== "location" && text.trim() === "" && attachments.length === 0) {
    return { ...base, kind: "ignored", text: "", thread: {}, ignoredReason: `empty ${type} message` };
  }
  const statusTicket = statusRequestTicket(text);
  return {
    ...base,
    kind: statusTicket ? "status_request" : "message",
    text,
    location,
    attachments,
    thread: { ticket: statusTicket ?? findTicket(text), inReplyTo },
  };
}

function statusOf(st: JsonObject): InboundMessage {
  const id = idString(st["id"]);
  const status = textOf(st["status"]) ?? "unknown";
  const errors = objectsOf(st["errors"], "status.errors");
  const firstError = errors[0];
  const detail = firstError ? `: ${[idString(firstError["code"]), textOf(firstError["title"])].filter(Boolean).join(" ")}` : "";
  return {
    channel: CHANNEL,
    externalId: id ? boundedId(`${id}:${status}`) : stableEventId("wa:status", st),
    kind: "ignored",
    sender: whatsappSender(idString(st["recipient_id"]), new Map()),
    text: "",
    sentAt: graphTime(st["timestamp"], "s"),
    location: null,
    attachments: [],
    thread: {},
    ignoredReason: `status receipt: ${status}${detail}`,
  };
}

function toIgnored(m: InboundMessage, reason: string): InboundMessage {
  return { ...m, kind: "ignored", ignoredReason: reason };
}
