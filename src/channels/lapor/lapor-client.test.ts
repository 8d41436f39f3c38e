import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../app/outbound.ts";
import { closedPort } from "../outbound/fake-http.ts";
import { laporItem, startFakeLapor, type FakeLapor } from "./fake-lapor.ts";
import { LaporClient, laporClientFromEnv, laporPollIntervalMs, type LaporTindakLanjut } from "./lapor-client.ts";

const TOKEN = "lapor-test-token";
const AGENCY = "pemprov-dki";

const status: LaporTindakLanjut = {
  status: "diproses",
  isi: "Laporan sedang ditindaklanjuti oleh Suku Dinas Bina Marga Jakarta Pusat.",
  lampiran: [],
  nomor_tiket: "JKT-250528-0001",
  updated_at: "2025-05-28T04:00:00.000Z",
};

let fake: FakeLapor;
let client: LaporClient;
beforeAll(async () => {
  fake = await startFakeLapor({ token: TOKEN, agencyId: AGENCY, items: Array.from({ length: 7 }, (_, i) => laporItem(i + 1)) });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.statusPushes.length = 0;
  fake.tanggapan.length = 0;
  client = new LaporClient({ baseUrl: `${fake.baseUrl}/`, token: TOKEN, agencyId: AGENCY, pageLimit: 3 });
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err: unknown = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe("LaporClient.fetchDisposisi", () => {
  it("pages through the feed with the opaque cursor, token and instansi", async () => {
    const first = await client.fetchDisposisi(null);
    expect(first).toEqual({ items: [laporItem(1), laporItem(2), laporItem(3)], nextCursor: fake.cursorAfter(3), hasMore: true });
    const second = await client.fetchDisposisi(first.nextCursor);
    expect(second.items.map((i) => (i as { id: string }).id)).toEqual(["5300004", "5300005", "5300006"]);
    const last = await client.fetchDisposisi(second.nextCursor);
    expect(last).toMatchObject({ nextCursor: fake.cursorAfter(7), hasMore: false });
    expect(last.items).toHaveLength(1);
    // Polling again with the last cursor: nothing new, the same cursor back.
    expect(await client.fetchDisposisi(last.nextCursor)).toEqual({ items: [], nextCursor: fake.cursorAfter(7), hasMore: false });

    const r = fake.requests[1]!;
    expect(r.method).toBe("GET");
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.headers.accept).toBe("application/json");
    const url = new URL(r.url, "http://x");
    expect(url.pathname).toBe("/v1/disposisi");
    expect(Object.fromEntries(url.searchParams)).toEqual({ instansi: AGENCY, limit: "3", cursor: fake.cursorAfter(3) });
  });

  it("a 2xx that breaks the contract is malformed", async () => {
    const page = () => client.fetchDisposisi(null);
    fake.failOn(() => true, { status: 200, json: { items: [] } });
    expect((await failure(page())).message).toMatch(/data array/);
    fake.failOn(() => true, { status: 200, text: "<html>maintenance</html>" });
    expect((await failure(page())).kind).toBe("malformed");
    fake.failOn(() => true, { status: 200, json: { data: [], next_cursor: 5, has_more: false } });
    expect((await failure(page())).message).toMatch(/next_cursor/);
    fake.failOn(() => true, { status: 200, json: { data: [], next_cursor: "abc" } });
    expect((await failure(page())).message).toMatch(/has_more/);
  });

  it("has_more without a new cursor is refused, so a broken feed cannot loop the poller", async () => {
    fake.failOn(() => true, { status: 200, json: { data: [laporItem(1)], next_cursor: "same", has_more: true } });
    const err = await failure(client.fetchDisposisi("same"));
    expect(err).toMatchObject({ kind: "malformed" });
    expect(err.message).toMatch(/has_more without a new next_cursor/);
  });
});

describe("failure classes", () => {
  it.each<[number, string]>([[500, "temporary"], [503, "temporary"], [408, "temporary"], [400, "malformed"], [422, "malformed"]])("%s is %s", async (code, kind) => {
    fake.failOn(() => true, { status: code, json: { error: { code: "x", message: "gagal" } } });
    const err = await failure(client.fetchDisposisi(null));
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(`HTTP ${code} x: gagal`);
  });

  it("429 is rate_limited with Retry-After", async () => {
    fake.failOn(() => true, { status: 429, headers: { "retry-after": "30" }, json: { error: { code: "rate_limited" } } });
    expect(await failure(client.postTindakLanjut("5300001", status, "k-429"))).toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000 });
  });

  it("a wrong token (401) and another instansi (403) are auth_revoked", async () => {
    const wrong = new LaporClient({ baseUrl: fake.baseUrl, token: "stale", agencyId: AGENCY });
    expect((await failure(wrong.fetchDisposisi(null))).kind).toBe("auth_revoked");
    const other = new LaporClient({ baseUrl: fake.baseUrl, token: TOKEN, agencyId: "pemkot-bogor" });
    const err = await failure(other.fetchDisposisi(null));
    expect(err.kind).toBe("auth_revoked");
    expect(err.message).toContain("instansi_mismatch");
  });

  it("an unknown LAPOR! report (404) is malformed; phone numbers in LAPOR!'s answer are masked", async () => {
    expect((await failure(client.postTanggapan("999", { isi: "x", nomor_tiket: null }, "k-404"))).kind).toBe("malformed");
    fake.failOn(() => true, { status: 422, json: { error: { code: "isi_invalid", message: "isi memuat nomor 081234567890" } } });
    const err = await failure(client.postTanggapan("5300001", { isi: "x", nomor_tiket: null }, "k-422"));
    expect(err.message).not.toContain("081234567890");
  });

  it("no answer within the timeout, and a refused connection, are temporary", async () => {
    const impatient = new LaporClient({ baseUrl: fake.baseUrl, token: TOKEN, agencyId: AGENCY, timeoutMs: 150 });
    fake.failOn(() => true, "hang");
    const slow = await failure(impatient.fetchDisposisi(null));
    expect(slow.kind).toBe("temporary");
    expect(slow.message).toMatch(/150 ms/);
    const offline = new LaporClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, token: TOKEN, agencyId: AGENCY });
    expect((await failure(offline.fetchDisposisi(null))).kind).toBe("temporary");
  });
});

