import { afterEach, describe, expect, it } from "vitest";
import type { OutboundSender } from "../src/app/outbound.ts";
import { MESSAGE_CONTENT_TYPE, PART_CONTENT_TYPE, partFromPdu } from "../src/channels/smpp/deliver-payload.ts";
import { startFakeSmsc, type FakeSmsc } from "../src/channels/smpp/fake-smsc.ts";
import { smppChannelFromEnv, type SmppChannel } from "../src/channels/smpp/smpp-channel.ts";
import { SmppConnector } from "../src/channels/smpp/smpp.connector.ts";
import { storeDeliverSm } from "../src/channels/smpp/smpp-parts.ts";
import { smpp, STATUS } from "../src/channels/smpp/smpp-wire.ts";
import { encodeGsm7 } from "../src/channels/smpp/sms-text.ts";
import { enqueueOutbox } from "../src/store/outbox.store.ts";
import { startTestApp, type TestApp, waitFor } from "./harness.ts";

const ESME = { systemId: "aspirasi", password: "rahasia-smsc" };
let app: TestApp | undefined;
let smsc: FakeSmsc | undefined;
let channel: SmppChannel | undefined;
const logs: string[] = [];

afterEach(async () => {
  await channel?.session.stop();
  await app?.close();
  await smsc?.close();
  app = smsc = channel = undefined;
  logs.length = 0;
});

/** The product with its worker, a fake SMSC, and our SMPP session bound to it as configured from the environment. */
async function startWithSmsc(): Promise<{ app: TestApp; smsc: FakeSmsc; channel: SmppChannel }> {
  const senders = new Map<string, OutboundSender>();
  app = await startTestApp({ worker: true, connectors: new Map([["smpp", new SmppConnector()]]), senders });
  smsc = await startFakeSmsc(ESME);
  const env = { SMPP_HOST: "127.0.0.1", SMPP_PORT: String(smsc.port), SMPP_SYSTEM_ID: ESME.systemId, SMPP_PASSWORD: ESME.password, SMPP_SOURCE_ADDR: "1708" };
  channel = smppChannelFromEnv(env, app.running.ctx.pool, { reconnectMinMs: 50, reconnectMaxMs: 200, log: (l) => logs.push(l) })!;
  senders.set("sms", channel.sender);
  channel.session.start();
  await waitFor(async () => channel!.session.isBound);
  return { app, smsc, channel };
}

const reportOf = (a: TestApp, phone: string) => waitFor(async () => (await a.running.ctx.pool.query<{ id: string; ticket: string; state: string; channel: string; description: string; citizen_id: string }>(
  `select r.id, r.ticket, r.state, r.channel, r.description, r.citizen_id from inbound_messages m join reports r on r.id = m.report_id
   where m.sender_value = $1 and m.outcome = 'report_created'`, [phone])).rows[0]);

