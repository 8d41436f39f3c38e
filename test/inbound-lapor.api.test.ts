import { afterEach, describe, expect, it } from "vitest";
import { laporItem, startFakeLapor, type FakeLapor } from "../src/channels/lapor/fake-lapor.ts";
import { LaporClient } from "../src/channels/lapor/lapor-client.ts";
import { LaporConnector } from "../src/channels/lapor/lapor.connector.ts";
import { LAPOR_CURSOR, startLaporPoller, type LaporPoller } from "../src/channels/lapor/lapor-poller.ts";
import { LaporSender } from "../src/channels/lapor/lapor.sender.ts";
import { readCursor } from "../src/store/cursors.store.ts";
import { PLACES, startTestApp, type TestApp, waitFor } from "./harness.ts";

const TOKEN = "lapor-test-token";
const AGENCY = "pemprov-dki-jakarta";

/**
 * Dispositions around long weekends of the seeded 2025 calendar, with LAPOR!'s deadlines
 * (3 and 5 working days later) worked out by hand:
 * - Wed 28 May 10:00 WIB: Thu 29 (Ascension), Fri 30 (joint leave), the weekend and Sun 1 Jun
 *   (Pancasila) do not count -> Wed 4 Jun; then Fri 6 and Mon 9 Jun (Idul Adha) -> Tue 10 Jun.
 * - Thu 27 Mar 08:00 WIB: Nyepi and Idul Fitri leave (28 Mar - 7 Apr) -> Thu 10 Apr, Mon 14 Apr.
 * - Thu 5 Jun 15:30 WIB: Idul Adha (Fri 6, Mon 9) -> Thu 12 Jun, Mon 16 Jun.
 */
const DISPOSED = [
  { at: "2025-05-28T10:00:00+07:00", verify: "2025-06-04T03:00:00.000Z", answer: "2025-06-10T03:00:00.000Z" },
  { at: "2025-03-27T08:00:00+07:00", verify: "2025-04-10T01:00:00.000Z", answer: "2025-04-14T01:00:00.000Z" },
  { at: "2025-06-05T15:30:00+07:00", verify: "2025-06-12T08:30:00.000Z", answer: "2025-06-16T08:30:00.000Z" },
];
const KINDS = ["pengaduan", "aspirasi", "permintaan_informasi"] as const;

/** Item n: kind by n, disposition date by n / 3, every tenth reporter anonymous; complaints at Monas. */
function item(n: number) {
  const kind = KINDS[n % 3]!;
  return laporItem(n, {
    klasifikasi: kind,
    lokasi: kind === "pengaduan" ? { lat: PLACES.monas.lat, lon: PLACES.monas.lon, alamat: "Jl. Medan Merdeka Barat" } : null,
    tanggal_disposisi: DISPOSED[Math.floor(n / 3) % 3]!.at,
    pelapor: n % 10 === 0 ? { id: null, nama: null, anonim: true, rahasia: false } : { id: `u-${n}`, nama: `Warga ${n}`, anonim: false, rahasia: false },
  });
}

let app: TestApp | undefined;
let fake: FakeLapor | undefined;
const pollers: LaporPoller[] = [];
afterEach(async () => {
  for (const p of pollers.splice(0)) await p.stop();
  await app?.close();
  await fake?.close();
  app = undefined;
  fake = undefined;
});