describe("posting", () => {
  it("a tindak lanjut goes to /v1/laporan/{id}/tindak-lanjut with the Idempotency-Key; a retry is recorded once", async () => {
    await client.postTindakLanjut("5300001", status, "rep-1:42:status");
    await client.postTindakLanjut("5300001", status, "rep-1:42:status");
    expect(fake.statusPushes).toEqual([{ laporId: "5300001", idempotencyKey: "rep-1:42:status", body: status }]);
    const r = fake.requests[0]!;
    expect(r).toMatchObject({ method: "POST", url: "/v1/laporan/5300001/tindak-lanjut" });
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    expect(r.headers["idempotency-key"]).toBe("rep-1:42:status");
  });

  it("a tanggapan returns LAPOR!'s id; the report id is escaped in the path", async () => {
    expect(await client.postTanggapan("5300002", { isi: "Laporan diterima", nomor_tiket: "JKT-250528-0002" }, "k-1")).toEqual({ id: "tgp-1" });
    await failure(client.postTanggapan("53/00 2", { isi: "x", nomor_tiket: null }, "k-2"));
    expect(fake.requests[1]!.url).toBe("/v1/laporan/53%2F00%202/tanggapan");
  });
});

describe("configuration", () => {
  it("the channel is on only with base URL, token and instansi", () => {
    expect(laporClientFromEnv({ LAPOR_API_BASE_URL: "https://lapor.example", LAPOR_API_TOKEN: "t", LAPOR_AGENCY_ID: "a" })).toBeInstanceOf(LaporClient);
    expect(laporClientFromEnv({ LAPOR_API_BASE_URL: "https://lapor.example", LAPOR_API_TOKEN: "t" })).toBeNull();
    expect(() => laporClientFromEnv({ LAPOR_API_BASE_URL: "ftp://lapor.example", LAPOR_API_TOKEN: "t", LAPOR_AGENCY_ID: "a" })).toThrow(/http/);
  });

  it("LAPOR_POLL_SECONDS defaults to 60 s, at least 5 s", () => {
    expect(laporPollIntervalMs({})).toBe(60_000);
    expect(laporPollIntervalMs({ LAPOR_POLL_SECONDS: "120" })).toBe(120_000);
    expect(laporPollIntervalMs({ LAPOR_POLL_SECONDS: "1" })).toBe(5_000);
    expect(laporPollIntervalMs({ LAPOR_POLL_SECONDS: "often" })).toBe(60_000);
  });
});
