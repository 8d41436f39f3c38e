/**
 * Email channel: turns one raw RFC 5322 / MIME message (as received over SMTP or fetched over IMAP)
 * into a normalized InboundMessage. Pure: no I/O besides parsing the bytes.
 *
 * - threading: Message-ID / In-Reply-To / References, plus a ticket number in the subject or text
 * - automated mail (auto-replies, bounces, mailing lists, bulk, our own messages looping back) is
 *   parsed but marked "ignored" with a reason, so it is stored for the record and never opens a report
 * - only image attachments are kept (photos of the problem); other parts are dropped
 */
import { createHash } from "node:crypto";
import { simpleParser } from "mailparser";
import type { HeaderLines, ParsedMail } from "mailparser";
import { findTicket, statusRequestTicket } from "../connector.ts";
import type { InboundAttachment, InboundKind, InboundMessage } from "../connector.ts";

export const EMAIL_CHANNEL = "email";

export interface ParseEmailOptions {
  /** Our own mailbox addresses (any case): mail from them is a loop and is ignored. */
  ourAddresses: string[];
}

/** What the automation checks look at, independent of the MIME parser. */
export interface AutomationInfo {
  /** lowercase header name -> raw (unfolded) values, in order */
  headers: ReadonlyMap<string, readonly string[]>;
  /** the lowercased From address, when there is one */
  from: string | null;
  subject: string;
}

/** Parses one raw email. Throws Error("no sender") when the From header is missing or has no usable address. */
export async function parseEmail(raw: Buffer, opts: ParseEmailOptions): Promise<InboundMessage> {
  const mail = await simpleParser(raw, { skipTextLinks: true });
  const headers = rawHeaders(mail.headerLines);

  const sender = senderOf(mail);
  if (!sender) throw new Error("no sender");

  const subject = cleanSubject(mail.subject);
  const text = stripQuotedReply(bodyText(mail));
  const externalId = messageIdOf(mail) ?? `sha256:${createHash("sha256").update(raw).digest("hex")}`;

  const inReplyTo = extractMessageIds(headers.get("in-reply-to") ?? [])[0] ?? null;
  const references = extractMessageIds(headers.get("references") ?? []);

  let kind: InboundKind = "message";
  let ignoredReason: string | undefined;
  const statusTicket = statusRequestTicket(stripReplyPrefixes(subject ?? "")) ?? statusRequestTicket(firstLine(text));

  const loop = loopReason(sender.value, opts.ourAddresses);
  const automated = loop ?? automatedReason({ headers, from: sender.value, subject: subject ?? "" });
  if (automated) {
    kind = "ignored";
    ignoredReason = automated;
  } else if (statusTicket) {
    kind = "status_request";
  }

  const ticket = statusTicket ?? (subject ? findTicket(subject) : null) ?? findTicket(text);

  const message: InboundMessage = {
    channel: EMAIL_CHANNEL,
    externalId,
    kind,
    sender: { kind: "email", value: sender.value, name: sender.name },
    text,
    subject,
    sentAt: sentAtOf(headers),
    attachments: imageAttachments(mail),
    thread: { ticket, inReplyTo, references },
  };
  if (ignoredReason !== undefined) message.ignoredReason = ignoredReason;
  return message;
}

/** True when the message was sent by a machine (auto-reply, bounce, list or bulk mail); see automatedReason. */
export function isAutomated(info: AutomationInfo): boolean {
  return automatedReason(info) !== null;
}

const AUTO_REPLY_SUBJECT =
  /^(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|autoresponse|auto:|balasan otomatis|jawaban otomatis|balas otomatis)/i;

/**
 * Why a message is machine-generated mail we must not answer or open a report for, or null when it
 * looks like a person wrote it. The reason starts with a category: "bounce", "receipt", "auto-reply",
 * "mailing-list" or "bulk".
 */
