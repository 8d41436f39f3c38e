import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ContractSample } from "../connector-contract.ts";
import { runConnectorContract } from "../connector-contract.ts";
import type { SignedRequest } from "../connector.ts";
import { WhatsAppConnector } from "./whatsapp.connector.ts";

/**
 * Samples follow the WhatsApp Business Cloud API webhook shape documented by Meta
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples); ids and numbers
 * are made up, signed with the test app secret below.
 */
const SECRET = "wa-test-app-secret-9f2c1e";
const PHONE_NUMBER_ID = "106540352242922";
const WABA_ID = "102290129340398";
const CITIZEN = "6281234567890";

const envelope = (value: Record<string, unknown>, field = "messages") => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: WABA_ID,
      changes: [
        {
          value: { messaging_product: "whatsapp", metadata: { display_phone_number: "628111272206", phone_number_id: PHONE_NUMBER_ID }, ...value },
          field,
        },
      ],
    },
  ],
});
const contacts = (name: string, waId = CITIZEN) => [{ profile: { name }, wa_id: waId }];

const textBody = envelope({
  contacts: contacts("Rina Wulandari"),
  messages: [
    {
      from: CITIZEN,
      id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMkE1RjE0QkQ5MzlGNkIxAA==",
      timestamp: "1744444800",
      text: { body: "Selamat siang, saluran air di Jl. Pramuka Sari tersumbat dan meluap ke jalan." },
      type: "text",
    },
  ],
});
const replyBody = envelope({
  contacts: contacts("Rina Wulandari"),
  messages: [
    {
      context: { from: "628111272206", id: "wamid.HBgNNjI4MTExMjcyMjA2FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=" },
      from: CITIZEN,
      id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDRUtDRUtDRUtDRUtDRUsA",
      timestamp: "1744444900",
      text: { body: "CEK JKT-260412-0073" },
      type: "text",
    },
  ],
});
const imageBody = envelope({
  contacts: contacts("Agus Santoso", "6285712345678"),
  messages: [
    {
      from: "6285712345678",
      id: "wamid.HBgNNjI4NTcxMjM0NTY3OBUCABIYFjNFQjBJTUFHRTAwMDAwMDAwMDAwMQA=",
      timestamp: "1744445000",
      type: "image",
      image: {
        caption: "Jalan berlubang besar di depan Pasar Minggu, sudah ada motor jatuh",
        mime_type: "image/jpeg",
        sha256: "Q2Zx5Vb3nqKz0pI9v8y0s6X1a7R4dM2cE5fH8jL1oNw=",
        id: "1479537139650973",
      },
    },
  ],
});
const locationBody = envelope({
  contacts: contacts("Agus Santoso", "6285712345678"),
  messages: [
    {
      from: "6285712345678",
      id: "wamid.HBgNNjI4NTcxMjM0NTY3OBUCABIYFjNFQjBMT0NBVElPTjAwMDAwMDAwMQA=",
      timestamp: "1744445010",
      type: "location",
      location: { latitude: -6.2849, longitude: 106.8443, name: "Pasar Minggu", address: "Jl. Raya Ragunan, Pasar Minggu, Jakarta Selatan" },
    },
  ],
});
const statusesBody = envelope({
  statuses: [
    {
      id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=",
      status: "sent",
      timestamp: "1744444801",
      recipient_id: CITIZEN,
      conversation: { id: "c0f6b5a3e1d2c4b5a6978877665544aa", expiration_timestamp: "1744531200", origin: { type: "service" } },
      pricing: { billable: true, pricing_model: "CBP", category: "service" },
    },
    { id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=", status: "delivered", timestamp: "1744444802", recipient_id: CITIZEN },
    { id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=", status: "read", timestamp: "1744444830", recipient_id: CITIZEN },
    {
      id: "wamid.HBgNNjI4NTcxMjM0NTY3OBUCABEYEkZBSUxFRDAwMDAwMDAwMDAwMQA=",
      status: "failed",
      timestamp: "1744444840",
      recipient_id: "6285712345678",
      errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }],
    },
  ],
});

const sign = (body: Buffer): string => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
const request = (body: unknown): SignedRequest => {
  const rawBody = Buffer.from(JSON.stringify(body, null, 2), "utf8");
  return { url: "https://aspirasi.example.go.id/webhooks/whatsapp", headers: { "content-type": "application/json", "x-hub-signature-256": sign(rawBody) }, rawBody };
};
const sample = (name: string, body: unknown, minMessages = 1): ContractSample => ({ name, request: request(body), contentType: "application/json", minMessages });

const connector = new WhatsAppConnector({ appSecret: SECRET, phoneNumberId: PHONE_NUMBER_ID });
const parse = (body: unknown) => connector.parse(Buffer.from(JSON.stringify(body)), "application/json");

runConnectorContract(connector, [
  sample("text", textBody),
  sample("text replying with CEK", replyBody),
  sample("image with caption", imageBody),
  sample("location", locationBody),
  sample("statuses", statusesBody, 4),
]);

describe("WhatsApp: signature", () => {
  it("verifies the raw bytes only: the same JSON re-serialized compactly fails", () => {
    const r = request(textBody);
    expect(connector.verify(r)).toBe(true);
    expect(connector.verify({ ...r, rawBody: Buffer.from(JSON.stringify(textBody)) })).toBe(false);
    expect(new WhatsAppConnector({ appSecret: "other" }).verify(r)).toBe(false);
    expect(connector.verify({ ...r, headers: { "X-Hub-Signature-256": r.headers["x-hub-signature-256"] } })).toBe(true);
  });
});

