/**
 * The IMAP poller's pure parts: configuration from IMAP_*, batch planning (count, bytes, the size
 * limit) and the retry backoff. The poller against a real Dovecot is in test/inbound-imap.api.test.ts.
 */
import { describe, expect, it } from "vitest";
import { imapOptionsFromEnv, planBatches, retryDelayMs } from "./imap-poller.ts";

describe("imapOptionsFromEnv", () => {
  it("is off without IMAP_HOST", () => {
    expect(imapOptionsFromEnv({ IMAP_USER: "u", IMAP_PASSWORD: "p" })).toBeNull();
  });

  it("fills the defaults: port 143, INBOX, no processed mailbox, every 30 s", () => {
    expect(imapOptionsFromEnv({ IMAP_HOST: "imap.jakarta.go.id", IMAP_USER: "pengaduan", IMAP_PASSWORD: "rahasia" })).toEqual({
      host: "imap.jakarta.go.id", port: 143, secure: false, user: "pengaduan", password: "rahasia",
      mailbox: "INBOX", processedMailbox: null, pollSeconds: 30,
    });
  });

  it("IMAP_SECURE=1 means TLS on 993; every setting is read", () => {
    expect(imapOptionsFromEnv({
      IMAP_HOST: "h", IMAP_SECURE: "1", IMAP_USER: "u", IMAP_PASSWORD: "p", IMAP_MAILBOX: "Pengaduan",
      IMAP_PROCESSED_MAILBOX: "Pengaduan/Diproses", IMAP_POLL_SECONDS: "5",
    })).toEqual({ host: "h", port: 993, secure: true, user: "u", password: "p", mailbox: "Pengaduan", processedMailbox: "Pengaduan/Diproses", pollSeconds: 5 });
    expect(imapOptionsFromEnv({ IMAP_HOST: "h", IMAP_SECURE: "1", IMAP_PORT: "1993", IMAP_USER: "u", IMAP_PASSWORD: "p" })?.port).toBe(1993);
  });

  it("refuses settings that cannot work", () => {
    expect(() => imapOptionsFromEnv({ IMAP_HOST: "h", IMAP_USER: "u" })).toThrow(/IMAP_PASSWORD/);
    expect(() => imapOptionsFromEnv({ IMAP_HOST: "h", IMAP_USER: "u", IMAP_PASSWORD: "p", IMAP_POLL_SECONDS: "0" })).toThrow(/IMAP_POLL_SECONDS/);
    expect(() => imapOptionsFromEnv({ IMAP_HOST: "h", IMAP_USER: "u", IMAP_PASSWORD: "p", IMAP_POLL_SECONDS: "soon" })).toThrow(/IMAP_POLL_SECONDS/);
    expect(() => imapOptionsFromEnv({ IMAP_HOST: "h", IMAP_USER: "u", IMAP_PASSWORD: "p", IMAP_PORT: "70000" })).toThrow(/IMAP_PORT/);
  });
});

describe("planBatches", () => {
  const limits = { count: 2, bytes: 1000, maxMessageBytes: 800 };

  it("nothing new, no batch", () => {
    expect(planBatches([], limits)).toEqual([]);
  });

  it("splits by count, in UID order whatever the server's order", () => {
    const msgs = [{ uid: 9, size: 10 }, { uid: 3, size: 10 }, { uid: 5, size: 10 }, { uid: 4, size: 10 }, { uid: 12, size: 10 }];
    expect(planBatches(msgs, limits)).toEqual([
      { fetch: [3, 4], skipped: [], lastUid: 4 },
      { fetch: [5, 9], skipped: [], lastUid: 9 },
      { fetch: [12], skipped: [], lastUid: 12 },
    ]);
  });

  it("splits by bytes; a message alone may fill a batch", () => {
    expect(planBatches([{ uid: 1, size: 600 }, { uid: 2, size: 600 }, { uid: 3, size: 300 }], limits)).toEqual([
      { fetch: [1], skipped: [], lastUid: 1 },
      { fetch: [2, 3], skipped: [], lastUid: 3 },
    ]);
  });

  it("skips messages over the size limit but moves the cursor past them", () => {
    expect(planBatches([{ uid: 1, size: 100 }, { uid: 2, size: 5000 }, { uid: 3, size: 100 }], limits)).toEqual([
      { fetch: [1, 3], skipped: [2], lastUid: 3 },
    ]);
    expect(planBatches([{ uid: 7, size: 5000 }], limits)).toEqual([{ fetch: [], skipped: [7], lastUid: 7 }]);
  });
});

describe("retryDelayMs", () => {
  it("polls at the interval, doubles after each failure, caps at five minutes (or the interval when longer)", () => {
    expect([0, 1, 2, 3, 4].map((f) => retryDelayMs(f, 30_000))).toEqual([30_000, 30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(5, 30_000)).toBe(300_000);
    expect(retryDelayMs(40, 30_000)).toBe(300_000);
    expect(retryDelayMs(3, 600_000)).toBe(600_000);
  });
});
