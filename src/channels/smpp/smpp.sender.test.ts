import { afterEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { readPart } from "./deliver-payload.ts";
import { startFakeSmsc, type FakeSmsc } from "./fake-smsc.ts";
import { SmppSession } from "./smpp-session.ts";
import { SmppSender } from "./smpp.sender.ts";
import { STATUS } from "./smpp-wire.ts";

const CREDENTIALS = { systemId: "aspirasi", password: "rahasia1" };
let smsc: FakeSmsc | undefined;
let session: SmppSession | undefined;
const stored: Buffer[] = [];

afterEach(async () => {
  await session?.stop();
  await smsc?.close();
  session = smsc = undefined;
  stored.length = 0;
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function bound(opts: { password?: string; timeoutMs?: number } = {}): Promise<SmppSender> {
  smsc = await startFakeSmsc(CREDENTIALS);
  session = new SmppSession({
    host: "127.0.0.1", port: smsc.port, ...CREDENTIALS, password: opts.password ?? CREDENTIALS.password,
    store: async (body) => void stored.push(body), reconnectMinMs: 20, reconnectMaxMs: 50, log: () => undefined,
  });
  session.start();
  if (opts.password) await until(() => smsc!.binds.length > 0);
  else await until(() => session!.isBound);
  return new SmppSender({ session, sourceAddr: "1708", timeoutMs: opts.timeoutMs });
}

function message(text: string, phone: string | null = "+6281234567890", idempotencyKey = "r1:1:0:received"): OutboundMessage {
  return {
    channel: "sms",
    citizen: { id: "c1", name: null, email: null, phone, language: "id" },
    reportTicket: "JKT-260412-0073",
    reportId: "r1",
    template: "received",
    text,
    idempotencyKey,
  };
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe("SMPP sender", () => {
  it("submits a short answer as one SMS to the international number, asking for a receipt", async () => {
    const sender = await bound();
    const result = await sender.send(message("Laporan Anda sudah kami terima dengan nomor JKT-260412-0073."));
    expect(smsc!.submits).toEqual([expect.objectContaining({
      sourceAddr: "1708", sourceAddrTon: 0, destinationAddr: "6281234567890", destAddrTon: 1, destAddrNpi: 1,
      esmClass: 0, dataCoding: 0, registeredDelivery: 1, udh: [], text: "Laporan Anda sudah kami terima dengan nomor JKT-260412-0073.",
    })]);
    expect(result).toEqual({ externalId: smsc!.submits[0]!.messageId });
    // The SMSC's delivery receipt comes back as a deliver_sm, stored and acknowledged like any other.
    await until(() => smsc!.receiptAnswers.length === 1);
    expect(smsc!.receiptAnswers).toEqual([STATUS.ESME_ROK]);
    expect(readPart(stored[0]!)).toMatchObject({ esm_class: 0x04, receipted_message_id: result.externalId, source_addr: "6281234567890" });
  });

  it("sends a long UCS-2 answer as concatenated parts under one reference, the same again on a retry", async () => {
    const sender = await bound();
    const text = `Status laporan JKT-260412-0073: Sedang dikerjakan 🚧. ${"Petugas Suku Dinas Bina Marga sudah meninjau lokasi. ".repeat(3)}`;
    const result = await sender.send(message(text));
    const parts = [...smsc!.submits];
    expect(parts).toHaveLength(Math.ceil(text.length / 67));
    expect(parts.every((p) => p.dataCoding === 8 && p.esmClass === 0x40)).toBe(true);
    const headers = parts.map((p) => p.udh[0]!);
    const ref = headers[0]![2];
    expect(headers).toEqual(parts.map((_, i) => Buffer.from([0x00, 0x03, ref!, parts.length, i + 1])));
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(result.externalId).toBe(parts[0]!.messageId);

    await sender.send(message(text));
    expect(smsc!.submits.slice(parts.length).map((p) => p.udh[0]![2])).toEqual(parts.map(() => ref));
  });

  it("classifies the SMSC's refusals for the outbox", async () => {
    const sender = await bound({ timeoutMs: 200 });
    smsc!.script.push({ status: STATUS.ESME_RTHROTTLED }, { status: STATUS.ESME_RMSGQFUL }, { status: STATUS.ESME_RINVDSTADR }, { status: STATUS.ESME_RSYSERR }, "no_answer");
    expect(await failure(sender.send(message("a")))).toMatchObject({ kind: "rate_limited", message: "smpp: submit_sm refused: ESME_RTHROTTLED (0x58)" });
    expect((await failure(sender.send(message("b")))).kind).toBe("rate_limited");
    expect(await failure(sender.send(message("c")))).toMatchObject({ kind: "malformed", message: "smpp: submit_sm refused: ESME_RINVDSTADR (0x0b)" });
    expect((await failure(sender.send(message("d")))).kind).toBe("temporary");
    expect(await failure(sender.send(message("e")))).toMatchObject({ kind: "temporary", message: "smpp: no submit_sm_resp within 200 ms" });
  });

  it("is temporary while the link is down and when it drops before the answer", async () => {
    const sender = await bound();
    smsc!.script.push("drop_link");
    expect(await failure(sender.send(message("x")))).toMatchObject({ kind: "temporary", message: "smpp: the link to the SMSC dropped before the answer" });
    expect(await failure(sender.send(message("y")))).toMatchObject({ kind: "temporary", message: "smpp: not bound to the SMSC" });
  });

  it("reports a refused bind as auth_revoked, and a citizen without a phone as malformed", async () => {
    const sender = await bound({ password: "salah" });
    expect(await failure(sender.send(message("x")))).toMatchObject({ kind: "auth_revoked", message: "smpp: the SMSC refused the bind: ESME_RINVPASWD (0x0e)" });
    expect((await failure(sender.send(message("x", null)))).kind).toBe("malformed");
    expect((await failure(sender.send(message("x", "1708")))).kind).toBe("malformed");
    expect(smsc!.submits).toEqual([]);
  });
});
