/**
 * E-mail by IMAP polling, end to end: a real Dovecot (test/dovecot.ts) holds the mailbox, the
 * product runs on the real PostgreSQL with its worker, and the poller stores what it fetches as
 * the SMTP listener does. Messages are put in the mailbox with IMAP APPEND. Faults are real: a TCP
 * proxy between the poller and Dovecot refuses connections, or cuts the connection at the moment
 * the poller flags \Seen (after the store committed: the crash window).
 */
import net from "node:net";
import { ImapFlow } from "imapflow";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { EmailConnector } from "../src/channels/email/email.connector.ts";
import { createImapPoller, startImapPoller, type ImapCursor, type ImapPoller, type ImapPollerOptions } from "../src/channels/email/imap-poller.ts";
import { readCursor } from "../src/store/cursors.store.ts";
import { startDovecot, type Dovecot } from "./dovecot.ts";
import { startTestApp, testJpeg, type TestApp, waitFor } from "./harness.ts";

const OURS = "pengaduan@jakarta.go.id";
const USERS = ["journey", "crash", "schedule", "settings"].map((user) => ({ user, password: `${user}-rahasia-1` }));

let dovecot: Dovecot;
let app: TestApp | undefined;
let pollers: ImapPoller[] = [];
let proxy: CuttingProxy | undefined;

beforeAll(async () => {
  dovecot = await startDovecot(USERS);
});
afterAll(async () => {
  await dovecot?.stop();
});
afterEach(async () => {
  for (const p of pollers) await p.stop();
  pollers = [];
  await proxy?.close();
  proxy = undefined;
  await app?.close();
  app = undefined;
  vi.restoreAllMocks();
});

function optionsFor(user: string, over: Partial<ImapPollerOptions> = {}): ImapPollerOptions {
  const u = USERS.find((x) => x.user === user)!;
  return { host: dovecot.host, port: dovecot.port, secure: false, user: u.user, password: u.password, mailbox: "INBOX", processedMailbox: null, pollSeconds: 30, ...over };
}

function track(p: ImapPoller): ImapPoller {
  pollers.push(p);
  return p;
}

async function startApp(): Promise<TestApp> {
  app = await startTestApp({ worker: true, connectors: new Map([["email", new EmailConnector({ ourAddresses: [OURS] })]]) });
  return app;
}

/** The test's own IMAP session as the mailbox owner (what a mail server's delivery would do). */
async function withMailbox<T>(user: string, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const u = USERS.find((x) => x.user === user)!;
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: u.user, pass: u.password }, logger: false, disableAutoIdle: true });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

async function append(user: string, ...messages: string[]): Promise<void> {
  await withMailbox(user, async (c) => {
    for (const m of messages) expect(await c.append("INBOX", m)).toBeTruthy();
  });
}

/** UID -> flags of every message in a mailbox. */
async function flags(user: string, mailbox = "INBOX"): Promise<Array<{ uid: number; seen: boolean }>> {
  return withMailbox(user, async (c) => {
    const box = await c.mailboxOpen(mailbox);
    if (box.exists === 0) return [];
    const all = await c.fetchAll("1:*", { uid: true, flags: true });
    return all.map((m) => ({ uid: m.uid, seen: m.flags?.has("\\Seen") ?? false })).sort((a, b) => a.uid - b.uid);
  });
}

/** A raw RFC 822 message with CRLF line ends. */
const eml = (...lines: string[]): string => lines.join("\r\n") + "\r\n";

function complaint(id: string, subject: string, body: string, extra: string[] = []): string {
  return eml(`From: Warga ${id} <warga.${id}@example.com>`, `To: ${OURS}`, `Subject: ${subject}`, `Message-ID: <${id}@example.com>`,
    "Date: Fri, 27 Nov 2026 08:00:00 +0700", "MIME-Version: 1.0", 'Content-Type: text/plain; charset="UTF-8"', ...extra, "", body);
}

