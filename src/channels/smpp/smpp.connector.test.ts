import { describe, expect, it } from "vitest";
import { MESSAGE_CONTENT_TYPE, messagePayload, partFromPdu, partIdentity, type DeliverPart } from "./deliver-payload.ts";
import { readReceipt } from "./delivery-receipt.ts";
import { TON, toE164 } from "./msisdn.ts";
import { SmppConnector } from "./smpp.connector.ts";
import { smpp } from "./smpp-wire.ts";
import { encodeGsm7, encodeUcs2 } from "./sms-text.ts";

const connector = new SmppConnector();
const AT = new Date("2026-04-12T03:30:00.000Z");

/** A deliver_sm as the SMSC puts it on the wire, read back the way the session reads it. */
function received(fields: Record<string, unknown>, at = AT): DeliverPart {
  const wire = new smpp.PDU("deliver_sm", { sequence_number: 7, source_addr_ton: 1, source_addr_npi: 1, source_addr: "6281234567890", destination_addr: "1708", data_coding: 0, ...fields }).toBuffer();
  return partFromPdu(new smpp.PDU(wire), at);
}

function payload(parts: DeliverPart[], total = parts.length, missing: number[] = []): Buffer {
  return messagePayload(total, parts, missing);
}

const parse = (body: Buffer) => connector.parse(body, MESSAGE_CONTENT_TYPE);
const udh8 = (ref: number, total: number, n: number) => Buffer.from([0x05, 0x00, 0x03, ref, total, n]);

describe("SMPP connector: the shape every connector keeps", () => {
  const sample = payload([received({ short_message: encodeGsm7("Lampu jalan mati di Jl. Kebon Sirih, gelap €") })]);

  it("parses a stored deliver_sm into one well-formed SMS message, the same one twice", () => {
    const [first, ...rest] = parse(sample);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      channel: "sms",
      kind: "message",
      sender: { kind: "phone", value: "+6281234567890" },
      text: "Lampu jalan mati di Jl. Kebon Sirih, gelap €",
      attachments: [],
    });
    expect(first!.externalId).toMatch(/^smpp:[0-9a-f]{40}$/);
    expect(parse(Buffer.from(sample)).map((m) => m.externalId)).toEqual([first!.externalId]);
  });

  it("has no webhook: every request is refused", () => {
    expect(connector.verify()).toBe(false);
  });

  it("refuses garbage and foreign payloads with an error", () => {
    expect(() => connector.parse(Buffer.from("\u0000\u0001not a payload{{{"), "application/octet-stream")).toThrow();
    expect(() => parse(Buffer.from("\u0000\u0001not a payload{{{"))).toThrow();
    expect(() => parse(Buffer.from(JSON.stringify({ format: "aspirasi.smpp-message/1", total: 1, parts: [{ source_addr: 1 }], missing: [] })))).toThrow();
  });

  it("gives a message that arrived again later (a citizen repeating a text) another id", () => {
    const again = payload([received({ short_message: encodeGsm7("Lampu jalan mati di Jl. Kebon Sirih, gelap €") }, new Date(AT.getTime() + 3600_000))]);
    expect(parse(again)[0]!.externalId).not.toBe(parse(sample)[0]!.externalId);
  });
});

