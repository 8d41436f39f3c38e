import { describe, expect, it } from "vitest";
import type { SignedRequest } from "../connector.ts";
import { runConnectorContract } from "../connector-contract.ts";
import { QlueConnector, qlueSignature } from "./qlue.connector.ts";

const SECRET = "qlue-test-secret-2026";
const URL = "https://aspirasi.jakarta.example/webhooks/qlue";
const connector = new QlueConnector({ secret: SECRET });

const reportCreated = {
  event: "report.created",
  id: "evt_01HV8Q3K2M",
  occurred_at: "2026-04-12T02:15:30Z",
  data: {
    report_id: "QL-884213",
    user: { id: "u_55120", name: "Siti Rahmawati", phone: "+6281287654321" },
    description: "Jalan berlubang cukup dalam di depan halte, sudah dua motor jatuh minggu ini. Mohon segera diperbaiki 🙏",
    category: "jalan-rusak",
    photos: ["https://cdn.qlue.example/reports/884213/1.jpg", "https://cdn.qlue.example/reports/884213/2.jpg"],
    location: { lat: -6.186486, lng: 106.834091, address: "Jl. Kebon Sirih No. 12, Menteng, Jakarta Pusat" },
  },
};

const commentCreated = {
  event: "comment.created",
  id: "evt_01HV8R0A7C",
  occurred_at: "2026-04-13T08:02:11+07:00",
  data: {
    report_id: "QL-884213",
    comment_id: 991204,
    user: { id: "u_55120", name: "Siti Rahmawati" },
    text: "Sampai sekarang lubangnya belum ditambal, tolong dicek lagi (JKT-260412-0073).",
  },
};

const ratingCreated = {
  event: "rating.created",
  id: "evt_01HVC1XZ90",
  occurred_at: "2026-04-20T10:45:00Z",
  data: {
    report_id: "QL-884213",
    user: { id: "u_55120", name: "Siti Rahmawati" },
    rating: 2,
    comment: "Tambalannya sudah rusak lagi setelah hujan.",
  },
};

function signed(payload: unknown, secret = SECRET): SignedRequest {
  const rawBody = Buffer.from(JSON.stringify(payload), "utf8");
  return { url: URL, headers: { "content-type": "application/json", "x-qlue-signature": qlueSignature(secret, rawBody) }, rawBody };
}

function parse(payload: unknown) {
  return connector.parse(Buffer.from(JSON.stringify(payload), "utf8"));
}

function withData(base: { data: Record<string, unknown> } & Record<string, unknown>, data: Record<string, unknown>) {
  return { ...base, data: { ...base.data, ...data } };
}

runConnectorContract(connector, [
  { name: "report.created", contentType: "application/json", request: signed(reportCreated) },
  { name: "comment.created", contentType: "application/json", request: signed(commentCreated) },
  { name: "rating.created", contentType: "application/json", request: signed(ratingCreated) },
]);

describe("Qlue signature", () => {
  const req = signed(reportCreated);
  const sig = String(req.headers["x-qlue-signature"]);

  it("accepts the header under any case and an upper-case hex digest", () => {
    expect(connector.verify({ ...req, headers: { "X-Qlue-Signature": sig } })).toBe(true);
    expect(connector.verify({ ...req, headers: { "x-qlue-signature": `sha256=${sig.slice(7).toUpperCase()}` } })).toBe(true);
  });

  it("refuses another secret, and an empty secret", () => {
    expect(connector.verify(signed(reportCreated, "another-secret"))).toBe(false);
    expect(new QlueConnector({ secret: "" }).verify(signed(reportCreated, ""))).toBe(false);
  });

  it.each([
    ["a bare hex digest", sig.slice(7)],
    ["another algorithm", `sha1=${sig.slice(7)}`],
    ["a truncated digest", sig.slice(0, -2)],
    ["a digest one hex digit too long", `${sig}0`],
    ["non-hex characters", `sha256=${"z".repeat(64)}`],
    ["an empty value", ""],
  ])("refuses %s", (_name, value) => {
    expect(connector.verify({ ...req, headers: { "x-qlue-signature": value } })).toBe(false);
  });

  it("refuses a header sent twice", () => {
    expect(connector.verify({ ...req, headers: { "x-qlue-signature": [sig, sig] } })).toBe(false);
  });
});