function withPhoto(id: string, jpeg: Buffer): string {
  const base64 = jpeg.toString("base64").replace(/.{76}/g, "$&\r\n");
  return eml(`From: Budi <budi@example.com>`, `To: ${OURS}`, "Subject: Trotoar rusak di Jl. Kemang Raya", `Message-ID: <${id}@example.com>`,
    "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
    "--b1", 'Content-Type: text/plain; charset="UTF-8"', "", "Trotoar ambles depan no. 12, foto terlampir.",
    "--b1", 'Content-Type: image/jpeg; name="trotoar.jpg"', 'Content-Disposition: attachment; filename="trotoar.jpg"', "Content-Transfer-Encoding: base64", "", base64,
    "--b1--");
}

function bounce(id: string): string {
  return eml("From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>", `To: ${OURS}`, "Subject: Undelivered Mail Returned to Sender",
    `Message-ID: <${id}@mx.example.com>`, "MIME-Version: 1.0", 'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"', "",
    "--r1", "Content-Type: text/plain", "", "Your message could not be delivered.",
    "--r1", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.example.com", "", "Final-Recipient: rfc822; nobody@example.com", "Action: failed", "Status: 5.1.1",
    "--r1--");
}

async function outcomes(app: TestApp): Promise<Record<string, string>> {
  const { rows } = await app.running.ctx.pool.query<{ external_id: string; outcome: string }>("select external_id, outcome from inbound_messages order by id");
  return Object.fromEntries(rows.map((r) => [r.external_id, r.outcome]));
}

