/**
 * Facebook page connector: the Graph webhook for a page (`object: "page"`), carrying Messenger
 * events (`entry[].messaging[]`, `entry[].standby[]`) and page feed changes (`entry[].changes[]`).
 *
 * Decisions (for the record):
 * - Messenger text -> "message" (or "status_request" for "CEK <ticket>"); image/video/audio/file
 *   attachments become attachments with the CDN url (type sniffed when fetched: contentType null);
 *   a location attachment becomes `location`; stickers are dropped (a message left with no text,
 *   media or location - sticker only, shared link - is ignored).
 * - externalId of a message is its `mid`; events that carry no mid of their own get
 *   `<kind>:<hash of the event>`; echoes/reactions/deletions are prefixed because their mid is the
 *   id of another message.
 * - Postbacks (a button the citizen tapped) with a title are "message"s whose text is the title
 *   (a "CEK <ticket>" title or payload is a status request); without a title they are ignored.
 * - Echoes, delivery and read receipts, reactions, referrals, opt-ins, handover protocol events
 *   (pass/take/request_thread_control, app_roles) and `standby` events (the thread is owned by
 *   another app, e.g. the Page Inbox) are "ignored" with an ignoredReason.
 * - Messenger messages are recognised as the page's own by `is_echo`, or by `sender.id === pageId`
 *   when pageId is configured (entry.id is not used: test payloads reuse one id for page and user).
 * - Feed changes: comment/post/status/photo/video/share with verb "add" -> "message" (sender =
 *   value.from.id); other verbs (edited, remove, hide ...) and other items (reaction, like ...) are
 *   ignored with `<id>:<verb>` ids; posts/comments from the page itself (from.id === pageId, or
 *   entry.id when pageId is not configured - feed entries are always keyed by the page) are ignored.
 *   Changes of other fields are not conversations and produce nothing.
 */
import type { InboundAttachment, InboundKind, InboundMessage, SenderIdentity, WebhookConnector } from "../connector.ts";
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

export interface FacebookConnectorOptions {
  /** the Meta app secret the webhook is signed with */
  appSecret: string;
  /** our page's id: its own posts, comments and messages are ignored */
  pageId?: string;
  /** the token the subscription challenge must carry (hub.verify_token) */
  verifyToken?: string;
}

const CHANNEL = "facebook";
const PSID = "facebook_psid";

/** Messenger event keys that are never a citizen's message, with the reason recorded. */
const IGNORED_EVENTS: ReadonlyArray<readonly [string, string]> = [
  ["delivery", "delivery receipt"],
  ["read", "read receipt"],
  ["reaction", "reaction to a message"],
  ["referral", "referral (m.me link, ad or chat plugin)"],
  ["optin", "opt-in"],
  ["account_linking", "account linking"],
  ["pass_thread_control", "handover: pass_thread_control"],
  ["take_thread_control", "handover: take_thread_control"],
  ["request_thread_control", "handover: request_thread_control"],
  ["app_roles", "handover: app_roles"],
  ["policy_enforcement", "policy enforcement notice"],
  ["message_edit", "message edit"],
  ["game_play", "game play"],
];

/** Feed items that are a citizen writing something. */
const FEED_MESSAGE_ITEMS = new Set(["comment", "post", "status", "photo", "video", "share"]);

export class FacebookConnector extends GraphWebhookConnector implements WebhookConnector {
  readonly channel = CHANNEL;
  private readonly pageId: string | null;

  constructor(options: FacebookConnectorOptions) {
    super(options.appSecret, options.verifyToken);
    this.pageId = options.pageId ?? null;
  }

