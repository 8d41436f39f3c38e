import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PART_CONTENT_TYPE, readPart } from "./deliver-payload.ts";
import { startFakeSmsc, type FakeSmsc } from "./fake-smsc.ts";
import { SmppError, SmppSession, type SmppSessionOptions } from "./smpp-session.ts";
import { STATUS } from "./smpp-wire.ts";
import { encodeUcs2 } from "./sms-text.ts";

const CREDENTIALS = { systemId: "aspirasi", password: "rahasia1" };
let smsc: FakeSmsc | undefined;
let session: SmppSession | undefined;
const logs: string[] = [];

afterEach(async () => {
  await session?.stop();
  await smsc?.close();
  session = smsc = undefined;
  logs.length = 0;
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function connect(store: SmppSessionOptions["store"], overrides: Partial<SmppSessionOptions> = {}): Promise<SmppSession> {
  smsc = await startFakeSmsc(CREDENTIALS);
  session = new SmppSession({ host: "127.0.0.1", port: smsc.port, ...CREDENTIALS, store, reconnectMinMs: 20, reconnectMaxMs: 100, log: (l) => logs.push(l), ...overrides });
  session.start();
  return session;
}

describe("SMPP session", () => {
  it("binds as a transceiver and answers deliver_sm only once the store has resolved", async () => {
    const stored: Array<{ body: Buffer; contentType: string }> = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const s = await connect(async (body, contentType) => {
      await gate;
      stored.push({ body, contentType });
    });
    await until(() => s.isBound);
    expect(smsc!.binds).toEqual([{ systemId: "aspirasi", status: STATUS.ESME_ROK }]);

    const answer = smsc!.deliver({ from: "6281234567890", text: "Jalan berlubang", dataCoding: 0 });
    const early = await Promise.race([answer, new Promise((r) => setTimeout(() => r("no answer yet"), 200))]);
    expect(early).toBe("no answer yet");
    release();
    expect(await answer).toBe(STATUS.ESME_ROK);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.contentType).toBe(PART_CONTENT_TYPE);
    const part = readPart(stored[0]!.body);
    expect(part).toMatchObject({ source_addr: "6281234567890", source_addr_ton: 1, destination_addr: "1708", data_coding: 0, esm_class: 0, message_payload: null });
    expect(Buffer.from(part.short_message, "base64").toString("latin1")).toBe("Jalan berlubang");
    expect(Date.now() - Date.parse(part.received_at)).toBeLessThan(5000);
  });

  it("keeps the raw octets of a UCS-2 deliver_sm", async () => {
    const bodies: Buffer[] = [];
    const s = await connect(async (body) => void bodies.push(body));
    await until(() => s.isBound);
    expect(await smsc!.deliver({ from: "6281234567890", text: "Banjir 🙏", dataCoding: 8 })).toBe(STATUS.ESME_ROK);
    expect(Buffer.from(readPart(bodies[0]!).short_message, "base64")).toEqual(encodeUcs2("Banjir 🙏"));
  });

  it("answers ESME_RX_T_APPN, never ESME_ROK, when the store fails, so the SMSC delivers again", async () => {
    let failing = true;
    const s = await connect(async () => {
      if (failing) throw new Error("database unavailable");
    });
    await until(() => s.isBound);
    expect(await smsc!.deliver({ from: "6281234567890", text: "Sampah menumpuk" })).toBe(STATUS.ESME_RX_T_APPN);
    expect(logs.join("\n")).toMatch(/not stored \(database unavailable\); answered ESME_RX_T_APPN \(0x64\)/);
    failing = false;
    expect(await smsc!.deliver({ from: "6281234567890", text: "Sampah menumpuk" })).toBe(STATUS.ESME_ROK);
  });

  it("binds again after the SMSC drops the link and comes back", async () => {
    const s = await connect(async () => undefined);
    await until(() => s.isBound);
    await smsc!.down();
    await until(() => !s.isBound);
    await expect(s.submit({ destination_addr: "6281234567890", short_message: Buffer.from("x") }, 1000)).rejects.toMatchObject({ status: null, message: "smpp: not bound to the SMSC" });
    await new Promise((r) => setTimeout(r, 150)); // a few refused connection attempts
    await smsc!.up();
    await until(() => s.isBound);
    expect(smsc!.binds.map((b) => b.status)).toEqual([STATUS.ESME_ROK, STATUS.ESME_ROK]);
  });

  it("keeps trying with backoff when the password is refused, and says why it is not bound", async () => {
    const s = await connect(async () => undefined, { password: "salah" });
    await until(() => smsc!.binds.length >= 3);
    expect(s.isBound).toBe(false);
    expect(smsc!.binds.every((b) => b.status === STATUS.ESME_RINVPASWD)).toBe(true);
    const err = await s.submit({}, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppError);
    expect(err).toMatchObject({ status: null, bindStatus: STATUS.ESME_RINVPASWD, message: "smpp: the SMSC refused the bind: ESME_RINVPASWD (0x0e)" });
  });

  it("keeps the link alive with enquire_link and drops it when the SMSC stops answering", async () => {
    const s = await connect(async () => undefined, { enquireLinkMs: 30, responseTimeoutMs: 100 });
    await until(() => s.isBound);
    await until(() => smsc!.enquireLinks >= 3);
    expect(s.isBound).toBe(true);
    smsc!.answerEnquireLink = false;
    await until(() => !s.isBound);
    expect(logs).toContain("[smpp] no enquire_link_resp within 100 ms; dropping the link");
    smsc!.answerEnquireLink = true;
    await until(() => s.isBound);
    expect(smsc!.binds).toHaveLength(2);
  });

  it("unbinds on stop and does not come back", async () => {
    const s = await connect(async () => undefined);
    await until(() => s.isBound);
    await s.stop();
    expect(smsc!.unbinds).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(smsc!.binds).toHaveLength(1);
    expect(smsc!.isBound()).toBe(false);
  });

  it("drops a link whose SMSC does not answer the bind, and tries again", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    session = new SmppSession({
      host: "127.0.0.1", port: (silent.address() as AddressInfo).port, ...CREDENTIALS, store: async () => undefined,
      responseTimeoutMs: 50, reconnectMinMs: 10, reconnectMaxMs: 20, log: (l) => logs.push(l),
    });
    session.start();
    try {
      await until(() => sockets.length >= 2);
      expect(logs).toContain("[smpp] no bind_transceiver_resp within 50 ms; dropping the link");
    } finally {
      await session.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