describe("SMS over SMPP: SMSC -> session -> parts store -> inbound job -> report -> outbox -> submit_sm", () => {
  it("opens a report and answers with its ticket, stores a redelivery once, joins a 3-part SMS, answers CEK, ignores receipts", async () => {
    const { app, smsc } = await startWithSmsc();
    const pool = app.running.ctx.pool;
    const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;

    const first = { from: "6281234567890", text: "Lampu jalan mati di Jl. Kebon Sirih, gelap sekali malam ini" };
    expect(await smsc.deliver(first)).toBe(STATUS.ESME_ROK);
    const report = await reportOf(app, "+6281234567890");
    expect(report).toMatchObject({ channel: "sms", state: "triage", description: first.text });
    const received = await waitFor(async () => smsc.submits.find((s) => s.text.includes(report.ticket)));
    expect(received).toMatchObject({ sourceAddr: "1708", destinationAddr: "6281234567890", destAddrTon: 1, registeredDelivery: 1, udh: [] });
    expect(received.text).toMatch(/^Laporan Anda sudah kami terima dengan nomor JKT-\d{6}-\d{4,6}\./);

    // Our answer was lost on the way back: the SMSC delivers the same deliver_sm again. Known, acknowledged, not stored twice.
    expect(await smsc.deliver(first)).toBe(STATUS.ESME_ROK);
    expect(await count(`select count(*)::int as n from smpp_parts where part->>'source_addr' = '6281234567890' and (part->>'esm_class')::int = 0`)).toBe(1);

    // A long SMS in three parts, arriving out of order: one message, one report, the whole text.
    const long = "Saluran air di Jl. Cempaka Putih Raya tersumbat sampah sejak minggu lalu, setiap hujan air meluap ke jalan dan masuk ke rumah warga. " +
      "Mohon petugas Suku Dinas Sumber Daya Air segera mengangkut sampah dan memperbaiki tutup saluran yang rusak di depan sekolah dasar. " +
      "Warga RT 05 RW 02 sudah melapor ke kelurahan tetapi belum ada tindakan sampai hari ini.";
    expect(await smsc.deliverConcatenated({ from: "6285700000001", text: long, ref: 42, parts: 3, order: [2, 3, 1] })).toEqual([0, 0, 0]);
    expect((await reportOf(app, "+6285700000001")).description).toBe(long);
    expect(await count("select count(*)::int as n from inbound_messages where sender_value = '+6285700000001'")).toBe(1);

    // CEK <ticket> from another phone: answered by SMS, no report opened.
    expect(await smsc.deliver({ from: "6285600000002", text: `CEK ${report.ticket}` })).toBe(STATUS.ESME_ROK);
    const status = await waitFor(async () => smsc.submits.find((s) => s.destinationAddr === "6285600000002"));
    expect(status.text.startsWith(`Status laporan ${report.ticket}: Verifikasi.`)).toBe(true);

    // Every answer's delivery receipt came back, was acknowledged and recorded as ignored.
    const accepted = smsc.submits.length;
    expect(accepted).toBeGreaterThan(0); // else the receipt checks below hold vacuously
    await waitFor(async () => smsc.receiptAnswers.length === accepted
      && (await count("select count(*)::int as n from inbound_messages where outcome = 'ignored'")) === accepted);
    expect(smsc.receiptAnswers.every((s) => s === STATUS.ESME_ROK)).toBe(true);
    expect(await count("select count(*)::int as n from reports")).toBe(2);
  });

  it("sends a long answer as concatenated parts, retries an answer lost with the link after rebinding, never acknowledges what it could not store", async () => {
    const { app, smsc, channel } = await startWithSmsc();
    const pool = app.running.ctx.pool;
    expect(await smsc.deliver({ from: "6281298765432", text: "Trotoar rusak di depan Stasiun Juanda" })).toBe(STATUS.ESME_ROK);
    const report = await reportOf(app, "+6281298765432");
    await waitFor(async () => smsc.submits.find((s) => s.text.includes(report.ticket)));
    const answer = (key: string, comment: string) => enqueueOutbox(pool, [{
      reportId: report.id, eventId: null, kind: "citizen_message", channel: "sms", recipient: { citizenId: report.citizen_id },
      template: "status_reply", payload: { ticket: report.ticket, label: "Sedang ditindaklanjuti", comment }, idempotencyKey: key,
    }]);
    const outbox = async (key: string) => (await pool.query<{ status: string; attempts: number; last_error: string | null }>(
      "select status, attempts, last_error from outbox where idempotency_key = $1", [key])).rows[0];

    // A long answer: three GSM parts with one 8-bit reference, numbered 1..3, in order.
    const comment = "Petugas Suku Dinas Bina Marga Jakarta Pusat sudah meninjau lokasi dan menjadwalkan perbaikan trotoar pada pekan depan. ".repeat(3);
    const before = smsc.submits.length;
    await answer("test:long", comment);
    await waitFor(async () => (await outbox("test:long"))?.status === "sent");
    const parts = smsc.submits.slice(before);
    const text = `Status laporan ${report.ticket}: Sedang ditindaklanjuti. ${comment}`;
    expect(parts).toHaveLength(Math.ceil(text.length / 153));
    const ref = parts[0]!.udh[0]![2]!;
    expect(parts.map((p) => [p.esmClass, p.dataCoding, p.udh])).toEqual(parts.map((_, i) => [0x40, 0, [Buffer.from([0x00, 0x03, ref, parts.length, i + 1])]]));
    expect(parts.map((p) => p.text).join("")).toBe(text);

    // The SMSC drops the link while taking an answer and stays away: the outbox keeps it for a retry.
    smsc.script.push("drop_link");
    await answer("test:outage", "Mohon maaf atas keterlambatan.");
    const failed = await waitFor(async () => ((await outbox("test:outage"))?.attempts ?? 0) >= 1 && outbox("test:outage"));
    expect(failed).toMatchObject({ status: "pending", last_error: "smpp: the link to the SMSC dropped before the answer" });
    expect(channel.session.isBound).toBe(false);
    await smsc.up();
    await waitFor(async () => channel.session.isBound);
    app.clock.now = new Date(Date.now() + 60_000); // the retry's backoff has passed
    await waitFor(async () => (await outbox("test:outage"))?.status === "sent");
    expect(smsc.submits.filter((s) => s.text.endsWith("Mohon maaf atas keterlambatan.")).map((s) => s.messageId !== null)).toEqual([false, true]);

    // The database cannot store: the SMSC is not told ESME_ROK and keeps the message; its redelivery is stored.
    const citizen = { from: "6281311112222", text: "Pohon tumbang menutup Jl. Diponegoro" };
    await pool.query("alter table smpp_parts rename to smpp_parts_away");
    try {
      expect(await smsc.deliver(citizen)).toBe(STATUS.ESME_RX_T_APPN);
    } finally {
      await pool.query("alter table smpp_parts_away rename to smpp_parts");
    }
    expect(logs.some((l) => /not stored .*smpp_parts.*answered ESME_RX_T_APPN/.test(l))).toBe(true);
    expect(await smsc.deliver(citizen)).toBe(STATUS.ESME_ROK);
    expect((await reportOf(app, "+6281311112222")).description).toBe(citizen.text);
  });

  it("hands on a concatenated SMS missing a part after the wait, starts over when a sender reuses the reference, assembles parts arriving at once", async () => {
    app = await startTestApp();
    const pool = app.running.ctx.pool;
    const part = (ref: number, n: number, text: string, at: string) => {
      const wire = new smpp.PDU("deliver_sm", {
        sequence_number: n, source_addr_ton: 1, source_addr_npi: 1, source_addr: "6281377778888", destination_addr: "1708", esm_class: 0x40, data_coding: 0,
        short_message: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, 3, n]), encodeGsm7(text)]),
      }).toBuffer();
      return Buffer.from(JSON.stringify(partFromPdu(new smpp.PDU(wire), new Date(at))));
    };
    const store = (body: Buffer, incompleteAfterMs = 3600_000) => storeDeliverSm(pool, body, PART_CONTENT_TYPE, { incompleteAfterMs });
    const payloads = async () => (await pool.query<{ body: Buffer; content_type: string }>("select body, content_type from inbound_payloads where channel = 'smpp' order by id")).rows
      .map((r) => new SmppConnector().parse(r.body, r.content_type)[0]!.text);

    expect(await store(part(7, 1, "Parkir liar", "2026-04-12T01:00:00Z"))).toBe("waiting");
    expect(await store(part(7, 1, "Parkir liar", "2026-04-12T01:00:05Z"))).toBe("duplicate");
    expect(await store(part(7, 3, "setiap sore", "2026-04-12T01:00:06Z"))).toBe("waiting");
    expect(await payloads()).toEqual([]);
    // Part 2 never comes; the next deliver_sm to arrive finds the message waited long enough.
    const other = Buffer.from(JSON.stringify(partFromPdu(new smpp.PDU(new smpp.PDU("deliver_sm", {
      source_addr_ton: 1, source_addr: "6281399990000", destination_addr: "1708", data_coding: 0, short_message: encodeGsm7("Lampu taman mati"),
    }).toBuffer()), new Date("2026-04-12T01:30:00Z"))));
    expect(await store(other, 0)).toBe("stored");
    expect(await payloads()).toEqual(["Lampu taman mati", "Parkir liar [...] setiap sore"]);

    // The same sender's next long SMS wraps around to reference 7 again: a new message, not a redelivery.
    expect(await store(part(7, 1, "Trotoar ", "2026-04-14T01:00:00Z"))).toBe("waiting");
    expect(await store(part(7, 2, "dipakai ", "2026-04-14T01:00:01Z"))).toBe("waiting");
    expect(await store(part(7, 3, "pedagang", "2026-04-14T01:00:02Z"))).toBe("stored");
    expect((await payloads())[2]).toBe("Trotoar dipakai pedagang");

    // Parts arriving at once (several links, several processes) still make exactly one message.
    const outcomes = await Promise.all([1, 2, 3].map((n) => store(part(9, n, `bagian ${n}`, "2026-04-14T02:00:00Z"))));
    expect(outcomes.sort()).toEqual(["stored", "waiting", "waiting"]);
    expect(await payloads()).toHaveLength(4);
    expect((await payloads())[3]).toBe("bagian 1bagian 2bagian 3");
    await expect(storeDeliverSm(pool, Buffer.from("{}"), MESSAGE_CONTENT_TYPE)).rejects.toThrow(/expected application\/vnd\.aspirasi\.smpp-deliver-sm\+json/);
  });

  it("switched on by its settings: the worker binds, the citizen's SMS opens a report and the answer goes out by submit_sm", async () => {
    smsc = await startFakeSmsc(ESME);
    app = await startTestApp({
      worker: true,
      env: { SMPP_HOST: "127.0.0.1", SMPP_PORT: String(smsc.port), SMPP_SYSTEM_ID: ESME.systemId, SMPP_PASSWORD: ESME.password, SMPP_SOURCE_ADDR: "1708" },
    });
    // The worker binds in the background.
    await waitFor(async () => smsc!.isBound());
    expect(await smsc.deliver({ from: "6281299990001", text: "Pohon tumbang di Jl. Diponegoro" })).toBe(STATUS.ESME_ROK);
    const report = await reportOf(app, "+6281299990001");
    await waitFor(async () => smsc!.submits.find((s) => s.destinationAddr === "6281299990001" && s.text.includes(report.ticket)));
  });
});

