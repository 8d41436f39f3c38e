/**
 * SMSC delivery receipts (SMPP 3.4 appendix B): a deliver_sm whose esm_class message type is a
 * receipt or acknowledgement, with text like
 * "id:0123456789 sub:001 dlvrd:001 submit date:2604121030 done date:2604121031 stat:DELIVRD err:000 text:Laporan Anda ...",
 * and often the receipted_message_id / message_state TLVs saying the same (the TLVs win when
 * both are there). They report on
 * messages we sent; they are never a citizen's words.
 */

/** esm_class bits 2-5: the message type (0 = a normal message). */
export const ESM_MESSAGE_TYPE = 0x3c;
export const ESM_DELIVERY_RECEIPT = 0x04;

const MESSAGE_STATES: Record<number, string> = {
  1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD",
};

export interface DeliveryReceipt {
  /** the SMSC's message id of the message it reports on */
  messageId: string | null;
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD, ENROUTE */
  state: string;
  error: string | null;
}

export function readReceipt(text: string, tlv: { receiptedMessageId: string | null; messageState: number | null }): DeliveryReceipt {
  const field = (name: string) => new RegExp(`\\b${name}:(\\S+)`, "i").exec(text)?.[1] ?? null;
  const fromTlv = tlv.messageState !== null ? MESSAGE_STATES[tlv.messageState] : undefined;
  return {
    messageId: tlv.receiptedMessageId || field("id"),
    state: fromTlv ?? field("stat")?.toUpperCase() ?? "UNKNOWN",
    error: field("err"),
  };
}
