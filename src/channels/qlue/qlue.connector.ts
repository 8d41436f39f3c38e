/**
 * Qlue partner-app connector (`POST /webhooks/qlue`).
 *
 * Qlue's partner API is not public, so this is OUR documented contract with Qlue (also in
 * ./README.md). Every webhook is one JSON event, UTF-8, `Content-Type: application/json`:
 *
 *   { "event": "report.created" | "comment.created" | "rating.created",
 *     "id": "<event id, unique per delivery attempt group; a redelivery repeats it>",
 *     "occurred_at": "<ISO 8601 timestamp>",
 *     "data": { ... } }
 *
 * data per event (ids may be JSON strings or integers; they are read as strings):
 *   report.created  { report_id, user: { id, name, phone? }, description, category?,
 *                     photos: [url, ...], location: { lat, lng, address? } }
 *   comment.created { report_id, comment_id, user: { id, name, phone? }, text }
 *   rating.created  { report_id, user: { id, name, phone? }, rating: 1..5, comment? }
 *
 * Signature: `X-Qlue-Signature: sha256=<hex>` where hex = HMAC-SHA256(QLUE_WEBHOOK_SECRET, raw body
 * bytes). Compared in constant time; a missing, repeated or malformed header is refused.
 *
 * Mapping (decisions, for the record):
 * - report.created -> kind "message", externalId `report:<report_id>` (a redelivered report, even
 *   under a new event id, is stored once), sender `{ kind: "qlue_user", value: user.id, name }`,
 *   location `{ lat, lon: lng }`, photos as URL attachments (contentType null: sniffed when fetched),
 *   text = description, plus a line `Lokasi: <address>` when an address is given,
 *   thread.externalReportId = report_id (so later comments and ratings find the report).
 *   The Qlue category slug becomes categoryCode (hyphens to underscores); an unknown one is ignored.
 * - comment.created -> kind "message", externalId `comment:<comment_id>`, thread.externalReportId =
 *   report_id and thread.inReplyTo = `report:<report_id>` (the report message's externalId, so the
 *   generic threading finds it); thread.ticket when the text names one.
 * - rating.created -> kind "rating", rating 1..5 (an integer), text = comment or "", externalId
 *   `rating:<report_id>:<event id>` (a citizen may rate again after a reopen; a redelivery of the
 *   same event is stored once), thread.inReplyTo = `report:<report_id>` and externalReportId.
 * - sentAt = occurred_at (null when it is not a valid timestamp).
 * - Anything else (not JSON, an unknown event, a missing or ill-typed required field, a location
 *   outside the globe, a rating outside 1..5) throws: the raw payload is stored as malformed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { InboundAttachment, InboundMessage, SenderIdentity, SignedRequest, WebhookConnector } from "../connector.ts";
import { findTicket } from "../connector.ts";
import { id, object, optionalString, requiredString, type Json, type JsonObject } from "../json-fields.ts";

export const QLUE_SIGNATURE_HEADER = "x-qlue-signature";
export const QLUE_SENDER_KIND = "qlue_user";
export type QlueEventType = "report.created" | "comment.created" | "rating.created";

export interface QlueConnectorOptions {
  /** QLUE_WEBHOOK_SECRET: the HMAC-SHA256 key Qlue signs its webhooks with */
  secret: string;
}

/** `sha256=<hex HMAC-SHA256 of the body>`: the value of X-Qlue-Signature (and of our X-Aspirasi-Signature). */
export function qlueSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;
const MAX_PHOTOS = 20;


export class QlueConnector implements WebhookConnector {
  readonly channel = "qlue";

  constructor(private readonly opts: QlueConnectorOptions) {}