  parse(rawBody: Buffer, _contentType: string): InboundMessage[] {
    const out: InboundMessage[] = [];
    for (const entry of parseGraphEnvelope(rawBody, "page")) {
      const entryId = idString(entry["id"]);
      for (const event of objectsOf(entry["messaging"], "entry.messaging")) out.push(this.messagingEvent(event, entryId));
      for (const event of objectsOf(entry["standby"], "entry.standby")) out.push(this.standbyEvent(event, entryId));
      for (const change of objectsOf(entry["changes"], "entry.changes")) {
        const m = this.feedChange(change, entryId);
        if (m) out.push(m);
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Messenger

  private messagingEvent(event: JsonObject, entryId: string | null): InboundMessage {
    const sender = eventSender(event, entryId);
    const sentAt = graphTime(event["timestamp"], "ms");
    const message = event["message"];
    if (isObject(message)) return this.messengerMessage(event, message, sender, sentAt, entryId);

    const postback = event["postback"];
    if (isObject(postback)) return this.postback(event, postback, sender, sentAt, entryId);

    for (const [key, reason] of IGNORED_EVENTS) {
      if (key in event) return ignored(stableEventId(`fb:${key}`, entryId, event), sender, sentAt, reason);
    }
    return ignored(stableEventId("fb:event", entryId, event), sender, sentAt, "unknown Messenger event");
  }

  private messengerMessage(
    event: JsonObject,
    message: JsonObject,
    sender: SenderIdentity,
    sentAt: Date | null,
    entryId: string | null,
  ): InboundMessage {
    const mid = idString(message["mid"]);
    if (message["is_echo"] === true) {
      return ignored(mid ? boundedId(`echo:${mid}`) : stableEventId("fb:echo", entryId, event), sender, sentAt, "echo of a message sent by the page");
    }
    if (message["is_deleted"] === true) {
      return ignored(mid ? boundedId(`deleted:${mid}`) : stableEventId("fb:deleted", entryId, event), sender, sentAt, "message unsent by the citizen");
    }
    const externalId = mid ? boundedId(mid) : stableEventId("fb:message", entryId, event);
    if (this.pageId !== null && sender.value === this.pageId) {
      return ignored(externalId, sender, sentAt, "sent by our page");
    }

    const text = textOf(message["text"]) ?? "";
    const attachments: InboundAttachment[] = [];
    let location: { lat: number; lon: number } | null = null;
    let stickers = 0;
    for (const a of objectsOf(message["attachments"], "message.attachments")) {
      const type = textOf(a["type"]);
      const payload = isObject(a["payload"]) ? a["payload"] : {};
      if (type === "location") {
        const c = isObject(payload["coordinates"]) ? payload["coordinates"] : {};
        location = geoPoint(c["lat"], c["long"]) ?? location;
      } else if (payload["sticker_id"] !== undefined) {
        stickers++;
      } else if (type === "image" || type === "video" || type === "audio" || type === "file") {
        const url = textOf(payload["url"]);
        if (url) attachments.push({ contentType: null, url, filename: null });
      }
    }
    if (text.trim() === "" && attachments.length === 0 && location === null) {
      return ignored(externalId, sender, sentAt, stickers > 0 ? "sticker only" : "empty message (no text, media or location)");
    }

    const replyTo = isObject(message["reply_to"]) ? idString(message["reply_to"]["mid"]) : null;
    return textMessage({ externalId, sender, sentAt, text, attachments, location, inReplyTo: replyTo });
  }

  private postback(event: JsonObject, postback: JsonObject, sender: SenderIdentity, sentAt: Date | null, entryId: string | null): InboundMessage {
    const mid = idString(postback["mid"]);
    const externalId = mid ? boundedId(mid) : stableEventId("fb:postback", entryId, event);
    const title = textOf(postback["title"]);
    if (title === null || title.trim() === "") return ignored(externalId, sender, sentAt, "postback without a title");
    if (this.pageId !== null && sender.value === this.pageId) return ignored(externalId, sender, sentAt, "sent by our page");
    const payload = textOf(postback["payload"]) ?? "";
    const statusTicket = statusRequestTicket(title) ?? statusRequestTicket(payload);
    return {
      channel: CHANNEL,
      externalId,
      kind: statusTicket ? "status_request" : "message",
      sender,
      text: title,
      sentAt,
      location: null,
      attachments: [],
      thread: { ticket: statusTicket ?? findTicket(title) ?? findTicket(payload), inReplyTo: null },
    };
  }

  private standbyEvent(event: JsonObject, entryId: string | null): InboundMessage {
    const sender = eventSender(event, entryId);
    const message = event["message"];
    const mid = isObject(message) ? idString(message["mid"]) : null;
    const externalId = mid ? boundedId(`standby:${mid}`) : stableEventId("fb:standby", entryId, event);
    return ignored(externalId, sender, graphTime(event["timestamp"], "ms"), "standby: the conversation is owned by another app");
  }

  // -------------------------------------------------------------------------------------------
  // Page feed

  private feedChange(change: JsonObject, entryId: string | null): InboundMessage | null {
    if (change["field"] !== "feed" || !isObject(change["value"])) return null;
    const value = change["value"];
    const item = textOf(value["item"]) ?? "";
    const verb = textOf(value["verb"]) ?? "";
    const from = isObject(value["from"]) ? value["from"] : {};
    const fromId = idString(from["id"]);
    const postId = idString(value["post_id"]);
    const commentId = idString(value["comment_id"]);
    const parentId = idString(value["parent_id"]);
    const ownId = item === "comment" ? commentId ?? postId : postId ?? commentId;
    const sentAt = graphTime(value["created_time"], "s");
    const sender: SenderIdentity = fromId
      ? { kind: PSID, value: fromId, name: textOf(from["name"]) }
      : { kind: "facebook_page", value: entryId ?? "unknown" };
    const idOr = (suffix: string): string =>
      ownId ? boundedId(suffix === "" ? ownId : `${ownId}:${suffix}`) : stableEventId(`fb:feed:${item || "item"}`, entryId, value);

    if (!FEED_MESSAGE_ITEMS.has(item)) return ignored(idOr(`${item || "item"}:${verb || "change"}`), sender, sentAt, `feed ${item || "change"} ${verb}`.trim());
    if (verb !== "add") return ignored(idOr(verb || "change"), sender, sentAt, `feed ${item} ${verb || "change"}`);
    if (!fromId) return ignored(idOr(""), sender, sentAt, `feed ${item} without an author`);
    const ownPage = this.pageId ?? entryId;
    if (ownPage !== null && fromId === ownPage) return ignored(idOr(""), sender, sentAt, `feed ${item} by our page`);

    const text = textOf(value["message"]) ?? "";
    const attachments: InboundAttachment[] = [];
    for (const key of ["photo", "video"] as const) {
      const url = textOf(value[key]);
      if (url) attachments.push({ contentType: null, url, filename: null });
    }
    if (item === "photo" && attachments.length === 0) {
      const link = textOf(value["link"]);
      if (link) attachments.push({ contentType: null, url: link, filename: null });
    }
    for (const url of Array.isArray(value["photos"]) ? value["photos"] : []) {
      if (typeof url === "string" && url !== "") attachments.push({ contentType: null, url, filename: null });
    }

    const inReplyTo = item === "comment" ? (parentId ?? postId) : null;
    const references = item === "comment" && postId && postId !== inReplyTo ? [postId] : [];
    return textMessage({ externalId: idOr(""), sender, sentAt, text, attachments, location: null, inReplyTo, references });
  }
}

function eventSender(event: JsonObject, entryId: string | null): SenderIdentity {
  const s = isObject(event["sender"]) ? event["sender"] : {};
  const id = idString(s["id"]);
  if (id) return { kind: PSID, value: id };
  const userRef = idString(s["user_ref"]);
  if (userRef) return { kind: "facebook_user_ref", value: userRef };
  return { kind: "facebook_page", value: entryId ?? "unknown" };
}

function ignored(externalId: string, sender: SenderIdentity, sentAt: Date | null, reason: string): InboundMessage {
  return {
    channel: CHANNEL,
    externalId,
    kind: "ignored",
    sender,
    text: "",
    sentAt,
    location: null,
    attachments: [],
    thread: {},
    ignoredReason: reason,
  };
}

function textMessage(m: {
  externalId: string;
  sender: SenderIdentity;
  sentAt: Date | null;
  text: string;
  attachments: InboundAttachment[];
  location: { lat: number; lon: number } | null;
  inReplyTo: string | null;
  references?: string[];
}): InboundMessage {
  const statusTicket = statusRequestTicket(m.text);
  const kind: InboundKind = statusTicket ? "status_request" : "message";
  return {
    channel: CHANNEL,
    externalId: m.externalId,
    kind,
    sender: m.sender,
    text: m.text,
    sentAt: m.sentAt,
    location: m.location,
    attachments: m.attachments,
    thread: {
      ticket: statusTicket ?? findTicket(m.text),
      inReplyTo: m.inReplyTo,
      ...(m.references && m.references.length > 0 ? { references: m.references } : {}),
    },
  };
}