describe("LAPOR! through the inbound path and back", () => {
  it("polls 120 disposed reports once each, resumes after a failure, and pushes status back", async () => {
    fake = await startFakeLapor({ token: TOKEN, agencyId: AGENCY, items: Array.from({ length: 120 }, (_, i) => item(i + 1)) });
    const client = new LaporClient({ baseUrl: fake.baseUrl, token: TOKEN, agencyId: AGENCY });
    const sender = new LaporSender({
      client,
      laporIdOf: async (reportId) => (await app!.running.ctx.pool.query<{ channel_ref: string | null }>("select channel_ref from reports where id = $1", [reportId])).rows[0]?.channel_ref ?? null,
      publicBaseUrl: "https://aspirasi.example",
    });
    app = await startTestApp({ worker: true, connectors: new Map([["lapor", new LaporConnector()]]), senders: new Map([["lapor", sender]]) });
    const ctx = app.running.ctx;
    const pool = ctx.pool;
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
    const feedCursors = () => fake!.requests.filter((r) => r.url.startsWith("/v1/disposisi")).map((r) => new URL(r.url, "http://x").searchParams.get("cursor"));

    // Page 2 fails: page 1 and its cursor are kept, the failure is logged, the loop does not die.
    fake.failOn((r) => r.url.startsWith("/v1/disposisi") && r.url.includes(`cursor=${fake!.cursorAfter(50)}`), { status: 500, json: { error: { code: "internal" } } });
    const logs: string[] = [];
    const first = startLaporPoller({ ctx, client, intervalMs: 60_000, log: (line) => logs.push(line) });
    pollers.push(first);
    await waitFor(async () => logs.length > 0);
    expect(logs[0]).toMatch(/\[lapor\] poll failed \(temporary, 1 in a row; next try in 120 s\).*HTTP 500/);
    expect(await readCursor(pool, LAPOR_CURSOR)).toBe(fake.cursorAfter(50));
    expect(await count("select count(*) as n from inbound_payloads where channel = 'lapor'")).toBe(50);
    await first.stop();

    // A new poller (a restarted worker) resumes at page 2; polling again adds nothing.
    const second = startLaporPoller({ ctx, client, intervalMs: 60_000 });
    pollers.push(second);
    expect(await second.pollOnce()).toBe(0);
    expect(feedCursors()).toEqual([null, fake.cursorAfter(50), fake.cursorAfter(50), fake.cursorAfter(100), fake.cursorAfter(120)]);
    expect(await readCursor(pool, LAPOR_CURSOR)).toBe(fake.cursorAfter(120));
    expect(await count("select count(*) as n from inbound_payloads where channel = 'lapor'")).toBe(120);

    // Exactly 120 reports, of the right kinds, each with its LAPOR! id and LAPOR!'s deadlines.
    await waitFor(async () => (await count("select count(*) as n from inbound_payloads where channel = 'lapor' and status = 'pending'")) === 0);
    expect(await count("select count(*) as n from inbound_payloads where channel = 'lapor' and status <> 'processed'")).toBe(0);
    const reports = (await pool.query<{ channel_ref: string; kind: string; partner_deadlines: { name: string; due: string }[] }>(
      "select channel_ref, kind, partner_deadlines from reports where channel = 'lapor'")).rows;
    expect(reports).toHaveLength(120);
    for (let n = 1; n <= 120; n++) {
      const r = reports.find((x) => x.channel_ref === String(5_300_000 + n));
      const d = DISPOSED[Math.floor(n / 3) % 3]!;
      expect(r, `item ${n}`).toBeDefined();
      expect(r!.kind).toBe(KINDS[n % 3]);
      expect(r!.partner_deadlines).toEqual([{ name: "lapor_verify", due: d.verify }, { name: "lapor_answer", due: d.answer }]);
    }
    // Anonymous reporters: one identity per report, no name stored.
    expect(await count("select count(distinct citizen_id) as n from reports where channel = 'lapor' and channel_ref in ('5300010', '5300020')")).toBe(2);
    expect(await count("select count(*) as n from citizens c join reports r on r.citizen_id = c.id where r.channel_ref = '5300010' and c.name is not null")).toBe(0);

    // A disposition LAPOR! adds later is picked up from the stored cursor.
    fake.items.push(item(121));
    expect(await second.pollOnce()).toBe(1);
    expect(await second.pollOnce()).toBe(0);
    await waitFor(async () => (await count("select count(*) as n from reports where channel = 'lapor'")) === 121);

    // The sub-office takes complaint 3 up: LAPOR! hears "diproses" on that LAPOR! id.
    const { ticket, holding_unit_id: holder } = (await pool.query<{ ticket: string; holding_unit_id: string }>(
      "select ticket, holding_unit_id from reports where channel = 'lapor' and channel_ref = '5300003'")).rows[0]!;
    expect(holder).toBe("dinas-bina-marga@31.71");
    const sudin = await app.officer("agency_officer", holder);
    const act = async (body: Record<string, unknown>) => expect((await app!.post(`/api/v1/reports/${ticket}/transitions`, body, sudin)).statusCode).toBe(200);
    await act({ action: "take_up" });
    const takenUp = await waitFor(async () => fake!.statusPushes.find((p) => p.laporId === "5300003" && p.body.status === "diproses"));
    expect(takenUp.body).toMatchObject({ nomor_tiket: ticket, isi: expect.stringContaining("Suku Dinas Bina Marga") });

    // Coordinated to another agency: still in process for LAPOR!, the comment names the agency.
    await act({ action: "coordinate", unit: "dinas-sumber-daya-air", reason: "Saluran di bawah jalan, kewenangan SDA" });
    const coordinated = await waitFor(async () => fake!.statusPushes.find((p) => p.laporId === "5300003" && String(p.body.isi).includes("dikoordinasikan")));
    expect(coordinated.body).toMatchObject({ status: "diproses", isi: "Laporan sedang dikoordinasikan ke Dinas Sumber Daya Air.", lampiran: [] });
    expect(coordinated.idempotencyKey).not.toBe(takenUp.idempotencyKey);

    // The citizen messages went to the LAPOR! report as tanggapan, with nothing personal in anything sent.
    await waitFor(async () => fake!.tanggapan.some((t) => t.laporId === "5300003" && String(t.body.isi).includes("dikoordinasikan")));
    expect(fake.tanggapan.filter((t) => t.laporId === "5300003").map((t) => t.body.isi)).toEqual([
      expect.stringContaining(`nomor ${ticket}`),
      expect.stringContaining("sedang diproses oleh Suku Dinas Bina Marga"),
      expect.stringContaining("dikoordinasikan ke Dinas Sumber Daya Air"),
    ]);
    expect(JSON.stringify([fake.statusPushes, fake.tanggapan])).not.toMatch(/Warga 3\b|u-3\b/);
    expect(await count("select count(*) as n from outbox where channel = 'lapor' and status = 'dead'")).toBe(0);
  });

  it("switched on by its settings: the worker polls LAPOR! by itself and answers on the LAPOR! report", async () => {
    fake = await startFakeLapor({ token: TOKEN, agencyId: AGENCY, items: [item(1), item(2)] });
    app = await startTestApp({
      worker: true,
      env: { LAPOR_API_BASE_URL: fake.baseUrl, LAPOR_API_TOKEN: TOKEN, LAPOR_AGENCY_ID: AGENCY, LAPOR_POLL_SECONDS: "5" },
    });
    const pool = app.running.ctx.pool;
    const reports = await waitFor(async () => {
      const { rows } = await pool.query<{ ticket: string; channel_ref: string }>("select ticket, channel_ref from reports where channel = 'lapor' order by channel_ref");
      return rows.length === 2 ? rows : null;
    });
    // The "received" answer goes back as a tanggapan on each LAPOR! report, with our ticket.
    const answers = await waitFor(async () => (fake!.tanggapan.length >= 2 ? fake!.tanggapan : null));
    for (const r of reports) expect(answers.some((t) => t.laporId === r.channel_ref && JSON.stringify(t.body).includes(r.ticket))).toBe(true);
  });
});