describe("SMPP connector: texts", () => {
  it("joins a concatenated UCS-2 message before decoding, even with an emoji split across parts", () => {
    const bytes = encodeUcs2("Banjir 🙏 di Kampung Melayu");
    // the split falls between the two halves of the surrogate pair
    const cut = bytes.indexOf(Buffer.from([0xd8, 0x3d])) + 2;
    const parts = [
      received({ esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([udh8(9, 2, 1), bytes.subarray(0, cut)]) }),
      received({ esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([udh8(9, 2, 2), bytes.subarray(cut)]) }),
    ];
    expect(parse(payload(parts))[0]!.text).toBe("Banjir 🙏 di Kampung Melayu");
  });

  it("reads 16-bit references and the SAR TLVs as concatenation too", () => {
    const ie16 = (n: number) => Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 2, n]);
    const a = received({ esm_class: 0x40, short_message: Buffer.concat([ie16(1), encodeGsm7("Pohon tumbang ")]) });
    const b = received({ esm_class: 0x40, short_message: Buffer.concat([ie16(2), encodeGsm7("di Jl. Sudirman")]) });
    expect(partIdentity(a)).toMatchObject({ setKey: "6281234567890>1708#16:4660/2", partNo: 1, total: 2 });
    expect(parse(payload([a, b]))[0]!.text).toBe("Pohon tumbang di Jl. Sudirman");
    const sar = (n: number, text: string) => received({ short_message: encodeGsm7(text), sar_msg_ref_num: 77, sar_total_segments: 2, sar_segment_seqnum: n });
    expect(partIdentity(sar(2, "x"))).toMatchObject({ setKey: "6281234567890>1708#sar:77/2", partNo: 2 });
    expect(parse(payload([sar(1, "Got "), sar(2, "mampet")]))[0]!.text).toBe("Got mampet");
  });

  it("shows a part that never came as [...]", () => {
    const part = (n: number, text: string) => received({ esm_class: 0x40, short_message: Buffer.concat([udh8(3, 3, n), encodeGsm7(text)]) });
    expect(parse(payload([part(1, "Sampah"), part(3, "pasar")], 3, [2]))[0]!.text).toBe("Sampah [...] pasar");
    expect(parse(payload([part(2, "menumpuk")], 3, [1, 3]))[0]!.text).toBe("[...] menumpuk [...]");
  });

  it("takes the text from the message_payload TLV when the SMSC uses it, and Latin-1", () => {
    const m = received({ data_coding: 3, short_message: Buffer.alloc(0), message_payload: Buffer.from("Caf\u00e9 tutup, trotoar rusak", "latin1") });
    expect(parse(payload([m]))[0]!.text).toBe("Café tutup, trotoar rusak");
  });

  it("CEK <ticket> is a status question; a ticket in free text threads", () => {
    const [status] = parse(payload([received({ short_message: encodeGsm7("cek jkt 260412 0073") })]));
    expect(status).toMatchObject({ kind: "status_request", thread: { ticket: "JKT-260412-0073" } });
    const [reply] = parse(payload([received({ short_message: encodeGsm7("Tambahan utk JKT-260412-0073: sudah 3 hari") })]));
    expect(reply).toMatchObject({ kind: "message", thread: { ticket: "JKT-260412-0073" } });
  });
});

describe("SMPP connector: what is not a citizen's message", () => {
  it("ignores a delivery receipt, naming its state and message id", () => {
    const dlr = received({
      source_addr: "6281234567890",
      esm_class: 0x04,
      short_message: encodeGsm7("id:5a000001 sub:001 dlvrd:001 submit date:2604121030 done date:2604121031 stat:UNDELIV err:001 text:Laporan Anda"),
    });
    expect(parse(payload([dlr]))[0]).toMatchObject({ kind: "ignored", ignoredReason: "delivery receipt UNDELIV for 5a000001", sender: { value: "+6281234567890" } });
    const tlvOnly = received({ esm_class: 0x04, short_message: Buffer.alloc(0), receipted_message_id: "abc", message_state: 2 });
    expect(parse(payload([tlvOnly]))[0]!.ignoredReason).toBe("delivery receipt DELIVRD for abc");
  });

  it("ignores operator broadcasts from alphanumeric senders and binary messages", () => {
    const promo = received({ source_addr_ton: 5, source_addr: "TELKOMSEL", short_message: encodeGsm7("Paket data murah") });
    expect(parse(payload([promo]))[0]).toMatchObject({ kind: "ignored", sender: { kind: "smpp_address", value: "TELKOMSEL" } });
    const binary = received({ data_coding: 4, short_message: Buffer.from([0x01, 0x02]) });
    expect(parse(payload([binary]))[0]).toMatchObject({ kind: "ignored", ignoredReason: "binary message (data_coding 0x4)" });
  });

  it("reads receipts from the text alone", () => {
    expect(readReceipt("id:XY12 submit date:2604121030 done date:2604121031 stat:expired err:0fe", { receiptedMessageId: null, messageState: null }))
      .toEqual({ messageId: "XY12", state: "EXPIRED", error: "0fe" });
  });
});

describe("SMPP addresses as E.164", () => {
  it.each([
    ["6281234567890", TON.INTERNATIONAL, "+6281234567890"],
    ["+6281234567890", TON.UNKNOWN, "+6281234567890"],
    ["081234567890", TON.NATIONAL, "+6281234567890"],
    ["81234567890", TON.NATIONAL, "+6281234567890"],
    ["081234567890", TON.INTERNATIONAL, "+6281234567890"],
    ["6281234567890", TON.UNKNOWN, "+6281234567890"],
    ["0021 234 5678", TON.UNKNOWN, "+212345678"],
    ["447700900123", TON.INTERNATIONAL, "+447700900123"],
  ])("%s (TON %i) -> %s", (address, ton, e164) => {
    expect(toE164(address, ton)).toBe(e164);
  });

  it.each([["TELKOMSEL", TON.ALPHANUMERIC], ["1708", TON.UNKNOWN], ["3636", TON.NATIONAL], ["INFO", TON.UNKNOWN], ["", TON.UNKNOWN]])("%s is no phone", (address, ton) => {
    expect(toE164(address, ton)).toBeNull();
  });
});
