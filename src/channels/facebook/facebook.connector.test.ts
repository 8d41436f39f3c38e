import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ContractSample } from "../connector-contract.ts";
import { runConnectorContract } from "../connector-contract.ts";
import type { SignedRequest } from "../connector.ts";
import { verifyChallenge, verifyHubSignature } from "../graph/graph-webhook.ts";
import { FacebookConnector } from "./facebook.connector.ts";

const dir = fileURLToPath(new URL("../../../test/fixtures/channel-samples/facebook/", import.meta.url));
const read = (name: string): Buffer => readFileSync(`${dir}${name}`);

interface Vector {
  id: string;
  body_file: string;
  body_bytes: number;
  app_secret: string;
  x_hub_signature_256: string;
  body_reserialized_lf_sha256_should_NOT_match?: string;
}
const vectorsFile = JSON.parse(read("signature_vectors.json").toString("utf8")) as {
  vectors: Vector[];
  verification_handshake_example: { request: string; expected_response_body: string };
};
const SECRET = vectorsFile.vectors.find((v) => v.id === "botbuilder-dotnet-requestresponse")!.app_secret;
const PAGE_ID = "100000000000001";

const sign = (body: Buffer, secret = SECRET): string => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
const request = (body: Buffer | string, secret = SECRET): SignedRequest => {
  const rawBody = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return {
    url: "https://aspirasi.example.go.id/webhooks/facebook",
    headers: { "content-type": "application/json", "x-hub-signature-256": sign(rawBody, secret) },
    rawBody,
  };
};

const connector = new FacebookConnector({ appSecret: SECRET, pageId: PAGE_ID });
const parse = (body: unknown) => connector.parse(Buffer.from(JSON.stringify(body)), "application/json");
const page = (messaging: unknown[]) => ({ object: "page", entry: [{ id: PAGE_ID, time: 1744444800000, messaging }] });
const feed = (value: Record<string, unknown>) => ({ object: "page", entry: [{ id: PAGE_ID, time: 1744444800, changes: [{ field: "feed", value }] }] });

// inline samples beyond the fixtures: attachments + location, receipts and echoes, a feed comment
const CITIZEN = "7000000000000042";
const locationBody = page([
  {
    sender: { id: CITIZEN },
    recipient: { id: PAGE_ID },
    timestamp: 1744444800123,
    message: {
      mid: "m_LOC0001",
      text: "Banjir setinggi lutut di depan sekolah, tolong segera ditangani",
      reply_to: { mid: "m_EARLIER0001" },
      attachments: [
        { type: "image", payload: { url: "https://scontent.example.com/banjir-1.jpg" } },
        { type: "image", payload: { url: "https://scontent.example.com/banjir-2.jpg" } },
        { type: "location", title: "Lokasi", payload: { coordinates: { lat: -6.2615, long: 106.8106 } } },
      ],
    },
  },
]);
const receiptsBody = page([
  { sender: { id: PAGE_ID }, recipient: { id: CITIZEN }, timestamp: 1744444801000, message: { mid: "m_ECHO0001", is_echo: true, app_id: 1234, text: "Terima kasih, laporan Anda kami terima." } },
  { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 1744444802000, delivery: { mids: ["m_ECHO0001"], watermark: 1744444801000 } },
  { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 1744444803000, read: { watermark: 1744444801000 } },
]);
const commentBody = feed({
  from: { id: "5550000000000077", name: "Siti Rahmawati" },
  post: { status_type: "added_photos", is_published: true, id: `${PAGE_ID}_222` },
  message: "Lampu PJU di Jl. Tebet Raya mati sejak seminggu, mohon diperbaiki",
  post_id: `${PAGE_ID}_222`,
  comment_id: "222_333",
  parent_id: "222_300",
  created_time: 1744444800,
  item: "comment",
  verb: "add",
});

