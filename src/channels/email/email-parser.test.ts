import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../connector.ts";
import { automatedReason, extractMessageIds, isAutomated, parseEmail, replySubject, stripQuotedReply } from "./email-parser.ts";

const SAMPLES = join(import.meta.dirname, "../../../test/fixtures/channel-samples/email");
const OURS = { ourAddresses: ["pengaduan@jakarta.go.id", "Aspirasi@Jakarta.go.id"] };

const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));
const parseSample = (name: string): Promise<InboundMessage> => parseEmail(sample(name), OURS);
const files = readdirSync(SAMPLES).filter((f) => f.endsWith(".eml")).sort();
/** samples without any From header */
const NO_SENDER = new Set(["mailparser__mixed.eml"]);

/** CRLF-joined raw message */
const eml = (...lines: string[]): Buffer => Buffer.from(lines.join("\r\n"), "utf8");

describe("parseEmail: every sample", () => {
  it("has samples", () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  it.each(files)("%s parses to a sensible message (or throws 'no sender')", async (file) => {
    if (NO_SENDER.has(file)) {
      await expect(parseSample(file)).rejects.toThrow("no sender");
      return;
    }
    const m = await parseSample(file);
    expect(m.channel).toBe("email");
    expect(m.externalId.length).toBeGreaterThan(0);
    expect(m.externalId).not.toMatch(/[<>]/);
    expect(m.sender.kind).toBe("email");
    expect(m.sender.value).toMatch(/^[^\s@]+@[^\s@]+$/);
    expect(m.sender.value).toBe(m.sender.value.toLowerCase());
    expect(typeof m.text).toBe("string");
    expect(m.text).not.toMatch(/\r/);
    expect(["message", "status_request", "ignored"]).toContain(m.kind);
    if (m.kind === "ignored") expect(m.ignoredReason).toBeTruthy();
    else expect(m.ignoredReason).toBeUndefined();
    expect(m.sentAt === null || !Number.isNaN(m.sentAt.getTime())).toBe(true);
    for (const a of m.attachments) {
      expect(a.contentType).toMatch(/^image\//);
      expect(Buffer.isBuffer(a.data)).toBe(true);
      expect(a.data!.length).toBeGreaterThan(0);
    }
    expect(Array.isArray(m.thread.references)).toBe(true);
    // redelivery of the same bytes gives the same id
    expect((await parseSample(file)).externalId).toBe(m.externalId);
  });
});

describe("parseEmail: specific samples", () => {
  it("Amazon SES delivery-status bounce is ignored", async () => {
    const m = await parseSample("mailparser__delivery-status.eml");
    expect(m.kind).toBe("ignored");
    expect(m.ignoredReason).toMatch(/^bounce:/);
    expect(m.sender.value).toBe("mailer-daemon@amazonses.com");
    expect(m.externalId).toBe("xxxxxxxxxxx@email.amazonses.com");
  });

  it("sendmail report_530 bounce is ignored", async () => {
    const m = await parseSample("mikel-mail__multipart_report_emails_report_530.eml");
    expect(m.kind).toBe("ignored");
    expect(m.ignoredReason).toMatch(/^bounce:.*delivery-status/);
    expect(m.sender).toEqual({ kind: "email", value: "mailer-daemon@tttttt.com.au", name: "Mail Delivery Subsystem" });
    expect(m.attachments).toEqual([]);
  });

  it("reply sample carries In-Reply-To and References", async () => {
    const m = await parseSample("mikel-mail__plain_emails_raw_email_reply.eml");
    expect(m.kind).toBe("message");
    expect(m.externalId).toBe("473FFE27.20003@xxx.org");
    expect(m.subject).toBe("Re: Test reply email");
    expect(m.text).toBe("Message body");
    expect(m.thread).toEqual({
      ticket: null,
      inReplyTo: "348F04F142D69C21-291E56D292BC@xxxx.net",
      references: ["473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net"],
    });
    expect(m.sender).toEqual({ kind: "email", value: "xxxxxxxx@xxx.org", name: "Testing" });
    expect(m.sentAt?.toISOString()).toBe("2007-11-18T08:56:07.000Z");
  });

  it("basic plain email", async () => {
    const m = await parseSample("mikel-mail__plain_emails_basic_email.eml");
    expect(m.kind).toBe("message");
    expect(m.sender).toEqual({ kind: "email", value: "test@lindsaar.net", name: "Mikel Lindsaar" });
    expect(m.subject).toBe("Testing 123");
    expect(m.text).toBe("Plain email.\n\nHope it works well!\n\nMikel");
    expect(m.sentAt?.toISOString()).toBe("2008-11-22T04:04:59.000Z");
    expect(m.thread).toEqual({ ticket: null, inReplyTo: null, references: [] });
  });

  it("PDF attachment is dropped, text and emoji subject kept", async () => {
    const m = await parseSample("mikel-mail__attachment_emails_attachment_pdf.eml");
    expect(m.attachments).toEqual([]);
    expect(m.subject).toBe("Another PDF with 🎉 Unicode chars in it 🍿");
    expect(m.text).toContain("Just attaching another PDF");
    expect(m.sender.name).toBe("Test Tester");
  });

  it("attached message/rfc822 is dropped", async () => {
    const m = await parseSample("mikel-mail__attachment_emails_attachment_message_rfc822.eml");
    expect(m.attachments).toEqual([]);
    expect(m.text).toBe("This is the first part.");
    expect(m.sender).toEqual({ kind: "email", value: "foo@example.com", name: null });
  });

  it("nested image attachment (inside multipart/signed) is kept, the S/MIME signature is not", async () => {
    const m = await parseSample("mikel-mail__mime_emails_raw_email_with_nested_attachment.eml");
    expect(m.attachments.map((a) => [a.contentType, a.filename])).toEqual([["image/png", "truncated.png"]]);
    expect(m.attachments[0]!.data!.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(m.text).toContain("Here is a test of an attachment via email.");
  });

  it("nodemailer sample: embedded images kept, text parts that are attachments dropped", async () => {
    const m = await parseSample("mailparser__nodemailer.eml");
    expect(m.attachments.map((a) => [a.contentType, a.filename])).toEqual([
      ["image/png", "image.png"],
      ["image/gif", "nyan cat ✔.gif"],
    ]);
    expect(m.subject).toBe("Nodemailer is unicode friendly ✔ (1476358788189)");
    expect(m.text).toBe("Hello to myself!");
    expect(m.sender).toEqual({ kind: "email", value: "andris@kreata.ee", name: "Andris Kreata" });
  });

  it("RFC 6532 UTF-8 headers decode; no Message-ID gives a sha256 of the bytes", async () => {
    const raw = sample("mikel-mail__rfc6532_utf8_headers.eml");
    const m = await parseEmail(raw, OURS);
    expect(m.sender).toEqual({ kind: "email", value: "jdöe@mächine.example", name: "Jöhn Doe" });
    expect(m.subject).toBe("Säying Hello");
    expect(m.text).toBe("body");
    expect(m.externalId).toBe(`sha256:${createHash("sha256").update(raw).digest("hex")}`);
    expect(m.sentAt).toBeNull();
  });

  it("bad Date header gives sentAt null (mailparser would say 'now'); Precedence: junk is ignored", async () => {
    const m = await parseSample("mikel-mail__error_emails_bad_date_header.eml");
    expect(m.sentAt).toBeNull();
    expect(m.kind).toBe("ignored");
    expect(m.ignoredReason).toBe("bulk: Precedence: junk");
    expect(m.sender).toEqual({ kind: "email", value: "infoz@reactive-outpost.com", name: "Grants-Notification" });
    expect(m.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.thread.inReplyTo).toBe("someone@yahoo.com");
  });

  it("8bit (invalid '8bits' CTE) HTML-only sample decodes to text", async () => {
    const m = await parseSample("mikel-mail__error_emails_content_transfer_encoding_with_8bits.eml");
    expect(m.text).toContain("Holiday Gift Ideas for the Computer Professional!");
    expect(m.text).toContain("Nostromo n45 Dual Analog USB Gamepad");
    expect(m.text).not.toMatch(/<html|<td|&nbsp;|&amp;/i);
    expect(m.sentAt?.toISOString()).toBe("2001-12-04T22:10:25.000Z");
    expect(m.externalId).toBe("200112050759.fB57xSl15666@mailman.enron.com");
  });

  it("ISO-8859-1 8bit forward with an empty message/rfc822 part", async () => {
    const m = await parseSample("mailparser__decoderended.eml");
    expect(m.kind).toBe("message");
    expect(m.text).toContain("Note: forwarded message attached.");
    expect(m.attachments).toEqual([]);
    expect(m.externalId).toMatch(/^sha256:/);
  });

  it("nested multipart with only From", async () => {
    const m = await parseSample("mailparser__nested.eml");
    expect(m.sender).toEqual({ kind: "email", value: "u@example.com", name: null });
    expect(m.subject).toBeNull();
    expect(m.text).toMatch(/^Dear Sir,\n\nGood evening\.[\s\S]*The footer$/);
    expect(m.sentAt).toBeNull();
  });
});

describe("parseEmail: synthetic Indonesian emails", () => {
  // a tiny JPEG-looking payload (SOI + APP0 marker); the parser does not decode images
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

  it("new complaint with a JPEG photo", async () => {
    const raw = eml(
      "From: =?UTF-8?Q?Siti_Nurhaliza_Pratiwi?= <Siti.Pratiwi@Gmail.com>",
      "To: Pengaduan Jakarta <pengaduan@jakarta.go.id>",
      "Subject: =?UTF-8?Q?Jalan_berlubang_di_Jl._Raya_Bogor_=E2=80=93_mohon_segera_diperbaiki?=",
      "Date: Sun, 12 Apr 2026 08:15:00 +0700",
      "Message-ID: <CAF1x+abc123@mail.gmail.com>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      'Content-Type: text/plain; charset="UTF-8"',
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Selamat pagi Bapak/Ibu,",
      "",
      "Di depan rumah no. 17 Jl. Raya Bogor, Kramat Jati ada lubang besar (kira-kira 1 =",
      "meter) yang sudah dua minggu belum ditambal. Sudah ada pengendara motor yang =",
      "jatuh. Foto terlampir.",
      "",
      "Terima kasih,",
      "Siti",
      "--b1",
      'Content-Type: image/jpeg; name="lubang.jpg"',
      'Content-Disposition: attachment; filename="lubang.jpg"',
      "Content-Transfer-Encoding: base64",
      "",
      jpeg.toString("base64"),
      "--b1",
      'Content-Type: application/pdf; name="ktp.pdf"',
      'Content-Disposition: attachment; filename="ktp.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("%PDF-1.4 fake").toString("base64"),
      "--b1--",
      "",
    );
    const m = await parseEmail(raw, OURS);
    expect(m).toMatchObject({
      channel: "email",
      externalId: "CAF1x+abc123@mail.gmail.com",
      kind: "message",
      sender: { kind: "email", value: "siti.pratiwi@gmail.com", name: "Siti Nurhaliza Pratiwi" },
      subject: "Jalan berlubang di Jl. Raya Bogor – mohon segera diperbaiki",
      thread: { ticket: null, inReplyTo: null, references: [] },
    });
    expect(m.ignoredReason).toBeUndefined();
    expect(m.text).toBe(
      "Selamat pagi Bapak/Ibu,\n\nDi depan rumah no. 17 Jl. Raya Bogor, Kramat Jati ada lubang besar (kira-kira 1 meter) yang sudah dua minggu belum ditambal. Sudah ada pengendara motor yang jatuh. Foto terlampir.\n\nTerima kasih,\nSiti",
    );
    expect(m.sentAt?.toISOString()).toBe("2026-04-12T01:15:00.000Z");
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toEqual({ contentType: "image/jpeg", data: jpeg, filename: "lubang.jpg" });
  });

  it("reply with the ticket in the subject, quoting our message", async () => {
    const raw = eml(
      "From: Budi Santoso <budi.santoso@yahoo.co.id>",
      "To: pengaduan@jakarta.go.id",
      "Subject: Re: Re: Laporan Anda diterima [JKT-260412-0073]",
      "Date: Mon, 13 Apr 2026 19:02:11 +0700",
      "Message-ID: <1744545731.98765@yahoo.co.id>",
      "In-Reply-To: <jkt-260412-0073.2@jakarta.go.id>",
      "References: <CAF1x+abc123@mail.gmail.com>",
      " <jkt-260412-0073.2@jakarta.go.id>",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "Sampai hari ini lubangnya belum ditambal, malah makin lebar karena hujan.",
      "Mohon ditindaklanjuti.",
      "",
      "Pada Sen, 13 Apr 2026 pukul 09.00, Pengaduan Jakarta <pengaduan@jakarta.go.id>",
      "menulis:",
      "> Laporan Anda dengan nomor JKT-260412-0073 telah kami terima",
      "> dan diteruskan ke Suku Dinas Bina Marga Jakarta Timur.",
      ">",
      "> Salam,",
      "> Aspirasi",
      "",
    );
    const m = await parseEmail(raw, OURS);
    expect(m.kind).toBe("message");
    expect(m.text).toBe("Sampai hari ini lubangnya belum ditambal, malah makin lebar karena hujan.\nMohon ditindaklanjuti.");
    expect(m.subject).toBe("Re: Re: Laporan Anda diterima [JKT-260412-0073]");
    expect(m.thread).toEqual({
      ticket: "JKT-260412-0073",
      inReplyTo: "jkt-260412-0073.2@jakarta.go.id",
      references: ["CAF1x+abc123@mail.gmail.com", "jkt-260412-0073.2@jakarta.go.id"],
    });
    expect(m.sender).toEqual({ kind: "email", value: "budi.santoso@yahoo.co.id", name: "Budi Santoso" });
    expect(replySubject(m.subject!, m.thread.ticket!)).toBe("Re: Laporan Anda diterima [JKT-260412-0073]");
  });

  it("auto-reply 'Balasan otomatis' with Auto-Submitted: auto-replied is ignored", async () => {
    const raw = eml(
      "From: Dewi Lestari <dewi.lestari@kantor.co.id>",
      "To: pengaduan@jakarta.go.id",
      "Subject: Balasan otomatis: Laporan Anda diterima [JKT-260412-0073]",
      "Date: Mon, 13 Apr 2026 09:00:05 +0700",
      "Message-ID: <auto-77@kantor.co.id>",
      "In-Reply-To: <jkt-260412-0073.2@jakarta.go.id>",
      "Auto-Submitted: auto-replied",
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "Saya sedang cuti sampai 20 April 2026. Untuk keperluan mendesak hubungi 021-555-0101.",
      "",
    );
    const m = await parseEmail(raw, OURS);
    expect(m.kind).toBe("ignored");
    expect(m.ignoredReason).toBe("auto-reply: Auto-Submitted: auto-replied");
    expect(m.thread.ticket).toBe("JKT-260412-0073");
    expect(m.thread.inReplyTo).toBe("jkt-260412-0073.2@jakarta.go.id");
    expect(m.text).toContain("Saya sedang cuti");
  });

  it("status request in the subject or the first line", async () => {
    const bySubject = await parseEmail(
      eml("From: a@b.id", "Subject: CEK JKT-260412-0073", "Message-ID: <s1@b.id>", "", "mohon info", ""),
      OURS,
    );
    expect(bySubject.kind).toBe("status_request");
    expect(bySubject.thread.ticket).toBe("JKT-260412-0073");
    const byText = await parseEmail(
      eml("From: a@b.id", "Subject: tanya", "Message-ID: <s2@b.id>", "", "", "status jkt 260412 0073", "terima kasih", ""),
      OURS,
    );
    expect(byText.kind).toBe("status_request");
    expect(byText.thread.ticket).toBe("JKT-260412-0073");
  });

  it("ignores loops, subject-only auto-replies, mailing lists and postmaster mail", async () => {
    const base = ["Message-ID: <x@y.id>", "Content-Type: text/plain", "", "isi", ""];
    const parse = (...headers: string[]) => parseEmail(eml(...headers, ...base), OURS);
    expect((await parse("From: ASPIRASI@jakarta.go.id", "Subject: Laporan")).ignoredReason).toMatch(/^loop:/);
    expect((await parse("From: x@y.id", "Subject: Automatic reply: Laporan")).ignoredReason).toMatch(/^auto-reply:/);
    expect((await parse("From: x@y.id", "Subject: Out of Office: Laporan")).ignoredReason).toMatch(/^auto-reply:/);
    expect((await parse("From: x@y.id", "Subject: a", "X-Autoreply: yes")).ignoredReason).toMatch(/^auto-reply:/);
    expect((await parse("From: x@y.id", "Subject: a", "X-Autorespond: Laporan")).ignoredReason).toMatch(/^auto-reply:/);
    expect((await parse("From: x@y.id", "Subject: a", "Precedence: auto_reply")).ignoredReason).toMatch(/^auto-reply:/);
    expect((await parse("From: x@y.id", "Subject: a", "List-Id: <warga.googlegroups.com>")).ignoredReason).toMatch(/^mailing-list:/);
    expect((await parse("From: x@y.id", "Subject: a", "List-Unsubscribe: <mailto:u@y.id>")).ignoredReason).toMatch(/^mailing-list:/);
    expect((await parse("From: x@y.id", "Subject: a", "Precedence: list")).ignoredReason).toMatch(/^mailing-list:/);
    expect((await parse("From: Postmaster <POSTMASTER@y.id>", "Subject: a")).ignoredReason).toMatch(/^bounce:/);
    expect((await parse("From: x@y.id", "Subject: a", "Auto-Submitted: no")).kind).toBe("message");
  });

  it("throws 'no sender' for a missing or unusable From", async () => {
    await expect(parseEmail(eml("Subject: a", "", "isi"), OURS)).rejects.toThrow("no sender");
    await expect(parseEmail(eml("From: postoffice", "Subject: a", "", "isi"), OURS)).rejects.toThrow("no sender");
    await expect(parseEmail(eml("From: Undisclosed recipients:;", "Subject: a", "", "isi"), OURS)).rejects.toThrow("no sender");
  });
});

describe("helpers", () => {
  it("replySubject", () => {
    const t = "JKT-260412-0073";
    expect(replySubject("Jalan rusak", t)).toBe("Re: Jalan rusak [JKT-260412-0073]");
    expect(replySubject("Re: Jalan rusak", t)).toBe("Re: Jalan rusak [JKT-260412-0073]");
    expect(replySubject("RE: re: Jalan rusak [JKT-260412-0073]", t)).toBe("Re: Jalan rusak [JKT-260412-0073]");
    expect(replySubject("Re: [jkt-260412-0073] Re: Jalan rusak", t)).toBe("Re: Jalan rusak [JKT-260412-0073]");
    expect(replySubject("CEK JKT-260412-0073", t)).toBe("Re: CEK JKT-260412-0073");
    expect(replySubject("", t)).toBe("Re: [JKT-260412-0073]");
    expect(replySubject("a\r\nBcc: x@y", t)).toBe("Re: a Bcc: x@y [JKT-260412-0073]");
  });

  it("stripQuotedReply is conservative", () => {
    expect(stripQuotedReply("Halo\n\nOn Mon, 13 Apr 2026 at 09:00, X <x@y> wrote:\n> old\n> older")).toBe("Halo");
    // inline answers between quoted lines are kept
    expect(stripQuotedReply("> pertanyaan 1\njawaban 1\n> pertanyaan 2\njawaban 2")).toBe("jawaban 1\njawaban 2");
    // a "wrote:" line not followed by a quote is kept
    expect(stripQuotedReply("Pada hari Senin saya menulis:\nsurat ke kelurahan")).toBe("Pada hari Senin saya menulis:\nsurat ke kelurahan");
    expect(stripQuotedReply("Tolong\n\n-----Original Message-----\nFrom: x\nisi lama")).toBe("Tolong");
    // only a quote: kept as it was
    expect(stripQuotedReply("> semua dikutip")).toBe("> semua dikutip");
  });

  it("extractMessageIds", () => {
    expect(extractMessageIds(["<a@b> <c@d>", "<a@b>"])).toEqual(["a@b", "c@d"]);
    expect(extractMessageIds(["someone@yahoo.com"])).toEqual(["someone@yahoo.com"]);
    expect(extractMessageIds([""])).toEqual([]);
  });

  it("automatedReason / isAutomated on plain header maps", () => {
    const info = (h: Record<string, string>, subject = "Laporan", from: string | null = "x@y.id") => ({
      headers: new Map(Object.entries(h).map(([k, v]) => [k, [v]])),
      from,
      subject,
    });
    expect(isAutomated(info({}))).toBe(false);
    expect(automatedReason(info({ "auto-submitted": "auto-generated (failure)" }))).toBe("auto-reply: Auto-Submitted: auto-generated");
    expect(automatedReason(info({ "content-type": "multipart/report; report-type=delivery-status; boundary=x" }))).toMatch(/^bounce:/);
    expect(automatedReason(info({ "content-type": 'multipart/report; report-type="disposition-notification"' }))).toMatch(/^receipt:/);
    expect(automatedReason(info({ "return-path": "<>" }))).toMatch(/^auto-reply:/);
    expect(automatedReason(info({ precedence: "bulk" }))).toBe("bulk: Precedence: bulk");
    expect(isAutomated(info({}, "Balasan otomatis: Laporan Anda"))).toBe(true);
    expect(isAutomated(info({}, "Out of Office: Laporan Anda"))).toBe(true);
    expect(isAutomated(info({}, "Re: Out of office AC rusak"))).toBe(false);
    expect(isAutomated(info({}, "Di luar kantor kelurahan ada tumpukan sampah"))).toBe(false);
    expect(isAutomated(info({}, "AC kantor kelurahan rusak, pegawai out of office"))).toBe(false);
  });
});
