/**
 * E-mail intake by polling an existing IMAP mailbox (RFC 3501 / RFC 9051) with imapflow.
 *
 * Each poll logs in, SELECTs the mailbox and lists the UIDs above the cursor (the mailbox's
 * UIDVALIDITY and the last UID taken, in channel_cursors). Their raw RFC 822 source is fetched in
 * batches (at most 50 messages / 25 MB at a time) and stored as "email" payloads of type
 * message/rfc822 with acceptPulled, which moves the cursor in the same transaction. That is the
 * form the SMTP listener stores, so EmailConnector parses it and threading, photos and the
 * auto-reply / bounce filter are those of SMTP mail.
 *
 * Only after that commit are the messages flagged \Seen (and moved to the processed mailbox when
 * one is set). The cursor written with a batch names its UIDs as not yet flagged; a crash between
 * the commit and the flag is repaired by the next poll, which flags them first and fetches nothing
 * again. When UIDVALIDITY changed (mailbox recreated, server migrated) the mailbox is read again
 * from the start: the inbound store keeps the same bytes once per channel, and the inbound job one
 * message per Message-ID, so nothing is doubled. A message larger than the limit is left unread
 * in the mailbox, as the SMTP listener refuses it.
 *
 * startImapPoller runs a poll every pollSeconds; a failed poll (server down, login refused,
 * connection lost) is logged and retried with exponential backoff, never thrown out of the loop.
 * stop() lets the batch in flight finish (stored and flagged), logs out and ends the loop.
 */
import { ImapFlow } from "imapflow";
import { acceptPulled } from "../../app/inbound.ts";
import type { AppContext } from "../../app/context.ts";
import { readCursor } from "../../store/cursors.store.ts";
import { EMAIL_CHANNEL } from "./email-parser.ts";

export interface ImapPollerOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 993); otherwise STARTTLS when the server offers it */
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** where handled messages are moved after they are flagged \Seen; null keeps them in place */
  processedMailbox: string | null;
  pollSeconds: number;
  /** messages per fetch and per transaction */
  batchSize?: number;
  /** bytes per fetch (one larger message still goes alone) */
  batchBytes?: number;
  /** larger messages are not taken (as the SMTP listener refuses them) */
  maxMessageBytes?: number;
}

/** Where the poller is in one mailbox (stored as JSON, hence UIDVALIDITY as a string). */
export interface ImapCursor {
  uidValidity: string;
  /** every UID up to this one has been taken (stored, or skipped as too large) */
  lastUid: number;
  /** stored, but not yet flagged \Seen / moved: the next poll finishes them */
  unflagged: number[];
}

export interface PollResult {
  /** messages fetched from the server */
  fetched: number;
  /** of those, payloads that were new to the inbound store */
  stored: number;
  /** messages over maxMessageBytes, left unread */
  skipped: number;
}

export interface ImapPoller {
  /** One poll now (after the one running, if any); rejects when the server cannot be used. */
  pollOnce(): Promise<PollResult>;
  /** Finishes the batch in flight, logs out and stops polling. */
  stop(): Promise<void>;
}

export interface Batch {
  /** UIDs to fetch and store, ascending */
  fetch: number[];
  /** UIDs over the size limit: taken past, left unread */
  skipped: number[];
  /** the cursor's lastUid once this batch is stored */
  lastUid: number;
}

const DEFAULT_BATCH = 50;
const DEFAULT_BATCH_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const MAX_BACKOFF_MS = 5 * 60_000;

/** The poller's settings from IMAP_* variables, or null when IMAP_HOST is unset (polling off). */
export function imapOptionsFromEnv(env: NodeJS.ProcessEnv): ImapPollerOptions | null {
  if (!env.IMAP_HOST) return null;
  const secure = env.IMAP_SECURE === "1";
  const pollSeconds = Number(env.IMAP_POLL_SECONDS ?? 30);
  if (!(pollSeconds > 0)) throw new Error(`IMAP_POLL_SECONDS must be a positive number, not ${env.IMAP_POLL_SECONDS}`);
  const port = Number(env.IMAP_PORT ?? (secure ? 993 : 143));
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`IMAP_PORT must be a port number, not ${env.IMAP_PORT}`);
  if (!env.IMAP_USER || !env.IMAP_PASSWORD) throw new Error("IMAP_HOST is set: IMAP_USER and IMAP_PASSWORD are needed too");
  return {
    host: env.IMAP_HOST,
    port,
    secure,
    user: env.IMAP_USER,
    password: env.IMAP_PASSWORD,
    mailbox: env.IMAP_MAILBOX || "INBOX",
    processedMailbox: env.IMAP_PROCESSED_MAILBOX || null,
    pollSeconds,
  };
}