describe("Qlue report.created", () => {
  it("is a message keyed by the report, with sender, location, photos and the address line", () => {
    const [m, ...rest] = parse(reportCreated);
    expect(rest).toEqual([]);
    expect(m).toEqual({
      channel: "qlue",
      externalId: "report:QL-884213",
      kind: "message",
      sender: { kind: "qlue_user", value: "u_55120", name: "Siti Rahmawati" },
      text: `${reportCreated.data.description}\nLokasi: Jl. Kebon Sirih No. 12, Menteng, Jakarta Pusat`,
      sentAt: new Date("2026-04-12T02:15:30Z"),
      location: { lat: -6.186486, lon: 106.834091 },
      attachments: [
        { url: "https://cdn.qlue.example/reports/884213/1.jpg", contentType: null },
        { url: "https://cdn.qlue.example/reports/884213/2.jpg", contentType: null },
      ],
      thread: { externalReportId: "QL-884213" },
      categoryCode: "jalan_rusak",
    });
  });

  it("a redelivery under a new event id is the same message", () => {
    const [first] = parse(reportCreated);
    const [again] = parse({ ...reportCreated, id: "evt_redelivered", occurred_at: "2026-04-12T02:20:00Z" });
    expect(again!.externalId).toBe(first!.externalId);
  });

  it("without an address, photos or category the text is the description alone", () => {
    const payload = withData(reportCreated, { photos: [], category: undefined, location: { lat: -6.2615, lng: 106.8106 } });
    const [m] = parse(payload);
    expect(m!.text).toBe(reportCreated.data.description);
    expect(m!.attachments).toEqual([]);
    expect(m!.location).toEqual({ lat: -6.2615, lon: 106.8106 });
  });

  it("reads integer ids as strings", () => {
    const [m] = parse(withData(reportCreated, { report_id: 884213, user: { id: 55120, name: "Budi" } }));
    expect(m!.externalId).toBe("report:884213");
    expect(m!.thread.externalReportId).toBe("884213");
    expect(m!.sender).toEqual({ kind: "qlue_user", value: "55120", name: "Budi" });
  });

  it.each([
    ["no location", { location: undefined }],
    ["a latitude off the globe", { location: { lat: -96.2, lng: 106.8 } }],
    ["a longitude given as text", { location: { lat: -6.2, lng: "106.8" } }],
    ["photos that are not URLs", { photos: ["file:///etc/passwd"] }],
    ["photos that are not an array", { photos: "https://cdn.qlue.example/1.jpg" }],
    ["no description", { description: undefined }],
    ["no report id", { report_id: undefined }],
    ["an empty report id", { report_id: "" }],
    ["no user", { user: undefined }],
    ["a user without id", { user: { name: "Siti" } }],
  ])("throws on %s", (_name, data) => {
    expect(() => parse(withData(reportCreated, data))).toThrow();
  });
});

describe("Qlue comment.created", () => {
  it("is a message that threads onto the report by externalReportId and inReplyTo", () => {
    const [m] = parse(commentCreated);
    expect(m).toEqual({
      channel: "qlue",
      externalId: "comment:991204",
      kind: "message",
      sender: { kind: "qlue_user", value: "u_55120", name: "Siti Rahmawati" },
      text: commentCreated.data.text,
      sentAt: new Date("2026-04-13T01:02:11Z"),
      attachments: [],
      thread: { externalReportId: "QL-884213", inReplyTo: "report:QL-884213", ticket: "JKT-260412-0073" },
    });
  });

  it("inReplyTo is exactly the externalId the report arrived with", () => {
    const [report] = parse(reportCreated);
    const [comment] = parse(commentCreated);
    expect(comment!.thread.inReplyTo).toBe(report!.externalId);
  });

  it("throws without a comment id or text", () => {
    expect(() => parse(withData(commentCreated, { comment_id: undefined }))).toThrow();
    expect(() => parse(withData(commentCreated, { text: 42 }))).toThrow();
  });
});

describe("Qlue rating.created", () => {
  it("is a rating with the comment as text, replying to the report", () => {
    const [m] = parse(ratingCreated);
    expect(m).toEqual({
      channel: "qlue",
      externalId: "rating:QL-884213:evt_01HVC1XZ90",
      kind: "rating",
      sender: { kind: "qlue_user", value: "u_55120", name: "Siti Rahmawati" },
      text: "Tambalannya sudah rusak lagi setelah hujan.",
      sentAt: new Date("2026-04-20T10:45:00Z"),
      rating: 2,
      attachments: [],
      thread: { externalReportId: "QL-884213", inReplyTo: "report:QL-884213" },
    });
  });

  it("a second rating of the same report (another event) is another message", () => {
    const [a] = parse(ratingCreated);
    const [b] = parse({ ...ratingCreated, id: "evt_01HVD7", data: { ...ratingCreated.data, rating: 5, comment: undefined } });
    expect(b!.externalId).not.toBe(a!.externalId);
    expect(b).toMatchObject({ rating: 5, text: "" });
  });

  it.each([[0], [6], [3.5], ["4"], [null]])("throws on rating %s", (rating) => {
    expect(() => parse(withData(ratingCreated, { rating }))).toThrow();
  });
});

describe("Qlue envelope", () => {
  it("throws on an unknown event", () => {
    expect(() => parse({ ...reportCreated, event: "report.deleted" })).toThrow(/unknown Qlue event/);
  });

  it.each([
    ["a JSON array", []],
    ["a JSON string", "report.created"],
    ["no event id", { ...reportCreated, id: undefined }],
    ["no data", { ...reportCreated, data: undefined }],
    ["data as an array", { ...reportCreated, data: [] }],
  ])("throws on %s", (_name, payload) => {
    expect(() => parse(payload)).toThrow();
  });

  it("an unreadable occurred_at leaves sentAt null", () => {
    const [m] = parse({ ...commentCreated, occurred_at: "kemarin sore" });
    expect(m!.sentAt).toBeNull();
  });
});