describe("WhatsApp: mapping", () => {
  it("maps a text message with the contact's name and an E.164 sender", () => {
    const [m, ...rest] = parse(textBody);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      channel: "whatsapp",
      kind: "message",
      externalId: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDMkE1RjE0QkQ5MzlGNkIxAA==",
      sender: { kind: "whatsapp", value: "+6281234567890", name: "Rina Wulandari" },
      text: "Selamat siang, saluran air di Jl. Pramuka Sari tersumbat dan meluap ke jalan.",
      attachments: [],
      location: null,
      thread: { ticket: null, inReplyTo: null },
    });
    expect(m!.sentAt).toEqual(new Date(1744444800 * 1000));
  });

  it("a 'CEK JKT-260412-0073' reply is a status request threaded to the quoted message", () => {
    const [m] = parse(replyBody);
    expect(m).toMatchObject({
      kind: "status_request",
      thread: { ticket: "JKT-260412-0073", inReplyTo: "wamid.HBgNNjI4MTExMjcyMjA2FQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=" },
    });
  });

  it("maps an image to a graph-media attachment with its caption as text", () => {
    const [m] = parse(imageBody);
    expect(m).toMatchObject({
      kind: "message",
      sender: { value: "+6285712345678", name: "Agus Santoso" },
      text: "Jalan berlubang besar di depan Pasar Minggu, sudah ada motor jatuh",
      attachments: [{ contentType: "image/jpeg", url: "graph-media:1479537139650973" }],
    });
  });

  it("maps a location with its name and address as text", () => {
    const [m] = parse(locationBody);
    expect(m).toMatchObject({
      kind: "message",
      location: { lat: -6.2849, lon: 106.8443 },
      text: "Pasar Minggu, Jl. Raya Ragunan, Pasar Minggu, Jakarta Selatan",
    });
    const [bare] = parse(envelope({ messages: [{ from: CITIZEN, id: "wamid.LOC2", timestamp: "1744445020", type: "location", location: { latitude: -6.1754, longitude: 106.8272 } }] }));
    expect(bare).toMatchObject({ kind: "message", text: "", location: { lat: -6.1754, lon: 106.8272 }, sender: { name: null } });
  });

  it("ignores sent/delivered/read/failed statuses with id:status external ids", () => {
    const ms = parse(statusesBody);
    expect(ms.map((m) => m.kind)).toEqual(["ignored", "ignored", "ignored", "ignored"]);
    expect(ms.map((m) => m.externalId)).toEqual([
      "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=:sent",
      "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=:delivered",
      "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjBBQkNERUYwMTIzNDU2Nzg5QQA=:read",
      "wamid.HBgNNjI4NTcxMjM0NTY3OBUCABEYEkZBSUxFRDAwMDAwMDAwMDAwMQA=:failed",
    ]);
    expect(ms[3]!.ignoredReason).toBe("status receipt: failed: 131047 Re-engagement message");
    expect(ms[0]!.sender).toMatchObject({ kind: "whatsapp", value: "+6281234567890" });
  });

  it("maps button replies, documents; ignores reactions, stickers and unsupported messages", () => {
    const ms = parse(
      envelope({
        contacts: contacts("Rina Wulandari"),
        messages: [
          { from: CITIZEN, id: "wamid.BTN", timestamp: "1744445100", type: "interactive", interactive: { type: "button_reply", button_reply: { id: "status", title: "Cek status laporan" } } },
          { from: CITIZEN, id: "wamid.DOC", timestamp: "1744445101", type: "document", document: { filename: "surat-rt.pdf", mime_type: "application/pdf", sha256: "x", id: "2222" } },
          { from: CITIZEN, id: "wamid.RCT", timestamp: "1744445102", type: "reaction", reaction: { message_id: "wamid.BTN", emoji: "\u{1F44D}" } },
          { from: CITIZEN, id: "wamid.STK", timestamp: "1744445103", type: "sticker", sticker: { mime_type: "image/webp", sha256: "y", id: "3333", animated: false } },
          { from: CITIZEN, id: "wamid.UNS", timestamp: "1744445104", type: "unsupported", errors: [{ code: 131051, title: "Message type unknown" }] },
        ],
      }),
    );
    expect(ms.map((m) => [m.kind, m.ignoredReason ?? null])).toEqual([
      ["message", null],
      ["message", null],
      ["ignored", "reaction to a message"],
      ["ignored", "sticker message"],
      ["ignored", "unsupported message"],
    ]);
    expect(ms[0]!.text).toBe("Cek status laporan");
    expect(ms[1]!.attachments).toEqual([{ contentType: "application/pdf", url: "graph-media:2222", filename: "surat-rt.pdf" }]);
  });

  it("ignores messages to another phone number of the account; other fields produce nothing", () => {
    const other = envelope({ ...textBody.entry[0]!.changes[0]!.value, metadata: { display_phone_number: "6281100000000", phone_number_id: "999" } });
    const [m] = parse(other);
    expect(m).toMatchObject({ kind: "ignored", ignoredReason: "addressed to another phone number of the account" });
    expect(new WhatsAppConnector({ appSecret: SECRET }).parse(Buffer.from(JSON.stringify(other)), "application/json")[0]!.kind).toBe("message");
    expect(parse(envelope({ event: "APPROVED", message_template_id: 1 }, "message_template_status_update"))).toEqual([]);
  });

  it.each([
    ["garbage", "\u0000\u0001not a payload{{{"],
    ["a JSON array", "[]"],
    ["a page payload", JSON.stringify({ object: "page", entry: [] })],
    ["no entry array", JSON.stringify({ object: "whatsapp_business_account" })],
    ["messages that are not an array", JSON.stringify(envelope({ messages: { id: "x" } }))],
  ])("throws on %s", (_name, body) => {
    expect(() => connector.parse(Buffer.from(body), "application/json")).toThrow(Error);
  });
});