/**
 * Splits the new messages (any order) into batches of at most `count` messages and `bytes`
 * bytes; messages over `maxMessageBytes` are skipped. Each batch says how far the cursor moves.
 */
export function planBatches(
  messages: ReadonlyArray<{ uid: number; size: number }>,
  limits: { count: number; bytes: number; maxMessageBytes: number },
): Batch[] {
  const batches: Batch[] = [];
  let current: Batch = { fetch: [], skipped: [], lastUid: 0 };
  let bytes = 0;
  for (const m of [...messages].sort((a, b) => a.uid - b.uid)) {
    if (m.size > limits.maxMessageBytes) {
      current.skipped.push(m.uid);
      current.lastUid = m.uid;
      continue;
    }
    if (current.fetch.length > 0 && (current.fetch.length >= limits.count || bytes + m.size > limits.bytes)) {
      batches.push(current);
      current = { fetch: [], skipped: [], lastUid: 0 };
      bytes = 0;
    }
    current.fetch.push(m.uid);
    current.lastUid = m.uid;
    bytes += m.size;
  }
  if (current.lastUid > 0) batches.push(current);
  return batches;
}

/** The wait before the next poll after `failures` failed polls in a row (0: the normal interval). */
export function retryDelayMs(failures: number, pollMs: number): number {
  if (failures === 0) return pollMs;
  return Math.min(pollMs * 2 ** (failures - 1), Math.max(pollMs, MAX_BACKOFF_MS));
}

