import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboundMessage } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { EmailSender, emailMessageId, type EmailSenderOptions } from "./email.sender.ts";
import { closedPort } from "./fake-http.ts";

const USER = "aspirasi";
const PASS = "smtp-secret";
const FROM = "Aspirasi Jakarta <aspirasi@jakarta.example.go.id>";
const CITIZEN_EMAIL = "siti.aminah@example.id";

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | undefined;
  subject: string | undefined;
  to: string;
  text: string;
  inReplyTo: string | undefined;
  references: string | string[] | undefined;
}

/** Scripted SMTP answers for the next RCPT TO / end of DATA (an SMTP status code + text). */
interface SmtpScript {
  rcpt: Array<{ code: number; text: string }>;
  data: Array<{ code: number; text: string }>;
}

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/** A fake SMTP submission server: checks AUTH, records every accepted message. */
let server: SMTPServer;
let port: number;
const received: Received[] = [];
/** messages the server read to the end of DATA, whether it then accepted them or not */
const seenMessageIds: Array<string | undefined> = [];
const script: SmtpScript = { rcpt: [], data: [] };

beforeAll(async () => {
  server = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) return callback(null, { user: USER });
      return callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      const next = script.rcpt.shift();
      if (next) return callback(smtpError(next.code, next.text.replace("%s", address.address)));
      return callback();
    },
    onData(stream, session, callback) {
      void simpleParser(stream).then(
        (mail) => {
          seenMessageIds.push(mail.messageId);
          const next = script.data.shift();
          if (next) return callback(smtpError(next.code, next.text));
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: mail.messageId,
            subject: mail.subject,
            to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? ""),
            text: mail.text ?? "",
            inReplyTo: mail.inReplyTo,
            references: mail.references,
          });
          callback();
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const logs: unknown[][] = [];
beforeEach(() => {
  received.length = 0;
  seenMessageIds.length = 0;
  script.rcpt.length = 0;
  script.data.length = 0;
  logs.length = 0;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const senders: EmailSender[] = [];
afterAll(() => {
  for (const s of senders) s.close();
});
const sender = (opts: Partial<EmailSenderOptions> = {}): EmailSender => {
  const s = new EmailSender({ host: "127.0.0.1", port, user: USER, pass: PASS, from: FROM, timeoutMs: 3_000, ...opts });
  senders.push(s);
  return s;
};

const message = (over: Partial<OutboundMessage> = {}, email: string | null = CITIZEN_EMAIL): OutboundMessage => ({
  channel: "email",
  citizen: { id: "c-1", name: "Siti Aminah", email, phone: "+6281234567890", language: "id" },
  reportTicket: "JKT-260412-0073",
  reportId: null,
  template: "received",
  text: "Laporan Anda sedang diproses oleh Dinas Bina Marga.\nTerima kasih.",
  idempotencyKey: "outbox-77",
  ...over,
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

function expectNoPersonalData(err: DeliveryError): void {
  expect(err.message).not.toMatch(/siti|aminah|6281234567890|Dinas Bina Marga/i);
  expect(logs).toEqual([]);
}

describe("EmailSender", () => {
  it("sends a text e-mail to the citizen with a Message-ID derived from the idempotency key", async () => {
    const result = await sender().send(message());
    const id = emailMessageId("outbox-77");
    expect(id).toMatch(/^<[0-9a-f]{32}@aspirasi>$/);
    expect(id).not.toContain("outbox-77");
    expect(result).toEqual({ externalId: id });
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.envelopeTo).toEqual([CITIZEN_EMAIL]);
    expect(mail.envelopeFrom).toBe("aspirasi@jakarta.example.go.id");
    expect(mail.to).toContain(CITIZEN_EMAIL);
    expect(mail.subject).toBe("Laporan JKT-260412-0073");
    expect(mail.text.trim()).toBe(message().text);
    expect(mail.messageId).toBe(id);
    expect(logs).toEqual([]);
  });

  it("answers in the citizen's thread: Re: <subject> [TICKET], In-Reply-To and References", async () => {
    const s = sender({
      resolveThread: () => ({ subject: "Re: Jalan berlubang di Jl. Raya Bogor", inReplyTo: "<abc@mail.example.id>", references: ["<abc@mail.example.id>"] }),
    });
    await s.send(message());
    const mail = received[0]!;
    expect(mail.subject).toBe("Re: Jalan berlubang di Jl. Raya Bogor [JKT-260412-0073]");
    expect(mail.inReplyTo).toBe("<abc@mail.example.id>");
    expect(mail.references).toBe("<abc@mail.example.id>");
  });

  it("English subject, and a neutral one without a ticket", async () => {
    const s = sender();
    await s.send(message({ citizen: { ...message().citizen, language: "en" } }));
    await s.send(message({ reportTicket: null, idempotencyKey: "outbox-78" }));
    expect(received.map((m) => m.subject)).toEqual(["Report JKT-260412-0073", "Pesan dari Aspirasi"]);
  });

  it("refuses a citizen without (or with a broken) e-mail address as malformed, without connecting", async () => {
    expect((await failure(sender().send(message({}, null)))).kind).toBe("malformed");
    expect((await failure(sender().send(message({}, "not-an-address")))).kind).toBe("malformed");
    expect(seenMessageIds).toHaveLength(0);
  });

  it("451 at the end of DATA is temporary; the retry has the same Message-ID", async () => {
    script.data.push({ code: 451, text: "4.3.0 Temporary local problem, try again later" });
    const s = sender();
    const err = await failure(s.send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toContain("451");
    const result = await s.send(message());
    expect(seenMessageIds).toHaveLength(2);
    expect(seenMessageIds[0]).toBe(emailMessageId("outbox-77"));
    expect(seenMessageIds[1]).toBe(seenMessageIds[0]);
    expect(result.externalId).toBe(seenMessageIds[0]);
    expectNoPersonalData(err);
  });

  it("451 on RCPT TO (greylisting) is temporary", async () => {
    script.rcpt.push({ code: 451, text: "4.7.1 <%s>: greylisted, try again later" });
    const err = await failure(sender().send(message()));
    expect(err.kind).toBe("temporary");
    expectNoPersonalData(err);
  });

  it("550 on RCPT TO is malformed, and the refused address is not kept in the error", async () => {
    script.rcpt.push({ code: 550, text: "5.1.1 <%s>: Recipient address rejected: User unknown" });
    const err = await failure(sender().send(message()));
    expect(err.kind).toBe("malformed");
    expect(err.message).toContain("550");
    expectNoPersonalData(err);
  });

  it("554 at the end of DATA is malformed", async () => {
    script.data.push({ code: 554, text: "5.6.0 Message content rejected" });
    expect((await failure(sender().send(message()))).kind).toBe("malformed");
  });

  it("refused credentials are auth_revoked", async () => {
    const err = await failure(sender({ pass: "wrong-password" }).send(message()));
    expect(err.kind).toBe("auth_revoked");
    expect(err.message).toContain("EAUTH");
    expect(err.message).not.toContain("wrong-password");
    expect(seenMessageIds).toHaveLength(0);
  });

  it("a refused connection is temporary", async () => {
    const err = await failure(sender({ port: await closedPort() }).send(message()));
    expect(err.kind).toBe("temporary");
    expect(err.message).toContain("ECONNREFUSED 127.0.0.1");
  });

  describe("a server that never greets", () => {
    let silent: TcpServer;
    let silentPort: number;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createTcpServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      silentPort = (silent.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it("times out as temporary", async () => {
      const started = Date.now();
      const err = await failure(sender({ port: silentPort, timeoutMs: 300 }).send(message()));
      expect(err.kind).toBe("temporary");
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  });
});