  verify(request: SignedRequest): boolean {
    if (this.opts.secret === "") return false;
    const header = singleHeader(request.headers, QLUE_SIGNATURE_HEADER);
    if (header === undefined) return false;
    const m = SIGNATURE_RE.exec(header.trim());
    if (!m) return false;
    const given = Buffer.from(m[1]!, "hex");
    const expected = createHmac("sha256", this.opts.secret).update(request.rawBody).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  parse(rawBody: Buffer): InboundMessage[] {
    let parsed: Json;
    try {
      parsed = JSON.parse(rawBody.toString("utf8")) as Json;
    } catch {
      throw new Error("a Qlue webhook is a JSON object");
    }
    const envelope = object(parsed, "the Qlue webhook body");
    const event = requiredString(envelope, "event", "the envelope");
    const eventId = id(envelope, "id", "the envelope");
    const sentAt = timestamp(envelope["occurred_at"]);
    const data = object(envelope["data"], "data");
    switch (event) {
      case "report.created":
        return [this.report(data, sentAt)];
      case "comment.created":
        return [this.comment(data, sentAt)];
      case "rating.created":
        return [this.rating(data, eventId, sentAt)];
      default:
        throw new Error(`unknown Qlue event ${JSON.stringify(event.slice(0, 60))}`);
    }
  }

  private report(data: JsonObject, sentAt: Date | null): InboundMessage {
    const reportId = id(data, "report_id", "report.created");
    const description = requiredString(data, "description", "report.created");
    const loc = object(data["location"], "report.created location");
    const lat = coordinate(loc, "lat", 90);
    const lon = coordinate(loc, "lng", 180);
    const address = optionalString(loc, "address", "report.created location");
    const photos = data["photos"] ?? [];
    if (!Array.isArray(photos)) throw new Error("report.created photos must be an array of URLs");
    const attachments: InboundAttachment[] = photos.slice(0, MAX_PHOTOS).map((p) => {
      if (typeof p !== "string" || !/^https?:\/\/\S+$/i.test(p)) throw new Error("report.created photos must be http(s) URLs");
      return { url: p, contentType: null };
    });
    // Qlue's slugs are ours with hyphens ("jalan-rusak"); a slug we do not know is dropped by the intake.
    const category = optionalString(data, "category", "report.created");
    const text = address && address.trim() !== "" ? `${description}\nLokasi: ${address.trim()}` : description;
    return {
      channel: this.channel,
      externalId: reportMessageId(reportId),
      kind: "message",
      sender: user(data),
      text,
      sentAt,
      location: { lat, lon },
      attachments,
      thread: { externalReportId: reportId },
      categoryCode: category ? category.trim().toLowerCase().replace(/-/g, "_") : null,
    };
  }

  private comment(data: JsonObject, sentAt: Date | null): InboundMessage {
    const reportId = id(data, "report_id", "comment.created");
    const commentId = id(data, "comment_id", "comment.created");
    const text = requiredString(data, "text", "comment.created");
    return {
      channel: this.channel,
      externalId: `comment:${commentId}`,
      kind: "message",
      sender: user(data),
      text,
      sentAt,
      attachments: [],
      thread: { externalReportId: reportId, inReplyTo: reportMessageId(reportId), ticket: findTicket(text) },
    };
  }

  private rating(data: JsonObject, eventId: string, sentAt: Date | null): InboundMessage {
    const reportId = id(data, "report_id", "rating.created");
    const rating = data["rating"];
    if (typeof rating !== "number" || !Number.isInteger(rating) || rating < 1 || rating > 5) {
      throw new Error("rating.created rating must be an integer 1..5");
    }
    return {
      channel: this.channel,
      externalId: `rating:${reportId}:${eventId}`,
      kind: "rating",
      sender: user(data),
      text: optionalString(data, "comment", "rating.created") ?? "",
      sentAt,
      rating,
      attachments: [],
      thread: { externalReportId: reportId, inReplyTo: reportMessageId(reportId) },
    };
  }
}

/** The externalId of the message a Qlue report arrives as (what comments and ratings reply to). */
export function reportMessageId(reportId: string): string {
  return `report:${reportId}`;
}

function user(data: JsonObject): SenderIdentity {
  const u = object(data["user"], "user");
  const name = optionalString(u, "name", "user");
  optionalString(u, "phone", "user"); // checked; the sender identity is the Qlue account
  return { kind: QLUE_SENDER_KIND, value: id(u, "id", "user"), name: name ?? null };
}

function coordinate(o: JsonObject, key: string, limit: number): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > limit) throw new Error(`location.${key} must be a number within ±${limit}`);
  return v;
}

function timestamp(value: Json | undefined): Date | null {
  if (typeof value !== "string") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The one value of a header (case-insensitive); undefined when absent or given more than once. */
function singleHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const values: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    if (Array.isArray(v)) values.push(...v);
    else values.push(v);
  }
  return values.length === 1 ? values[0] : undefined;
}
