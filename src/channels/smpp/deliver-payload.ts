/**
 * What the SMPP channel stores, as JSON. The session writes each deliver_sm it receives as a part
 * (PART_CONTENT_TYPE): the PDU's fields under their SMPP 3.4 names, octet strings in base64 (the
 * user data header stays inside short_message / message_payload, esm_class 0x40 says it is
 * there), the SMSC's sequence number and the instant it arrived. The parts store
 * (smpp-parts.ts) hands one whole message to the inbound pipeline as one payload
 * (MESSAGE_CONTENT_TYPE): its parts in order, and the numbers of parts that never came when it
 * stopped waiting. The connector (smpp.connector.ts) reads that payload.
 */
import { createHash } from "node:crypto";
import type smpp from "smpp";
import { z } from "zod";
import { splitUserData, type SplitUserData } from "./udh.ts";

export const PART_CONTENT_TYPE = "application/vnd.aspirasi.smpp-deliver-sm+json";
export const MESSAGE_CONTENT_TYPE = "application/vnd.aspirasi.smpp-message+json";
const MESSAGE_FORMAT = "aspirasi.smpp-message/1";

const octet = z.number().int().min(0).max(255);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const deliverPartSchema = z.object({
  sequence_number: z.number().int().min(0),
  received_at: z.iso.datetime(),
  service_type: z.string(),
  source_addr_ton: octet,
  source_addr_npi: octet,
  source_addr: z.string().max(65),
  dest_addr_ton: octet,
  dest_addr_npi: octet,
  destination_addr: z.string().max(65),
  esm_class: octet,
  protocol_id: octet,
  priority_flag: octet,
  registered_delivery: octet,
  data_coding: octet,
  short_message: base64,
  message_payload: base64.nullable(),
  receipted_message_id: z.string().nullable(),
  message_state: octet.nullable(),
  network_error_code: z.string().regex(/^[0-9a-f]*$/).nullable(),
  sar_msg_ref_num: z.number().int().min(0).max(0xffff).nullable(),
  sar_total_segments: octet.nullable(),
  sar_segment_seqnum: octet.nullable(),
});
export type DeliverPart = z.infer<typeof deliverPartSchema>;

const messageSchema = z.object({
  format: z.literal(MESSAGE_FORMAT),
  total: z.number().int().min(1).max(255),
  parts: z.array(deliverPartSchema).min(1).max(255),
  missing: z.array(z.number().int().min(1).max(255)),
});
export type MessagePayload = z.infer<typeof messageSchema>;

/** A deliver_sm as read by smpp-wire.ts (short_message and message_payload left as octets). */
export function partFromPdu(pdu: smpp.PDU, receivedAt: Date): DeliverPart {
  const num = (k: string) => (typeof pdu[k] === "number" ? pdu[k] : 0);
  const opt = (k: string) => (typeof pdu[k] === "number" ? pdu[k] : null);
  const str = (k: string) => (typeof pdu[k] === "string" ? pdu[k] : "");
  const octets = (k: string) => (Buffer.isBuffer(pdu[k]) ? pdu[k] : null);
  const networkError = octets("network_error_code");
  return {
    sequence_number: pdu.sequence_number,
    received_at: receivedAt.toISOString(),
    service_type: str("service_type"),
    source_addr_ton: num("source_addr_ton"),
    source_addr_npi: num("source_addr_npi"),
    source_addr: str("source_addr"),
    dest_addr_ton: num("dest_addr_ton"),
    dest_addr_npi: num("dest_addr_npi"),
    destination_addr: str("destination_addr"),
    esm_class: num("esm_class"),
    protocol_id: num("protocol_id"),
    priority_flag: num("priority_flag"),
    registered_delivery: num("registered_delivery"),
    data_coding: num("data_coding"),
    short_message: (octets("short_message") ?? Buffer.alloc(0)).toString("base64"),
    message_payload: octets("message_payload_raw")?.toString("base64") ?? null,
    receipted_message_id: typeof pdu.receipted_message_id === "string" ? pdu.receipted_message_id : null,
    message_state: opt("message_state"),
    network_error_code: networkError?.toString("hex") ?? null,
    sar_msg_ref_num: opt("sar_msg_ref_num"),
    sar_total_segments: opt("sar_total_segments"),
    sar_segment_seqnum: opt("sar_segment_seqnum"),
  };
}

export function readPart(body: Buffer): DeliverPart {
  return deliverPartSchema.parse(JSON.parse(body.toString("utf8")));
}

/** The text octets of a part (message_payload when the SMSC used it) and its concatenation element. */
export function userData(part: DeliverPart): SplitUserData {
  const octets = part.message_payload ? Buffer.from(part.message_payload, "base64") : Buffer.from(part.short_message, "base64");
  return splitUserData(octets, part.esm_class, { ref: part.sar_msg_ref_num, total: part.sar_total_segments, seq: part.sar_segment_seqnum });
}

export interface PartIdentity {
  /** the message a part belongs to: sender, recipient and concatenation reference (a single SMS: its content) */
  setKey: string;
  partNo: number;
  total: number;
  /** what a redelivery of this part repeats exactly: addresses, classes, coding and octets */
  contentHash: string;
}

export function partIdentity(part: DeliverPart): PartIdentity {
  const contentHash = createHash("sha256")
    .update(JSON.stringify([part.source_addr, part.destination_addr, part.esm_class, part.data_coding, part.short_message, part.message_payload,
      part.receipted_message_id, part.sar_msg_ref_num, part.sar_total_segments, part.sar_segment_seqnum]))
    .digest("hex");
  const { concat } = userData(part);
  const who = `${part.source_addr}>${part.destination_addr}`;
  return concat
    ? { setKey: `${who}#${concat.refKind}:${concat.ref}/${concat.total}`, partNo: concat.part, total: concat.total, contentHash }
    : { setKey: `${who}#${contentHash}`, partNo: 1, total: 1, contentHash };
}

export function messagePayload(total: number, parts: DeliverPart[], missing: number[]): Buffer {
  const payload: MessagePayload = { format: MESSAGE_FORMAT, total, parts, missing };
  return Buffer.from(JSON.stringify(payload), "utf8");
}

export function readMessage(body: Buffer): MessagePayload {
  return messageSchema.parse(JSON.parse(body.toString("utf8")));
}