export function automatedReason(info: AutomationInfo): string | null {
  const h = (name: string): string[] => [...(info.headers.get(name) ?? [])];
  const first = (name: string): string | null => h(name)[0]?.trim() ?? null;

  // Bounces and other reports (RFC 3462 / 6522): multipart/report; report-type=delivery-status
  const contentType = parseContentType(first("content-type") ?? "");
  if (contentType.value === "multipart/report") {
    const reportType = contentType.params.get("report-type") ?? "";
    if (reportType === "disposition-notification") return "receipt: read receipt (multipart/report; report-type=disposition-notification)";
    return `bounce: delivery status notification (multipart/report; report-type=${reportType || "unknown"})`;
  }
  const local = info.from?.split("@")[0] ?? "";
  if (local === "mailer-daemon" || local === "postmaster") return `bounce: sent by ${info.from}`;

  // Auto-replies (RFC 3834 and the vendor headers)
  const autoSubmitted = first("auto-submitted");
  if (autoSubmitted !== null) {
    const value = autoSubmitted.replace(/\(.*?\)/g, "").split(";")[0]!.trim().toLowerCase();
    if (value !== "" && value !== "no") return `auto-reply: Auto-Submitted: ${value}`;
  }
  for (const name of ["x-autoreply", "x-autorespond", "x-autoresponder"]) {
    const value = first(name);
    if (value !== null && !/^(?:no|false|0)$/i.test(value)) return `auto-reply: ${headerTitle(name)} header`;
  }
  const precedence = (first("precedence") ?? "").toLowerCase();
  if (precedence === "auto_reply" || precedence === "auto-reply") return "auto-reply: Precedence: auto_reply";
  if (AUTO_REPLY_SUBJECT.test(info.subject.trim())) return `auto-reply: subject "${info.subject.trim()}"`;
  const returnPath = first("return-path");
  if (returnPath !== null && /^<\s*>$/.test(returnPath)) return "auto-reply: empty Return-Path (null sender)";

  // Mailing lists and bulk mail
  if (first("list-id") !== null) return "mailing-list: List-Id header";
  if (first("list-unsubscribe") !== null) return "mailing-list: List-Unsubscribe header";
  if (precedence === "list") return "mailing-list: Precedence: list";
  if (precedence === "bulk" || precedence === "junk") return `bulk: Precedence: ${precedence}`;

  return null;
}

/** "loop: ..." when the sender is one of our own addresses, else null. */
export function loopReason(from: string, ourAddresses: readonly string[]): string | null {
  const ours = new Set(ourAddresses.map(normalizeAddress));
  return ours.has(normalizeAddress(from)) ? `loop: sent from our own address ${from}` : null;
}

const REPLY_PREFIX = /^\s*(?:(?:re|aw|sv|antw|bls|balas)(?:\[\d+\])?\s*:\s*)+/i;

/** "Re: <subject> [TICKET]", without stacking "Re: Re:" and without repeating the ticket. */
export function replySubject(subject: string, ticket: string): string {
  const escaped = ticket.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  let rest = stripReplyPrefixes(subject.replace(/[\r\n\t]+/g, " "));
  rest = rest.replace(new RegExp(`\\s*\\[\\s*${escaped}\\s*\\]`, "gi"), " ");
  rest = stripReplyPrefixes(rest).replace(/\s{2,}/g, " ").trim();
  const mentioned = new RegExp(`(?:^|[^A-Za-z0-9])${escaped}(?![0-9])`, "i").test(rest);
  const parts = ["Re:", rest, mentioned ? "" : `[${ticket}]`].filter((p) => p !== "");
  return parts.join(" ");
}

/** Removes leading "Re:" / "AW:" / "Bls:" ... prefixes. */
export function stripReplyPrefixes(subject: string): string {
  return subject.replace(REPLY_PREFIX, "").trim();
}

/** Lines that introduce the quoted previous message ("On ... wrote:", "Pada ... menulis:"). */
const QUOTE_HEADER = /^\s*(?:On\s.+\bwrote|Pada\s.+\bmenulis)\s*:\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(?:Original Message|Pesan Asli|Pesan Orisinal|Pesan Awal)\s*-{2,}\s*$/i;

