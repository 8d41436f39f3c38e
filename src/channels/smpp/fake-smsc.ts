/**
 * Test-only: a local SMSC on 127.0.0.1 (port 0) built on the `smpp` package's server, speaking
 * SMPP 3.4 to our ESME. It accepts bind_transceiver with the configured system_id and password
 * (else ESME_RINVSYSID / ESME_RINVPASWD), answers enquire_link (unless told to hang) and unbind, records every
 * submit_sm (decoded by the package itself, independently of our codec) and answers it with a
 * message id, or as the test scripted: another status, no answer at all, or dropping the link and
 * going down until up(). For each accepted submit_sm asking for one it sends a delivery receipt,
 * and it pushes deliver_sm (single or concatenated) to the bound ESME, reporting its answer.
 */
import type { AddressInfo } from "node:net";
import { STATUS, smpp } from "./smpp-wire.ts";

export interface RecordedSubmit {
  sourceAddr: string;
  sourceAddrTon: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** the user data header's information elements (IEI, length, data each) */
  udh: Buffer[];
  /** the text as the `smpp` package decodes it */
  text: string;
  /** the id answered, null when the submit was refused or not answered */
  messageId: string | null;
}

/** How the next submit_sm is answered instead of accepting it. */
export type SubmitReply = { status: number } | "no_answer" | "drop_link";

export interface DeliverSpec {
  /** the citizen's number as the SMSC writes it (international, TON 1: "6281234567890") */
  from: string;
  text?: string;
  /** exact user data octets instead of text */
  shortMessage?: Buffer;
  /** 0 (GSM 03.38, the default) or 8 (UCS-2) for text */
  dataCoding?: number;
  esmClass?: number;
}

export interface FakeSmsc {
  port: number;
  binds: Array<{ systemId: string; status: number }>;
  submits: RecordedSubmit[];
  /** replies used, in order, before accepting submits normally */
  script: SubmitReply[];
  /** the ESME's answers to the delivery receipts sent (null: none within 5 s) */
  receiptAnswers: Array<number | null>;
  unbinds: number;
  /** enquire_link received */
  enquireLinks: number;
  /** false: enquire_link is no longer answered (a link that hangs) */
  answerEnquireLink: boolean;
  isBound(): boolean;
  /** pushes one deliver_sm; resolves with the ESME's command_status, or null when it did not answer in time */
  deliver(spec: DeliverSpec, timeoutMs?: number): Promise<number | null>;
  /** a GSM text as `parts` concatenated deliver_sm (UDH, 8-bit reference), sent in `order` (part numbers) */
  deliverConcatenated(spec: DeliverSpec & { text: string; ref: number; parts: number; order?: number[] }, timeoutMs?: number): Promise<Array<number | null>>;
  /** drops every link and stops listening */
  down(): Promise<void>;
  /** listens again on the same port */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The number citizens write to. */
const SHORT_CODE = "1708";

export async function startFakeSmsc(opts: { systemId: string; password: string }): Promise<FakeSmsc> {
  const bound = new Set<smpp.Session>();
  let nextId = 0x5a000000;
  const fake: FakeSmsc = {
    port: 0,
    binds: [],
    submits: [],
    script: [],
    receiptAnswers: [],
    unbinds: 0,
    enquireLinks: 0,
    answerEnquireLink: true,
    isBound: () => bound.size > 0,
    deliver: (spec, timeoutMs = 5000) => {
      const session = [...bound][0];
      if (!session) return Promise.reject(new Error("fake smsc: no ESME is bound"));
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        session.deliver_sm({
          source_addr_ton: 1,
          source_addr_npi: 1,
          source_addr: spec.from,
          dest_addr_ton: 0,
          dest_addr_npi: 0,
          destination_addr: SHORT_CODE,
          esm_class: spec.esmClass ?? 0,
          data_coding: spec.dataCoding ?? 0,
          short_message: spec.shortMessage ?? encode(spec.text ?? "", spec.dataCoding ?? 0),
        }, (resp) => {
          clearTimeout(timer);
          resolve(resp.command_status);
        });
      });
    },
    deliverConcatenated: async (spec, timeoutMs) => {
      const chars = [...spec.text];
      const size = Math.ceil(chars.length / spec.parts);
      const answers: Array<number | null> = [];
      for (const n of spec.order ?? Array.from({ length: spec.parts }, (_, i) => i + 1)) {
        const udh = Buffer.from([0x05, 0x00, 0x03, spec.ref, spec.parts, n]);
        const body = encode(chars.slice((n - 1) * size, n * size).join(""), spec.dataCoding ?? 0);
        answers.push(await fake.deliver({ ...spec, esmClass: 0x40, shortMessage: Buffer.concat([udh, body]) }, timeoutMs));
      }
      return answers;
    },
    down: async () => {
      for (const session of [...server.sessions]) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () => new Promise<void>((resolve) => server.listen(fake.port, "127.0.0.1", resolve)),
    close: async () => {
      if (server.listening) await fake.down();
    },
  };

