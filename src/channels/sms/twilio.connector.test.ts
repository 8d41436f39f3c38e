import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runConnectorContract } from "../connector-contract.ts";
import { TwilioSmsConnector, twilioSignature } from "./twilio.connector.ts";

const dir = path.resolve("test/fixtures/channel-samples/twilio");
const vectors = JSON.parse(fs.readFileSync(path.join(dir, "signature_vectors.json"), "utf8")) as {
  vectors: Array<{ id: string; auth_token: string; url: string; params?: Record<string, string>; raw_body_file?: string; expected_signature: string }>;
};
const fileVectors = vectors.vectors.filter((v) => v.raw_body_file);
const TOKEN = fileVectors[0]!.auth_token;
const connector = new TwilioSmsConnector({ authToken: TOKEN });

runConnectorContract(connector, fileVectors.map((v) => ({
  name: v.raw_body_file!,
  contentType: "application/x-www-form-urlencoded",
  request: { url: v.url, headers: { "x-twilio-signature": v.expected_signature }, rawBody: fs.readFileSync(path.join(dir, v.raw_body_file!)) },
})));

describe("Twilio SMS", () => {
  it("reproduces the published signature vector", () => {
    const v = vectors.vectors.find((x) => x.id === "twilio-node-form")!;
    expect(twilioSignature(v.auth_token, v.url, new URLSearchParams(v.params))).toBe(v.expected_signature);
  });

  it("refuses a signature made for another URL or token", () => {
    const v = fileVectors[0]!;
    const rawBody = fs.readFileSync(path.join(dir, v.raw_body_file!));
    const headers = { "x-twilio-signature": v.expected_signature };
    expect(connector.verify({ url: v.url.replace("https:", "http:"), headers, rawBody })).toBe(false);
    expect(new TwilioSmsConnector({ authToken: "another-token" }).verify({ url: v.url, headers, rawBody })).toBe(false);
  });

  it("decodes an Indonesian MMS: text with + and %-escapes, emoji, the photo URL", () => {
    const [m] = connector.parse(fs.readFileSync(path.join(dir, "inbound_mms_id.synthetic.form_body.txt")));
    expect(m!.text).toBe("Lapor: jalan berlubang & got mampet di Jl. Kebon Sirih No. 12, RT 03/RW 05, Kel. Kebon Sirih (dekat #halte). Mohon ditindaklanjuti 🙏");
    expect(m!.sender).toEqual({ kind: "phone", value: "+6281200000002" });
    expect(m!.externalId).toBe("MM0123456789abcdef0123456789abcdef");
    expect(m!.attachments).toEqual([{ url: expect.stringContaining("/Media/ME0123456789abcdef0123456789abcdef"), contentType: "image/jpeg" }]);
  });

  it("CEK <ticket> is a status question", () => {
    const body = new URLSearchParams({ MessageSid: "SM1", From: "+6281234567890", Body: "cek jkt 260412 0073" }).toString();
    const [m] = connector.parse(Buffer.from(body));
    expect(m).toMatchObject({ kind: "status_request", thread: { ticket: "JKT-260412-0073" } });
  });
});