const fixtureSamples: ContractSample[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json") && f !== "signature_vectors.json")
  .sort()
  .map((f) => ({ name: f, request: request(read(f)), contentType: "application/json" }));

runConnectorContract(connector, [
  ...fixtureSamples,
  { name: "inline: image + location message", request: request(JSON.stringify(locationBody)), contentType: "application/json" },
  { name: "inline: echo + delivery + read", request: request(JSON.stringify(receiptsBody)), contentType: "application/json", minMessages: 3 },
  { name: "inline: feed comment", request: request(JSON.stringify(commentBody)), contentType: "application/json" },
]);

describe("Facebook: signature vectors", () => {
  it("covers every JSON body of the fixtures folder", () => {
    expect(fixtureSamples.map((s) => s.name)).toContain("messenger_message_text.crlf.json");
    expect(fixtureSamples.length).toBe(8);
  });

  it.each(vectorsFile.vectors.map((v) => [v.id, v] as const))("published vector %s verifies exactly", (_id, v) => {
    const body = read(v.body_file);
    expect(body.length).toBe(v.body_bytes);
    expect(sign(body, v.app_secret)).toBe(v.x_hub_signature_256);
    expect(verifyHubSignature(body, v.x_hub_signature_256, v.app_secret)).toBe(true);
    const c = new FacebookConnector({ appSecret: v.app_secret });
    expect(c.verify({ url: "https://x/webhooks/facebook", headers: { "X-Hub-Signature-256": v.x_hub_signature_256 }, rawBody: body })).toBe(true);
    expect(verifyHubSignature(body, v.x_hub_signature_256, `${v.app_secret}x`)).toBe(false);
  });

  it("the CRLF body verifies on its raw bytes only: re-serialized or LF-normalised it does not", () => {
    const v = vectorsFile.vectors.find((x) => x.body_file === "messenger_message_text.crlf.json")!;
    const raw = read(v.body_file);
    expect(raw.includes("\r\n")).toBe(true);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8")), null, 2), "utf8");
    const lf = Buffer.from(raw.toString("utf8").replace(/\r\n/g, "\n"), "utf8");
    const compact = Buffer.from(JSON.stringify(JSON.parse(raw.toString("utf8"))), "utf8");
    for (const b of [reserialized, lf, compact]) expect(verifyHubSignature(b, v.x_hub_signature_256, v.app_secret)).toBe(false);
    expect(sign(reserialized, v.app_secret)).toBe(v.body_reserialized_lf_sha256_should_NOT_match);
  });

  it("accepts uppercase hex (as upstream compares) but refuses malformed headers", () => {
    const v = vectorsFile.vectors[0]!;
    const body = read(v.body_file);
    const hex = v.x_hub_signature_256.slice("sha256=".length);
    expect(verifyHubSignature(body, `sha256=${hex.toUpperCase()}`, v.app_secret)).toBe(true);
    for (const bad of [undefined, "", hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, `sha256=${hex.slice(1)}z`, `SHA256 ${hex}`]) {
      expect(verifyHubSignature(body, bad, v.app_secret)).toBe(false);
    }
    expect(verifyHubSignature(body, v.x_hub_signature_256, "")).toBe(false);
    // the legacy sha1 header alone is not enough
    const c = new FacebookConnector({ appSecret: v.app_secret });
    expect(c.verify({ url: "https://x", headers: { "x-hub-signature": "sha1=70c0e1b415f16d986eb839144fc85a941a5899c7" }, rawBody: body })).toBe(false);
    // a duplicated header is refused
    expect(c.verify({ url: "https://x", headers: { "x-hub-signature-256": [v.x_hub_signature_256, v.x_hub_signature_256] }, rawBody: body })).toBe(false);
  });
});

describe("Graph verification handshake", () => {
  const example = vectorsFile.verification_handshake_example;
  const query = Object.fromEntries(new URL(example.request, "https://x").searchParams);

  it("echoes the challenge when the token matches", () => {
    expect(verifyChallenge(query, "TestVerifyToken")).toBe(example.expected_response_body);
  });

  it("refuses a wrong token, a wrong mode, a missing challenge or an empty configured token", () => {
    expect(verifyChallenge(query, "WrongToken")).toBeNull();
    expect(verifyChallenge({ ...query, "hub.mode": "unsubscribe" }, "TestVerifyToken")).toBeNull();
    expect(verifyChallenge({ "hub.mode": "subscribe", "hub.verify_token": "TestVerifyToken" }, "TestVerifyToken")).toBeNull();
    expect(verifyChallenge({ ...query, "hub.verify_token": ["TestVerifyToken", "x"] }, "TestVerifyToken")).toBeNull();
    expect(verifyChallenge({ ...query, "hub.verify_token": "" }, "")).toBeNull();
  });
});

describe("Facebook: Messenger mapping", () => {
  it("maps the synthetic Indonesian message with its image", () => {
    const [m, ...rest] = new FacebookConnector({ appSecret: "s" }).parse(read("messenger_message_id.synthetic.json"), "application/json");
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      channel: "facebook",
      kind: "message",
      externalId: "m_SYNTHETIC0000000000000000000000000000000000000000000000000000",
      sender: { kind: "facebook_psid", value: "7000000000000001" },
      attachments: [{ url: "https://scontent.example.com/v/t1.15752-9/synthetic.jpg" }],
      thread: { ticket: null, inReplyTo: null },
    });
    expect(m!.text).toMatch(/^Selamat pagi, saya mau lapor pohon tumbang/);
    expect(m!.sentAt).toEqual(new Date(1735707599876));
  });

  it("maps the CRLF capture as a plain message", () => {
    const [m] = new FacebookConnector({ appSecret: "s" }).parse(read("messenger_message_text.crlf.json"), "application/json");
    expect(m).toMatchObject({ kind: "message", text: "asd", externalId: "Q3znCzp31iKkarGcToiQWSJGtmSVjUPs7GtwB7WEjVRcg9MxG8TT09Z0wimdrcCHxQCRpMSKZcHBthhqXsonoA" });
    expect(m!.sentAt).toEqual(new Date(1570649960249));
  });

  it("maps images to attachments, the location attachment to location, reply_to to inReplyTo", () => {
    const [m] = parse(locationBody);
    expect(m).toMatchObject({
      kind: "message",
      externalId: "m_LOC0001",
      sender: { kind: "facebook_psid", value: CITIZEN },
      location: { lat: -6.2615, lon: 106.8106 },
      thread: { inReplyTo: "m_EARLIER0001", ticket: null },
    });
    expect(m!.attachments.map((a) => a.url)).toEqual(["https://scontent.example.com/banjir-1.jpg", "https://scontent.example.com/banjir-2.jpg"]);
  });

  it("turns 'CEK JKT-260412-0073' into a status request and finds tickets in plain text", () => {
    const [cek, plain] = parse(
      page([
        { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 1744444800000, message: { mid: "m_CEK", text: "CEK JKT-260412-0073" } },
        { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 1744444800001, message: { mid: "m_RE", text: "Soal laporan jkt 260412 0073, sampahnya belum diangkut" } },
      ]),
    );
    expect(cek).toMatchObject({ kind: "status_request", thread: { ticket: "JKT-260412-0073" } });
    expect(plain).toMatchObject({ kind: "message", thread: { ticket: "JKT-260412-0073" } });
  });

  it("ignores echoes, delivery and read receipts", () => {
    const ms = parse(receiptsBody);
    expect(ms.map((m) => m.kind)).toEqual(["ignored", "ignored", "ignored"]);
    expect(ms.map((m) => m.ignoredReason)).toEqual(["echo of a message sent by the page", "delivery receipt", "read receipt"]);
    expect(ms[0]!.externalId).toBe("echo:m_ECHO0001");
    expect(new Set(ms.map((m) => m.externalId)).size).toBe(3);
  });

  it("ignores messages from our own page and sticker-only messages", () => {
    const ms = parse(
      page([
        { sender: { id: PAGE_ID }, recipient: { id: CITIZEN }, timestamp: 1, message: { mid: "m_OWN", text: "halo" } },
        { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 2, message: { mid: "m_STK", attachments: [{ type: "image", payload: { url: "https://x/s.png", sticker_id: 369239263222822 } }] } },
      ]),
    );
    expect(ms.map((m) => [m.kind, m.ignoredReason])).toEqual([
      ["ignored", "sent by our page"],
      ["ignored", "sticker only"],
    ]);
  });

  it("ignores handover, standby and referral events; a titled postback is a message", () => {
    const kinds = (f: string) => connector.parse(read(f), "application/json").map((m) => [m.kind, m.ignoredReason ?? null]);
    expect(kinds("messenger_pass_thread_control.json")).toEqual([["ignored", "handover: pass_thread_control"]]);
    expect(kinds("messenger_take_thread_control.json")).toEqual([["ignored", "handover: take_thread_control"]]);
    expect(kinds("messenger_request_thread_control.json")).toEqual([["ignored", "handover: request_thread_control"]]);
    expect(kinds("messenger_referral.json")).toEqual([["ignored", "referral (m.me link, ad or chat plugin)"]]);
    const standby = connector.parse(read("messenger_standby.json"), "application/json");
    expect(standby.map((m) => m.kind)).toEqual(["message", "ignored", "ignored"]);
    expect(standby.slice(1).map((m) => m.sender.value)).toEqual(["user1", "user2"]);
    expect(standby[1]!.ignoredReason).toMatch(/^standby/);
    const [postback] = connector.parse(read("messenger_postback.json"), "application/json");
    expect(postback).toMatchObject({ kind: "message", text: "title", externalId: "m_1457764197618:41d102a3e1ae206a38" });
  });

  it("a postback titled 'Cek status' with a CEK payload is a status request; an untitled one is ignored", () => {
    const [a, b] = parse(
      page([
        { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 1, postback: { mid: "m_PB1", title: "Cek status", payload: "CEK JKT-260412-0073" } },
        { sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 2, postback: { payload: "GET_STARTED" } },
      ]),
    );
    expect(a).toMatchObject({ kind: "status_request", text: "Cek status", thread: { ticket: "JKT-260412-0073" } });
    expect(b).toMatchObject({ kind: "ignored", ignoredReason: "postback without a title" });
    expect(b!.externalId).toMatch(/^fb:postback:[0-9a-f]{40}$/);
  });

  it("gives events without a mid a stable hashed id", () => {
    const body = page([{ sender: { id: CITIZEN }, recipient: { id: PAGE_ID }, timestamp: 5, message: { text: "tanpa mid" } }]);
    const a = parse(body)[0]!;
    const b = connector.parse(Buffer.from(JSON.stringify(body, null, 4)), "application/json")[0]!;
    expect(a.externalId).toMatch(/^fb:message:[0-9a-f]{40}$/);
    expect(b.externalId).toBe(a.externalId);
  });
});