  const server = smpp.createServer((session) => {
    session.on("error", () => undefined);
    session.on("close", () => bound.delete(session));
    session.on("bind_transceiver", (pdu: smpp.PDU) => {
      const status = pdu.system_id !== opts.systemId ? STATUS.ESME_RINVSYSID : pdu.password !== opts.password ? STATUS.ESME_RINVPASWD : STATUS.ESME_ROK;
      fake.binds.push({ systemId: String(pdu.system_id), status });
      if (status === STATUS.ESME_ROK) bound.add(session);
      session.send(pdu.response(status === STATUS.ESME_ROK ? { system_id: "FAKESMSC" } : { command_status: status }));
    });
    for (const refused of ["bind_transmitter", "bind_receiver"]) session.on(refused, (pdu: smpp.PDU) => session.send(pdu.response({ command_status: STATUS.ESME_RBINDFAIL })));
    session.on("enquire_link", (pdu: smpp.PDU) => {
      fake.enquireLinks++;
      if (fake.answerEnquireLink) session.send(pdu.response());
    });
    session.on("unbind", (pdu: smpp.PDU) => {
      fake.unbinds++;
      bound.delete(session);
      session.send(pdu.response(), () => session.close());
    });
    session.on("submit_sm", (pdu: smpp.PDU) => {
      if (!bound.has(session)) return void session.send(pdu.response({ command_status: STATUS.ESME_RINVBNDSTS }));
      const reply = fake.script.shift();
      const record = recordSubmit(pdu);
      fake.submits.push(record);
      if (reply === "no_answer") return;
      if (reply === "drop_link") return void fake.down();
      if (reply) return void session.send(pdu.response({ command_status: reply.status }));
      record.messageId = (nextId++).toString(16);
      session.send(pdu.response({ message_id: record.messageId }));
      if (record.registeredDelivery & 1) setImmediate(() => void receipt(session, record));
    });
  });

  async function receipt(session: smpp.Session, submit: RecordedSubmit): Promise<void> {
    const date = "2604121030";
    const text = `id:${submit.messageId} sub:001 dlvrd:001 submit date:${date} done date:${date} stat:DELIVRD err:000 text:${submit.text.slice(0, 20)}`;
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 5000);
      const sent = session.deliver_sm({
        source_addr_ton: submit.destAddrTon,
        source_addr_npi: submit.destAddrNpi,
        source_addr: submit.destinationAddr,
        destination_addr: submit.sourceAddr,
        esm_class: 0x04,
        data_coding: 0,
        short_message: encode(text, 0),
        receipted_message_id: submit.messageId,
        message_state: 2,
      }, (resp) => {
        clearTimeout(timer);
        resolve(resp.command_status);
      });
      if (!sent) {
        clearTimeout(timer);
        resolve(null);
      }
    });
    fake.receiptAnswers.push(status);
  }

  await fake.up();
  fake.port = (server.address() as AddressInfo).port;
  return fake;
}

function encode(text: string, dataCoding: number): Buffer {
  return dataCoding === 8 ? smpp.encodings.UCS2.encode(text) : smpp.encodings.ASCII.encode(text);
}

function recordSubmit(pdu: smpp.PDU): RecordedSubmit {
  const sm = pdu.short_message as { udh?: Buffer[]; message?: string | Buffer } | undefined;
  return {
    sourceAddr: String(pdu.source_addr),
    sourceAddrTon: Number(pdu.source_addr_ton),
    destinationAddr: String(pdu.destination_addr),
    destAddrTon: Number(pdu.dest_addr_ton),
    destAddrNpi: Number(pdu.dest_addr_npi),
    esmClass: Number(pdu.esm_class),
    dataCoding: Number(pdu.data_coding),
    registeredDelivery: Number(pdu.registered_delivery),
    udh: sm?.udh ?? [],
    text: typeof sm?.message === "string" ? sm.message : "",
    messageId: null,
  };
}