/**
 * Removes quoted reply text, conservatively:
 * - the "On <date>, <name> wrote:" / "Pada <tanggal> <nama> menulis:" line (also when wrapped over
 *   two lines) or an "-----Original Message-----" separator, and everything after it, but only when
 *   what follows is quoted (">" lines) or the separator is unambiguous;
 * - any remaining line starting with ">".
 * When that would leave nothing (a message that is only a quote), the text is kept as it was.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ORIGINAL_MESSAGE.test(line)) {
      cut = i;
      break;
    }
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!}` : line;
    const headerLines = QUOTE_HEADER.test(line) ? 1 : /^\s*(?:On|Pada)\s/i.test(line) && QUOTE_HEADER.test(joined) ? 2 : 0;
    if (headerLines === 0) continue;
    const next = lines.slice(i + headerLines).find((l) => l.trim() !== "");
    if (next === undefined || next.trimStart().startsWith(">")) {
      cut = i;
      break;
    }
  }
  const kept = lines.slice(0, cut).filter((l) => !l.startsWith(">"));
  const result = kept.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  return result === "" ? text.replace(/\r\n?/g, "\n").trim() : result;
}

// ---------------------------------------------------------------------------------------------

function rawHeaders(lines: HeaderLines): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(":");
    const value = (colon >= 0 ? line.slice(colon + 1) : "").replace(/\r?\n[ \t]+/g, " ").trim();
    const list = map.get(key.toLowerCase());
    if (list) list.push(value);
    else map.set(key.toLowerCase(), [value]);
  }
  return map;
}

function senderOf(mail: ParsedMail): { value: string; name: string | null } | null {
  const candidates = mail.from?.value ?? [];
  for (const entry of candidates) {
    const members = entry.group && entry.group.length > 0 ? entry.group : [entry];
    for (const member of members) {
      const address = member.address?.trim() ?? "";
      if (!isPlausibleAddress(address)) continue;
      const name = member.name?.trim() ?? "";
      return { value: normalizeAddress(address), name: name === "" || normalizeAddress(name) === normalizeAddress(address) ? null : name };
    }
  }
  return null;
}

function isPlausibleAddress(address: string): boolean {
  return /^[^\s@<>()",;]+@[^\s@<>()",;]+$/.test(address) && !address.endsWith(".") && !address.includes("..");
}

function normalizeAddress(address: string): string {
  return address.trim().normalize("NFC").toLowerCase();
}

function messageIdOf(mail: ParsedMail): string | null {
  const id = mail.messageId?.trim().replace(/^<+/, "").replace(/>+$/, "").trim() ?? "";
  return id === "" ? null : id;
}

/** Message ids from In-Reply-To / References values: the <...> tokens, or bare tokens with an "@". */
export function extractMessageIds(values: readonly string[]): string[] {
  const ids: string[] = [];
  for (const value of values) {
    const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
    const found = bracketed.length > 0 ? bracketed : value.split(/[\s,]+/).filter((t) => t.includes("@") && !/[<>]/.test(t));
    for (const id of found) if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function bodyText(mail: ParsedMail): string {
  return (mail.text ?? "").replace(/\u00a0/g, " ");
}

function cleanSubject(subject: string | undefined): string | null {
  const s = (subject ?? "").replace(/[\r\n\t]+/g, " ").trim();
  return s === "" ? null : s;
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
}

/** The Date header if it is a valid date. mailparser substitutes "now" for an unparsable date, so parse the raw value. */
function sentAtOf(headers: ReadonlyMap<string, readonly string[]>): Date | null {
  const raw = headers.get("date")?.[0]?.trim() ?? "";
  if (raw === "") return null;
  const date = new Date(raw.replace(/\s*\([^)]*\)\s*$/, ""));
  return Number.isNaN(date.getTime()) ? null : date;
}

function imageAttachments(mail: ParsedMail): InboundAttachment[] {
  const out: InboundAttachment[] = [];
  for (const att of mail.attachments) {
    const contentType = att.contentType.toLowerCase();
    if (!contentType.startsWith("image/") || att.content.length === 0) continue;
    out.push({ contentType, data: att.content, filename: att.filename ?? null });
  }
  return out;
}

function parseContentType(value: string): { value: string; params: Map<string, string> } {
  const [type = "", ...rest] = value.split(";");
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    params.set(
      p.slice(0, eq).trim().toLowerCase(),
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase(),
    );
  }
  return { value: type.trim().toLowerCase(), params };
}

function headerTitle(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