/** A poller that polls only when asked (pollOnce); startImapPoller adds the schedule. */
export function createImapPoller(ctx: AppContext, opts: ImapPollerOptions): ImapPoller {
  const cursorName = `imap:${opts.user}@${opts.host}/${opts.mailbox}`;
  const limits = {
    count: opts.batchSize ?? DEFAULT_BATCH,
    bytes: opts.batchBytes ?? DEFAULT_BATCH_BYTES,
    maxMessageBytes: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  };
  let stopping = false;
  let processedMailboxReady = false;
  let tail: Promise<unknown> = Promise.resolve();

  const saveCursor = (value: ImapCursor, items: Array<{ body: Buffer; contentType: string }> = []) =>
    acceptPulled(ctx, EMAIL_CHANNEL, items, { name: cursorName, value });

  /** \Seen, then the move; throws when the server did not take it (the cursor keeps the UIDs). */
  async function finish(client: ImapFlow, uids: number[]): Promise<void> {
    const range = uids.join(",");
    if (!(await client.messageFlagsAdd(range, ["\\Seen"], { uid: true }))) throw new Error(`could not flag UIDs ${range} \\Seen`);
    if (opts.processedMailbox && !(await client.messageMove(range, opts.processedMailbox, { uid: true }))) {
      // Perhaps someone deleted it: the next poll creates it again.
      processedMailboxReady = false;
      throw new Error(`could not move UIDs ${range} to ${opts.processedMailbox}`);
    }
  }

  async function newMessages(client: ImapFlow, lastUid: number): Promise<Array<{ uid: number; size: number }>> {
    const found: Array<{ uid: number; size: number }> = [];
    // "n:*" also matches the newest message when n is above every UID, hence the filter.
    for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
      if (m.uid > lastUid) found.push({ uid: m.uid, size: m.size ?? 0 });
    }
    return found;
  }

  async function sources(client: ImapFlow, uids: number[]): Promise<Array<{ uid: number; source: Buffer }>> {
    const fetched = await client.fetchAll(uids.join(","), { uid: true, source: true }, { uid: true });
    return fetched
      .filter((m): m is typeof m & { source: Buffer } => Buffer.isBuffer(m.source))
      .map((m) => ({ uid: m.uid, source: m.source }))
      .sort((a, b) => a.uid - b.uid);
  }

  async function drain(client: ImapFlow): Promise<PollResult> {
    const box = client.mailbox;
    if (!box) throw new Error(`mailbox ${opts.mailbox} is not selected`);
    const uidValidity = box.uidValidity.toString();
    let cursor = await readCursor<ImapCursor>(ctx.pool, cursorName);
    if (cursor && cursor.uidValidity !== uidValidity) {
      console.warn(`[imap] ${cursorName}: UIDVALIDITY changed (${cursor.uidValidity} -> ${uidValidity}), reading the mailbox again from the start`);
      cursor = null;
    }
    let lastUid = cursor?.lastUid ?? 0;
    if (cursor && cursor.unflagged.length > 0) {
      await finish(client, cursor.unflagged);
      await saveCursor({ uidValidity, lastUid, unflagged: [] });
    }
    const result: PollResult = { fetched: 0, stored: 0, skipped: 0 };
    if (box.exists === 0) return result;
    let unflagged = false;
    for (const batch of planBatches(await newMessages(client, lastUid), limits)) {
      if (stopping) break;
      for (const uid of batch.skipped) console.warn(`[imap] ${cursorName}: UID ${uid} is larger than ${limits.maxMessageBytes} bytes, left unread`);
      const messages = batch.fetch.length > 0 ? await sources(client, batch.fetch) : [];
      const uids = messages.map((m) => m.uid);
      result.stored += await saveCursor(
        { uidValidity, lastUid: batch.lastUid, unflagged: uids },
        messages.map((m) => ({ body: m.source, contentType: "message/rfc822" })),
      );
      result.fetched += messages.length;
      result.skipped += batch.skipped.length;
      lastUid = batch.lastUid;
      unflagged = uids.length > 0;
      if (unflagged) await finish(client, uids);
    }
    // The next batch's cursor replaces the list of the one before; the last one is cleared here.
    if (unflagged) await saveCursor({ uidValidity, lastUid, unflagged: [] });
    return result;
  }

  async function poll(): Promise<PollResult> {
    const client = new ImapFlow({
      host: opts.host,
      port: opts.port,
      secure: opts.secure,
      auth: { user: opts.user, pass: opts.password },
      logger: false,
      disableAutoIdle: true,
    });
    // Socket errors after connect arrive as events; without a listener they would end the process.
    client.on("error", (err: Error) => console.error(`[imap] ${opts.host}:${opts.port}: ${err.message}`));
    await client.connect();
    try {
      if (opts.processedMailbox && !processedMailboxReady) {
        await client.mailboxCreate(opts.processedMailbox);
        processedMailboxReady = true;
      }
      const lock = await client.getMailboxLock(opts.mailbox);
      try {
        return await drain(client);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  return {
    pollOnce() {
      const run = tail.then(poll, poll);
      tail = run.catch(() => undefined);
      return run;
    },
    async stop() {
      stopping = true;
      await tail;
    },
  };
}

/** Polls every opts.pollSeconds until stopped; failures are logged and retried with backoff. */
export function startImapPoller(ctx: AppContext, opts: ImapPollerOptions): ImapPoller {
  const poller = createImapPoller(ctx, opts);
  const pollMs = opts.pollSeconds * 1000;
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        await poller.pollOnce();
        failures = 0;
      } catch (err) {
        failures++;
        const delay = retryDelayMs(failures, pollMs);
        console.error(`[imap] ${opts.host}:${opts.port} poll failed (${failures} in a row, next try in ${Math.round(delay / 1000)} s): ${describeError(err)}`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryDelayMs(failures, pollMs));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    pollOnce: () => poller.pollOnce(),
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await poller.stop();
      await loop;
    },
  };
}

/** imapflow puts the server's words ("Authentication failed.") beside a generic message. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const responseText = (err as { responseText?: unknown }).responseText;
  return typeof responseText === "string" && responseText !== "" ? `${err.message} (${responseText})` : err.message;
}