describe("Facebook: page feed", () => {
  it("maps a citizen's comment reply with parent and post", () => {
    const [m] = parse(commentBody);
    expect(m).toMatchObject({
      kind: "message",
      externalId: "222_333",
      sender: { kind: "facebook_psid", value: "5550000000000077", name: "Siti Rahmawati" },
      text: "Lampu PJU di Jl. Tebet Raya mati sejak seminggu, mohon diperbaiki",
      thread: { inReplyTo: "222_300", references: [`${PAGE_ID}_222`] },
    });
    expect(m!.sentAt).toEqual(new Date(1744444800 * 1000));
  });

  it("maps a top-level comment (inReplyTo the post), a visitor post with photo, and a CEK comment", () => {
    const ms = connector.parse(
      Buffer.from(
        JSON.stringify({
          object: "page",
          entry: [
            {
              id: PAGE_ID,
              time: 1,
              changes: [
                { field: "feed", value: { from: { id: "555", name: "Budi" }, post_id: `${PAGE_ID}_9`, comment_id: "9_1", parent_id: `${PAGE_ID}_9`, item: "comment", verb: "add", message: "Setuju, di sini juga", created_time: 1744444800 } },
                { field: "feed", value: { from: { id: "556", name: "Ani" }, post_id: `${PAGE_ID}_10`, item: "photo", verb: "add", link: "https://scontent.example.com/p.jpg", message: "Trotoar rusak", created_time: 1744444801 } },
                { field: "feed", value: { from: { id: "557" }, post_id: `${PAGE_ID}_9`, comment_id: "9_2", parent_id: `${PAGE_ID}_9`, item: "comment", verb: "add", message: "cek JKT-260412-0073", created_time: 1744444802 } },
              ],
            },
          ],
        }),
      ),
      "application/json",
    );
    expect(ms[0]).toMatchObject({ kind: "message", externalId: "9_1", thread: { inReplyTo: `${PAGE_ID}_9` } });
    expect(ms[0]!.thread.references).toBeUndefined();
    expect(ms[1]).toMatchObject({ kind: "message", externalId: `${PAGE_ID}_10`, text: "Trotoar rusak", thread: { inReplyTo: null } });
    expect(ms[1]!.attachments.map((a) => a.url)).toEqual(["https://scontent.example.com/p.jpg"]);
    expect(ms[2]).toMatchObject({ kind: "status_request", thread: { ticket: "JKT-260412-0073" } });
  });

  it("ignores our page's own comments, edits, removals and reactions; other fields produce nothing", () => {
    const changes = [
      { field: "feed", value: { from: { id: PAGE_ID, name: "Pemprov" }, post_id: `${PAGE_ID}_9`, comment_id: "9_5", parent_id: "9_1", item: "comment", verb: "add", message: "Sudah kami teruskan" } },
      { field: "feed", value: { from: { id: "555" }, post_id: `${PAGE_ID}_9`, comment_id: "9_1", item: "comment", verb: "edited", message: "x" } },
      { field: "feed", value: { from: { id: "555" }, post_id: `${PAGE_ID}_9`, comment_id: "9_1", item: "comment", verb: "remove" } },
      { field: "feed", value: { from: { id: "555" }, post_id: `${PAGE_ID}_9`, item: "reaction", reaction_type: "like", verb: "add" } },
      { field: "ratings", value: { reviewer_id: "555", verb: "add" } },
    ];
    const ms = parse({ object: "page", entry: [{ id: PAGE_ID, time: 1, changes }] });
    expect(ms.map((m) => m.kind)).toEqual(["ignored", "ignored", "ignored", "ignored"]);
    expect(ms.map((m) => m.externalId)).toEqual(["9_5", "9_1:edited", "9_1:remove", `${PAGE_ID}_9:reaction:add`]);
    // without a configured pageId the entry id (always the page) identifies our own posts
    const [own] = new FacebookConnector({ appSecret: "s" }).parse(Buffer.from(JSON.stringify({ object: "page", entry: [{ id: PAGE_ID, changes: [changes[0]] }] })), "application/json");
    expect(own).toMatchObject({ kind: "ignored", ignoredReason: "feed comment by our page" });
  });
});

describe("Facebook: malformed payloads", () => {
  it.each([
    ["garbage", "\u0000\u0001not a payload{{{"],
    ["a JSON array", "[]"],
    ["a JSON string", '"page"'],
    ["another object type", JSON.stringify({ object: "instagram", entry: [] })],
    ["a WhatsApp payload", JSON.stringify({ object: "whatsapp_business_account", entry: [] })],
    ["no entry array", JSON.stringify({ object: "page" })],
    ["a messaging that is not an array", JSON.stringify({ object: "page", entry: [{ id: "1", messaging: {} }] })],
  ])("throws on %s", (_name, body) => {
    expect(() => connector.parse(Buffer.from(body), "application/json")).toThrow(Error);
  });
});
