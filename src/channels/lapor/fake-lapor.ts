/**
 * Test-only: a local fake of the LAPOR! integration API as ./README.md documents it, on 127.0.0.1
 * (port 0). It checks the bearer token and the instansi, serves `items` as the disposition feed
 * with an opaque offset cursor, records status pushes (tindak lanjut) and answers (tanggapan) once
 * per Idempotency-Key, and can be scripted to fail chosen requests (500, 429, "hang" ...).
 */
import { startFakeHttp, type FakeReply, type RecordedRequest } from "../outbound/fake-http.ts";
import { LAPOR_STATUSES } from "./lapor-client.ts";

export interface FakeLaporPost {
  laporId: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
}

export interface FakeLapor {
  /** LAPOR_API_BASE_URL for the client */
  baseUrl: string;
  /** the disposition feed, oldest first; push to dispose more */
  items: unknown[];
  statusPushes: FakeLaporPost[];
  tanggapan: FakeLaporPost[];
  requests: RecordedRequest[];
  /** The next `times` requests that match get `reply` instead of an answer. */
  failOn(when: (req: RecordedRequest) => boolean, reply: FakeReply, times?: number): void;
  /** The cursor the feed hands out after `offset` items (what a test expects to be stored). */
  cursorAfter(offset: number): string;
  close(): Promise<void>;
}

export async function startFakeLapor(opts: { token: string; agencyId: string; items?: unknown[] }): Promise<FakeLapor> {
  const items = [...(opts.items ?? [])];
  const statusPushes: FakeLaporPost[] = [];
  const tanggapan: FakeLaporPost[] = [];
  const failures: { when: (req: RecordedRequest) => boolean; reply: FakeReply; times: number }[] = [];

  const handle = (req: RecordedRequest): FakeReply => {
    const failure = failures.find((f) => f.times > 0 && f.when(req));
    if (failure) {
      failure.times--;
      return failure.reply;
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) return error(401, "unauthorized", "token tidak valid");
    const url = new URL(req.url, "http://fake");
    if (req.method === "GET" && url.pathname === "/v1/disposisi") return feed(url.searchParams);
    const post = /^\/v1\/laporan\/([^/]+)\/(tindak-lanjut|tanggapan)$/.exec(url.pathname);
    if (req.method === "POST" && post) return record(req, decodeURIComponent(post[1]!), post[2] === "tindak-lanjut" ? "status" : "tanggapan");
    return error(404, "not_found", "tidak ada");
  };

  const feed = (q: URLSearchParams): FakeReply => {
    if (q.get("instansi") !== opts.agencyId) return error(403, "instansi_mismatch", "token bukan milik instansi ini");
    const limit = Number(q.get("limit") ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return error(400, "invalid_limit", "limit 1..100");
    const cursor = q.get("cursor");
    const offset = cursor === null ? 0 : offsetOf(cursor);
    if (offset === null || offset > items.length) return error(400, "invalid_cursor", "cursor tidak dikenal");
    const page = items.slice(offset, offset + limit);
    const end = offset + page.length;
    return { status: 200, json: { data: page, next_cursor: end === 0 ? null : cursorAfter(end), has_more: end < items.length } };
  };

  const record = (req: RecordedRequest, laporId: string, kind: "status" | "tanggapan"): FakeReply => {
    if (!items.some((i) => String((i as { id?: unknown }).id) === laporId)) return error(404, "laporan_not_found", "laporan tidak ditemukan");
    const key = req.headers["idempotency-key"];
    if (typeof key !== "string" || key === "") return error(400, "idempotency_key_required", "Idempotency-Key wajib");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return error(400, "invalid_json", "body bukan JSON");
    }
    if (typeof body.isi !== "string" || body.isi.trim() === "") return error(422, "isi_required", "isi wajib diisi");
    const list = kind === "status" ? statusPushes : tanggapan;
    if (kind === "status") {
      if (!(LAPOR_STATUSES as readonly string[]).includes(String(body.status))) return error(422, "invalid_status", "status tidak dikenal");
      if (!Array.isArray(body.lampiran) || typeof body.updated_at !== "string") return error(422, "invalid_body", "lampiran dan updated_at wajib");
    }
    const seen = list.findIndex((p) => p.laporId === laporId && p.idempotencyKey === key);
    const index = seen >= 0 ? seen : list.push({ laporId, idempotencyKey: key, body }) - 1;
    const prefix = kind === "status" ? "tl" : "tgp";
    return { status: kind === "status" ? 200 : 201, json: { data: { id: `${prefix}-${index + 1}` } } };
  };

  const http = await startFakeHttp(handle);
  return {
    baseUrl: http.origin,
    items,
    statusPushes,
    tanggapan,
    requests: http.requests,
    failOn(when, reply, times = 1) {
      failures.push({ when, reply, times });
    },
    cursorAfter,
    close: () => http.close(),
  };
}

/** One disposition item in the documented shape; fields can be overridden (or set to garbage). */
export function laporItem(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(5_300_000 + n),
    tracking_id: `LPR-2505-${String(n).padStart(7, "0")}`,
    judul: `Laporan nomor ${n}`,
    isi: `Isi laporan warga nomor ${n}`,
    kategori: "Jalan Rusak",
    klasifikasi: "pengaduan",
    lokasi: { lat: -6.1754, lon: 106.8272, alamat: "Jl. Medan Merdeka Barat, Gambir" },
    lampiran: [],
    pelapor: { id: `u-${n}`, nama: `Warga ${n}`, anonim: false, rahasia: false },
    tanggal_laporan: "2025-05-27T19:12:04+07:00",
    tanggal_disposisi: "2025-05-28T10:00:00+07:00",
    ...overrides,
  };
}

function cursorAfter(offset: number): string {
  return Buffer.from(`o:${offset}`, "utf8").toString("base64url");
}

function offsetOf(cursor: string): number | null {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
}

function error(status: number, code: string, message: string): FakeReply {
  return { status, json: { error: { code, message } } };
}