async function count(app: TestApp, table: "reports" | "inbound_payloads"): Promise<number> {
  return (await app.running.ctx.pool.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
}

async function ticketOf(app: TestApp, externalId: string): Promise<string> {
  const { rows } = await app.running.ctx.pool.query<{ ticket: string }>(
    "select r.ticket from inbound_messages m join reports r on r.id = m.report_id where m.external_id = $1", [externalId]);
  return rows[0]!.ticket;
}

describe("e-mail by IMAP polling (real Dovecot)", () => {
  it("complaints open reports, a reply threads on, machine mail opens nothing, messages are flagged \\Seen; polling again, restarting and a new UIDVALIDITY store nothing twice", async () => {
    const app = await startApp();
    const pool = app.running.ctx.pool;
    const jpeg = await testJpeg();
    await append("journey",
      complaint("got-1", "Got mampet di RT 05 Menteng", "Got di depan rumah mampet, air meluap kalau hujan."),
      withPhoto("photo-2", jpeg),
      complaint("auto-3", "Balasan otomatis: Got mampet", "Saya sedang cuti sampai 5 Desember.", ["Auto-Submitted: auto-replied"]),
      bounce("bounce-4"),
    );

    const poller = track(createImapPoller(app.running.ctx, optionsFor("journey")));
    expect(await poller.pollOnce()).toEqual({ fetched: 4, stored: 4, skipped: 0 });
    expect(await waitFor(async () => {
      const o = await outcomes(app);
      return Object.keys(o).length === 4 ? o : null;
    })).toEqual({
      "got-1@example.com": "report_created",
      "photo-2@example.com": "report_created",
      "auto-3@example.com": "ignored",
      "bounce-4@mx.example.com": "ignored",
    });
    expect(await count(app, "reports")).toBe(2);
    expect(await flags("journey")).toEqual([1, 2, 3, 4].map((uid) => ({ uid, seen: true })));

    // Stored as the SMTP listener stores: raw RFC 822 bytes, parsed by the same connector, photo intact.
    const stored = await pool.query<{ body: Buffer; content_type: string }>(
      "select p.body, p.content_type from inbound_payloads p join inbound_messages m on m.payload_id = p.id where m.external_id = 'photo-2@example.com'");
    expect(stored.rows[0]!.content_type).toBe("message/rfc822");
    const [parsed] = await new EmailConnector({ ourAddresses: [OURS] }).parse(stored.rows[0]!.body);
    expect(parsed!.attachments.map((a) => [a.contentType, a.filename])).toEqual([["image/jpeg", "trotoar.jpg"]]);
    expect(parsed!.attachments[0]!.data!.equals(jpeg)).toBe(true);

    // A reply to the first complaint (In-Reply-To and the ticket in the subject) continues its report.
    const ticket = await ticketOf(app, "got-1@example.com");
    await append("journey", complaint("reply-5", `Re: Got mampet di RT 05 Menteng [${ticket}]`, "Sudah seminggu belum ada yang datang.",
      ["In-Reply-To: <got-1@example.com>", "References: <got-1@example.com>"]));
    expect(await poller.pollOnce()).toEqual({ fetched: 1, stored: 1, skipped: 0 });
    await waitFor(async () => (await outcomes(app))["reply-5@example.com"] === "thread_appended");
    const view = (await app.get(`/api/v1/reports/${ticket}`, await app.admin())).json() as { timeline: Array<{ type: string; data: Record<string, unknown> }> };
    expect(view.timeline.filter((e) => e.type === "message_in").map((e) => e.data)).toEqual([
      expect.objectContaining({ channel: "email", externalId: "reply-5@example.com", text: "Sudah seminggu belum ada yang datang." }),
    ]);
    expect(await count(app, "reports")).toBe(2);

    // Nothing new: nothing fetched. A restarted poller (new instance, same database) neither.
    expect(await poller.pollOnce()).toEqual({ fetched: 0, stored: 0, skipped: 0 });
    await poller.stop();
    const restarted = track(createImapPoller(app.running.ctx, optionsFor("journey")));
    expect(await restarted.pollOnce()).toEqual({ fetched: 0, stored: 0, skipped: 0 });
    expect(await count(app, "inbound_payloads")).toBe(5);

    // The server renumbers the mailbox (new UIDVALIDITY): everything is read again, nothing stored twice.
    await withMailbox("journey", async (c) => {
      await c.mailboxOpen("INBOX");
      expect(await c.messageFlagsRemove("1:*", ["\\Seen"])).toBe(true);
    });
    const cursorName = "imap:journey@127.0.0.1/INBOX";
    const before = (await readCursor<ImapCursor>(pool, cursorName))!;
    const uidValidity = String(Number(before.uidValidity) + 1000);
    await dovecot.doveadm(["mailbox", "update", "-u", "journey", "--uid-validity", uidValidity, "INBOX"]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(await restarted.pollOnce()).toEqual({ fetched: 5, stored: 0, skipped: 0 });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("UIDVALIDITY changed"));
    expect(await readCursor<ImapCursor>(pool, cursorName)).toEqual({ uidValidity, lastUid: 5, unflagged: [] });
    expect(await flags("journey")).toEqual([1, 2, 3, 4, 5].map((uid) => ({ uid, seen: true })));
    expect(await count(app, "inbound_payloads")).toBe(5);
    expect(await count(app, "reports")).toBe(2);
  });

  it("a crash after the store committed and before the flag: the next poll flags, and never makes a second report", async () => {
    const app = await startApp();
    const pool = app.running.ctx.pool;
    await append("crash", complaint("lampu-1", "Lampu jalan mati di Jl. Tebet Raya", "Sudah tiga malam gelap total."));
    proxy = await cuttingProxy(dovecot.port);
    proxy.cutOn = /UID STORE/;

    // the cut connection may be reported by the client's error event: keep the output quiet
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const first = track(createImapPoller(app.running.ctx, optionsFor("crash", { port: proxy.port })));
    await expect(first.pollOnce()).rejects.toThrow();
    expect(proxy.cuts).toBe(1);
    // Stored with its cursor in one transaction; the UID is remembered as not yet flagged.
    expect(await count(app, "inbound_payloads")).toBe(1);
    expect(await readCursor<ImapCursor>(pool, "imap:crash@127.0.0.1/INBOX")).toMatchObject({ lastUid: 1, unflagged: [1] });
    expect(await flags("crash")).toEqual([{ uid: 1, seen: false }]);
    await waitFor(async () => (await outcomes(app))["lampu-1@example.com"] === "report_created");

    // The process restarts: the new poller flags what was left and fetches nothing again.
    const restarted = track(createImapPoller(app.running.ctx, optionsFor("crash")));
    expect(await restarted.pollOnce()).toEqual({ fetched: 0, stored: 0, skipped: 0 });
    expect(await flags("crash")).toEqual([{ uid: 1, seen: true }]);
    expect(await readCursor<ImapCursor>(pool, "imap:crash@127.0.0.1/INBOX")).toMatchObject({ lastUid: 1, unflagged: [] });

    // Even with the cursor lost the same bytes are not stored again.
    await pool.query("delete from channel_cursors");
    expect(await restarted.pollOnce()).toEqual({ fetched: 1, stored: 0, skipped: 0 });
    expect(await count(app, "inbound_payloads")).toBe(1);
    expect(await count(app, "reports")).toBe(1);
  });

  it("on a schedule: a refused login fails the poll; connection failures are logged and retried, batches are stored and moved to the processed mailbox", async () => {
    const app = await startApp();
    await append("schedule",
      complaint("pohon-1", "Pohon tumbang di Jl. Cikini", "Menutup separuh jalan."),
      complaint("sampah-2", "Sampah menumpuk di pasar", "Sudah seminggu tidak diangkut."),
      complaint("banjir-3", "Banjir di Kampung Melayu", "Air setinggi lutut."),
    );
    // A refused login is an error of the poll, never a hang.
    await expect(createImapPoller(app.running.ctx, optionsFor("schedule", { password: "salah" })).pollOnce()).rejects.toMatchObject({ authenticationFailed: true });

    proxy = await cuttingProxy(dovecot.port);
    proxy.refuse = true;
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const poller = track(startImapPoller(app.running.ctx, optionsFor("schedule", { port: proxy.port, pollSeconds: 0.1, batchSize: 2, processedMailbox: "Diproses" })));

    await waitFor(async () => error.mock.calls.filter((c) => String(c[0]).includes("poll failed")).length >= 2);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/poll failed \(2 in a row/));
    expect(await count(app, "inbound_payloads")).toBe(0);

    proxy.refuse = false;
    await waitFor(async () => (await count(app, "reports")) === 3 || null);
    await waitFor(async () => (await flags("schedule")).length === 0);
    expect(await flags("schedule", "Diproses")).toEqual([1, 2, 3].map((uid) => ({ uid, seen: true })));
    // Batches of two: one transaction (one now()) stored two messages, the next one the third.
    const batches = await app.running.ctx.pool.query<{ n: number }>("select count(*)::int as n from inbound_payloads group by received_at order by received_at");
    expect(batches.rows.map((r) => r.n)).toEqual([2, 1]);
    await poller.stop();
  });

  it("switched on by its settings: the worker polls the mailbox by itself", async () => {
    await append("settings", complaint("settings-1", "Got mampet", "Got di Jl. Kramat Raya mampet, air meluap ke jalan."));
    const u = USERS.find((x) => x.user === "settings")!;
    app = await startTestApp({
      worker: true,
      env: { IMAP_HOST: dovecot.host, IMAP_PORT: String(dovecot.port), IMAP_USER: u.user, IMAP_PASSWORD: u.password, IMAP_POLL_SECONDS: "1", EMAIL_ADDRESSES: OURS },
    });
    const report = await waitFor(async () => (await app!.running.ctx.pool.query<{ channel: string; description: string }>("select channel, description from reports")).rows[0]);
    expect(report).toMatchObject({ channel: "email", description: expect.stringContaining("Got mampet") });
  });
});

interface CuttingProxy {
  port: number;
  /** close every incoming connection at once (server down) */
  refuse: boolean;
  /** drop both sides when the client sends a matching command (the command never arrives) */
  cutOn: RegExp | null;
  cuts: number;
  close(): Promise<void>;
}

/** A TCP proxy in front of Dovecot that can refuse connections or cut one at a chosen command. */
async function cuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const sockets = new Set<net.Socket>();
  const state: CuttingProxy = {
    port: 0,
    refuse: false,
    cutOn: null,
    cuts: 0,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server = net.createServer((client) => {
    if (state.refuse) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    upstream.on("data", (d: Buffer) => client.write(d));
    client.on("data", (d: Buffer) => {
      if (state.cutOn?.test(d.toString("latin1"))) {
        state.cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(d);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  state.port = typeof address === "object" && address ? address.port : 0;
  return state;
}
