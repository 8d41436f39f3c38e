import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { OutboundMessage, OutboundSender } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { replySubject } from "../email/email-parser.ts";
import { DEFAULT_TIMEOUT_MS, redact } from "./http-delivery.ts";

export interface EmailThread {
  /** the citizen's subject we answer; the reply becomes "Re: <subject> [TICKET]" */
  subject?: string | null;
  /** the citizen's Message-ID, "<...>" */
  inReplyTo?: string | null;
  references?: string[];
}

export interface EmailSenderOptions {
  host: string;
  port: number;
  /** implicit TLS (port 465); otherwise STARTTLS is used when the server offers it */
  secure?: boolean;
  user?: string;
  pass?: string;
  /** our address, e.g. "Aspirasi Jakarta <aspirasi@jakarta.go.id>" */
  from: string;
  timeoutMs?: number;
  /** the thread this answer belongs to (the outbox message itself carries none) */
  resolveThread?: (message: OutboundMessage) => EmailThread | null | Promise<EmailThread | null>;
}

/**
 * E-mail answers over SMTP (nodemailer). The Message-ID is derived from the outbox idempotency
 * key, so a retried send carries the same id and the citizen's mail client shows it once.
 * Classification: EAUTH -> auth_revoked, SMTP 4xx -> temporary, 5xx -> malformed (the same
 * message would be refused again), connection trouble and timeouts -> temporary.
 */
export class EmailSender implements OutboundSender {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly timeoutMs: number;

  constructor(private readonly opts: EmailSenderOptions) {
    if (!opts.host || !opts.from) throw new Error("email: host and from are required");
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = nodemailer.createTransport({
      host: opts.host,
      port: opts.port,
      secure: opts.secure ?? false,
      auth: opts.user ? { user: opts.user, pass: opts.pass ?? "" } : undefined,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      dnsTimeout: this.timeoutMs,
      logger: false,
      debug: false,
    });
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const address = message.citizen.email?.trim();
    if (!address) throw new DeliveryError("malformed", "email: the citizen has no e-mail address");
    if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(address)) throw new DeliveryError("malformed", "email: the citizen's e-mail address is not valid");
    // A mail with its own subject (a subscriber's update) belongs to no citizen's conversation.
    const own = message.email;
    const thread = own?.subject ? null : ((await this.opts.resolveThread?.(message)) ?? null);
    const messageId = emailMessageId(message.idempotencyKey);
    const mail = {
      from: this.opts.from,
      to: message.citizen.name ? { name: message.citizen.name, address } : address,
      subject: own?.subject ?? emailSubject(message, thread),
      text: message.text,
      headers: own?.headers,
      messageId,
      inReplyTo: thread?.inReplyTo ?? undefined,
      references: thread?.references?.length ? thread.references : thread?.inReplyTo ?? undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const info = await Promise.race([
        this.transport.sendMail(mail),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new DeliveryError("temporary", `email: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { externalId: info.messageId || messageId };
    } catch (err) {
      throw classifySmtpError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** "<32 hex chars@aspirasi>": stable for one idempotency key, reveals nothing of it. */
export function emailMessageId(idempotencyKey: string): string {
  return `<${createHash("sha256").update(idempotencyKey, "utf8").digest("hex").slice(0, 32)}@aspirasi>`;
}

export function emailSubject(message: OutboundMessage, thread: EmailThread | null): string {
  const ticket = message.reportTicket;
  const original = thread?.subject?.trim();
  if (ticket && original) return replySubject(original, ticket);
  const en = message.citizen.language === "en";
  if (ticket) return `${en ? "Report" : "Laporan"} ${ticket}`;
  if (original) return `Re: ${original}`.replace(/^Re:\s*(?:Re:\s*)+/i, "Re: ");
  return en ? "Message from Aspirasi" : "Pesan dari Aspirasi";
}

export function classifySmtpError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err && typeof err === "object" ? err : {}) as { code?: unknown; responseCode?: unknown; command?: unknown; response?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const status = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const command = typeof e.command === "string" ? e.command.split(/\s/)[0] : undefined;
  const text = typeof e.response === "string" ? e.response : err instanceof Error ? err.message : "";
  const response = text ? redact(text) : "";
  const message = ["email:", code ?? "error", status ? String(status) : "", command ? `after ${command}` : "", response ? `- ${response}` : ""]
    .filter(Boolean)
    .join(" ");
  const transient = status !== undefined && status >= 400 && status < 500;
  if (code === "EAUTH") return new DeliveryError(transient ? "temporary" : "auth_revoked", message);
  if (transient) return new DeliveryError("temporary", message);
  if (status !== undefined && status >= 500) return new DeliveryError("malformed", message);
  // refused without an SMTP status: the address or message itself is unusable
  if (code === "EENVELOPE" || code === "EMESSAGE") return new DeliveryError("malformed", message);
  // ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, ETLS, EPROTOCOL, ECONNREFUSED, ECONNRESET or unknown: try again later
  return new DeliveryError("temporary", message);
}
