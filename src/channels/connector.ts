/**
 * One interface for every inbound channel. A connector is pure protocol: it checks a request's
 * signature over the raw bytes, and turns a raw payload into normalized messages. Storing,
 * acknowledging, threading and creating reports are the same for all channels (src/app/inbound.ts).
 */

/** Who sent a message, by an identity the citizen record can be linked with. */
export interface SenderIdentity {
  /** phone (E.164), email, facebook_psid, whatsapp (E.164), twitter_id, qlue_user, lapor_user ... */
  kind: string;
  value: string;
  name?: string | null;
}

export interface InboundAttachment {
  contentType: string | null;
  /** where the channel serves it (fetched later), or the bytes when the payload carries them */
  url?: string;
  data?: Buffer;
  filename?: string | null;
}

/** What a message is about, so replies land on the right report's thread. */
export interface ThreadHints {
  /** a ticket number written in the text or subject */
  ticket?: string | null;
  /** the channel's own id of the message this one replies to (email Message-ID, tweet id, comment id) */
  inReplyTo?: string | null;
  /** earlier ids of the same conversation (email References) */
  references?: string[];
  /** a partner-app report id (Qlue, LAPOR!) that identifies the report itself */
  externalReportId?: string | null;
  /**
   * A private conversation whose replies carry no reference (a direct message on a channel whose
   * public posts do carry one): the sender's recent open report continues, as for SMS.
   */
  direct?: boolean;
}

export type InboundKind =
  /** free text that may open a report or continue one */
  | "message"
  /** a status question: "CEK JKT-260412-0073" */
  | "status_request"
  /** a rating of a done report (1-5); a low one is a dispute */
  | "rating"
  /** nothing for us: delivery receipts, echoes of our own messages, read receipts, auto-replies, bounces */
  | "ignored";

export interface InboundMessage {
  channel: string;
  /** unique per channel: a redelivered webhook carries the same id and is stored once */
  externalId: string;
  kind: InboundKind;
  sender: SenderIdentity;
  text: string;
  subject?: string | null;
  sentAt: Date | null;
  location?: { lat: number; lon: number } | null;
  attachments: InboundAttachment[];
  thread: ThreadHints;
  rating?: number | null;
  /** why a message is ignored (for the record) */
  ignoredReason?: string;
  /**
   * Deadlines the sending system sets on a report it hands us (LAPOR!: verify within 3 working
   * days, answer within 5), counted in working days from `from` (default: sentAt, else now).
   */
  partnerDeadlines?: { name: string; workingDays: number; from?: Date }[];
  /** The kind of report when the channel says it (LAPOR!: pengaduan, aspirasi, permintaan_informasi). */
  reportKind?: "pengaduan" | "aspirasi" | "permintaan_informasi";
  /** The category code when the channel says it (Qlue's category, mapped). */
  categoryCode?: string | null;
  /** The reporter asked for the report to be kept from the public (LAPOR!'s pelapor.rahasia). */
  confidential?: boolean;
}

/** The parts of an HTTP request a signature is computed over. */
export interface SignedRequest {
  /** the full URL the sender signed (PUBLIC_BASE_URL + path + query) */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface WebhookConnector {
  readonly channel: string;
  /** True when the request carries a valid signature over its raw bytes. */
  verify(request: SignedRequest): boolean;
  /** The messages in one raw payload; throws on a payload it cannot read (stored as malformed). */
  parse(rawBody: Buffer, contentType: string): InboundMessage[] | Promise<InboundMessage[]>;
  /** The answer to a subscription challenge (Graph verify, Twitter CRC), or null when refused. */
  challenge?(query: Record<string, unknown>): string | Record<string, unknown> | null;
}

/** Finds a ticket number in free text ("CEK JKT-260412-0073", "re: laporan jkt 260412 0073"). */
export function findTicket(text: string): string | null {
  const m = /\b([A-Za-z]{2,6})[\s-]?(\d{6})[\s-]?(\d{4,6})\b/.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]}` : null;
}

/** "CEK <ticket>" (also "cek", "STATUS", "status"): a status question, not a new report. */
export function statusRequestTicket(text: string): string | null {
  const m = /^\s*(?:cek|status|check)\s+(.+)$/i.exec(text);
  return m ? findTicket(m[1]!) : null;
}
