/**
 * SMS received over SMPP 3.4: reads the payloads the SMPP session stored (one whole message each,
 * its deliver_sm parts in order: deliver-payload.ts) into normalized messages. Registered under
 * "smpp" (the channel of the stored payloads) but the messages are channel "sms": an SMS is an SMS
 * whichever gateway brought it, so threading by sender, "CEK <ticket>" answers and replies
 * (through the "sms" sender) work as for the HTTP gateway.
 *
 * - text: the parts' octets are joined first and decoded once (a UCS-2 character or GSM escape
 *   may straddle two parts), by data_coding: 0 GSM 03.38, 1 IA5, 3 Latin-1, 8 UCS-2; parts that
 *   never came show as "[...]"; 8-bit binary messages are ignored;
 * - sender: the source address as E.164 (Indonesian numbering); an alphanumeric or short-code
 *   sender is no citizen and is ignored;
 * - delivery receipts (esm_class message type bits) are ignored, with the receipt state as reason;
 * - externalId: "smpp:" + a hash of sender, recipient, and each part's octets and first arrival
 *   instant. deliver_sm carries no message id of its own and no SMSC timestamp for a citizen's
 *   message; a hash of the content alone would merge a citizen's two identical texts (CEK twice).
 *   The parts store catches redeliveries before they become payloads and the arrival instant is
 *   recorded once per message, so a payload always yields the same id.
 *
 * There is no HTTP webhook for SMPP: verify() refuses every request.
 */
import { createHash } from "node:crypto";
import type { InboundMessage, WebhookConnector } from "../connector.ts";
import { findTicket, statusRequestTicket } from "../connector.ts";
import { MESSAGE_CONTENT_TYPE, readMessage, userData, type DeliverPart, type MessagePayload } from "./deliver-payload.ts";
import { ESM_DELIVERY_RECEIPT, ESM_MESSAGE_TYPE, readReceipt } from "./delivery-receipt.ts";
import { toE164 } from "./msisdn.ts";
import { decodeText } from "./sms-text.ts";

export class SmppConnector implements WebhookConnector {
  readonly channel = "smpp";

  verify(): boolean {
    return false;
  }

  parse(rawBody: Buffer, contentType: string): InboundMessage[] {
    if (contentType !== MESSAGE_CONTENT_TYPE) throw new Error(`smpp: expected ${MESSAGE_CONTENT_TYPE}, got ${contentType}`);
    const message = readMessage(rawBody);
    const first = message.parts[0]!;
    const phone = toE164(first.source_addr, first.source_addr_ton);
    const base = {
      channel: "sms",
      externalId: externalId(message),
      sender: phone ? { kind: "phone", value: phone } : { kind: "smpp_address", value: first.source_addr || "(empty)" },
      sentAt: null,
      attachments: [],
      thread: {},
    };
    const type = first.esm_class & ESM_MESSAGE_TYPE;
    if (type !== 0) {
      const receipt = readReceipt(messageText(message) ?? "", { receiptedMessageId: first.receipted_message_id, messageState: first.message_state });
      const what = type === ESM_DELIVERY_RECEIPT ? "delivery receipt" : `receipt (esm_class 0x${first.esm_class.toString(16)})`;
      return [{ ...base, kind: "ignored", text: "", ignoredReason: `${what} ${receipt.state}${receipt.messageId ? ` for ${receipt.messageId}` : ""}` }];
    }
    const text = messageText(message);
    if (text === null) return [{ ...base, kind: "ignored", text: "", ignoredReason: `binary message (data_coding 0x${first.data_coding.toString(16)})` }];
    if (!phone) return [{ ...base, kind: "ignored", text, ignoredReason: `sender ${first.source_addr} is not a phone number` }];
    const status = statusRequestTicket(text);
    return [{ ...base, kind: status ? "status_request" : "message", text, thread: { ticket: status ?? findTicket(text) } }];
  }
}

/** The whole text: runs of consecutive parts decoded as one, a gap for every missing part. Null for binary. */
function messageText(message: MessagePayload): string | null {
  const byNumber = new Map(message.parts.map((p) => [userData(p).concat?.part ?? 1, p] as const));
  const pieces: Array<string | null> = [];
  let run: DeliverPart[] = [];
  const endRun = () => {
    if (run.length) pieces.push(decodeRun(run));
    run = [];
  };
  for (let n = 1; n <= message.total; n++) {
    const part = byNumber.get(n);
    if (part) run.push(part);
    else {
      endRun();
      pieces.push("[...]");
    }
  }
  endRun();
  return pieces.every((p) => p !== null) ? pieces.join(" ") : null;
}

function decodeRun(parts: DeliverPart[]): string | null {
  const coding = parts[0]!.data_coding;
  if (parts.every((p) => p.data_coding === coding)) return decodeText(coding, Buffer.concat(parts.map((p) => userData(p).body)));
  const texts = parts.map((p) => decodeText(p.data_coding, userData(p).body));
  return texts.some((t) => t === null) ? null : texts.join("");
}

function externalId(message: MessagePayload): string {
  const first = message.parts[0]!;
  const hash = createHash("sha256")
    .update(JSON.stringify([first.source_addr, first.destination_addr, message.total, message.parts.map((p) => [p.received_at, p.short_message, p.message_payload])]))
    .digest("hex");
  return `smpp:${hash.slice(0, 40)}`;
}
