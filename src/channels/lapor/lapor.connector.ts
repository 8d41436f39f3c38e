/**
 * The INBOUND LAPOR! connector: one item of the disposition feed (stored by lapor-poller.ts as one
 * payload) becomes one InboundMessage. LAPOR! has no webhook, so verify() refuses every request.
 * The item shape and the mapping are documented in ./README.md.
 *
 * Decisions, for the record:
 * - externalId `laporan:{id}`; thread.externalReportId = id (the report's channelRef, where status
 *   and answers go back to).
 * - An anonymous reporter (pelapor.anonim) is `lapor_user` `anonim:{id}`: one identity per report,
 *   no name, never linked to the reporter's other reports even when LAPOR! sends an account id.
 * - LAPOR!'s deadlines (verify in 3 working days, answer in 5) run from tanggal_disposisi.
 * - kategori maps to one of our category codes only through LAPOR_CATEGORY_CODES; broad LAPOR!
 *   categories ("Infrastruktur", "Lingkungan Hidup dan Kehutanan") are left to triage.
 * - Anything unreadable throws: the payload is kept as malformed.
 */
import type { InboundAttachment, InboundMessage, SenderIdentity, WebhookConnector } from "../connector.ts";
import { id, object, optionalString, type Json, type JsonObject } from "../json-fields.ts";

export const LAPOR_CHANNEL = "lapor";
export const LAPOR_SENDER_KIND = "lapor_user";
export const LAPOR_DEADLINES = [
  { name: "lapor_verify", workingDays: 3 },
  { name: "lapor_answer", workingDays: 5 },
] as const;

const KINDS = ["pengaduan", "aspirasi", "permintaan_informasi"] as const;
type LaporKind = (typeof KINDS)[number];

/**
 * LAPOR! category names (lower case, "&" read as "dan", spaces collapsed) -> our category codes
 * (data/reference/deployments/jakarta/categories.json). Only names that mean one of our categories.
 */
export const LAPOR_CATEGORY_CODES: Readonly<Record<string, string>> = {
  "jalan rusak": "jalan_rusak",
  "jalan dan jembatan": "jalan_rusak",
  "trotoar": "trotoar_rusak",
  "penerangan jalan umum": "lampu_jalan",
  "banjir": "saluran_banjir",
  "drainase": "saluran_banjir",
  "sumber daya air": "saluran_banjir",
  "persampahan": "sampah",
  "sampah": "sampah",
  "pencemaran lingkungan": "pencemaran",
  "pohon tumbang": "pohon",
  "pertamanan": "taman",
  "parkir liar": "parkir_liar",
  "lalu lintas": "rambu_lalu_lintas",
  "transportasi umum": "transportasi_umum",
  "pedagang kaki lima": "pkl",
  "ketentraman, ketertiban umum, dan perlindungan masyarakat": "ketertiban_umum",
  "ketertiban umum": "ketertiban_umum",
  "bangunan liar": "bangunan",
  "perizinan bangunan": "bangunan",
  "pemadam kebakaran": "kebakaran",
  "kesehatan": "kesehatan",
  "pendidikan": "pendidikan",
  "pendidikan dan kebudayaan": "pendidikan",
  "kependudukan": "adminduk",
  "administrasi kependudukan": "adminduk",
  "sosial": "sosial",
  "sosial dan kesejahteraan": "sosial",
  "air bersih": "air_bersih",
  "air minum": "air_bersih",
  "kelistrikan": "listrik",
};

/** Our category code for a LAPOR! category name, or null when it has none. */
export function laporCategoryCode(kategori: string | null): string | null {
  if (kategori === null) return null;
  const key = kategori.toLowerCase().replace(/&/g, " dan ").replace(/\s+/g, " ").trim();
  return LAPOR_CATEGORY_CODES[key] ?? null;
}

/** The externalId a LAPOR! report arrives as. */
export function laporMessageId(laporId: string): string {
  return `laporan:${laporId}`;
}

const MAX_ATTACHMENTS = 20;


export class LaporConnector implements WebhookConnector {
  readonly channel = LAPOR_CHANNEL;

  /** No webhook: LAPOR! is polled (lapor-poller.ts). */
  verify(): boolean {
    return false;
  }

  parse(rawBody: Buffer): InboundMessage[] {
    let parsed: Json;
    try {
      parsed = JSON.parse(rawBody.toString("utf8")) as Json;
    } catch {
      throw new Error("a LAPOR! item is a JSON object");
    }
    const item = object(parsed, "the LAPOR! item");
    const laporId = id(item, "id", "laporan");
    const judul = optionalString(item, "judul", "laporan")?.trim() ?? "";
    const isi = optionalString(item, "isi", "laporan")?.trim() ?? "";
    if (judul === "" && isi === "") throw new Error("laporan has neither judul nor isi");
    const lokasi = item["lokasi"] === undefined || item["lokasi"] === null ? null : object(item["lokasi"], "laporan.lokasi");
    const location = lokasi ? point(lokasi) : null;
    const alamat = lokasi ? optionalString(lokasi, "alamat", "laporan.lokasi")?.trim() : null;
    const tracking = optionalString(item, "tracking_id", "laporan")?.trim();
    const text = [isi, alamat ? `Lokasi: ${alamat}` : "", tracking ? `Nomor LAPOR!: ${tracking}` : ""].filter(Boolean).join("\n");
    const disposedAt = timestamp(item, "tanggal_disposisi");
    if (!disposedAt) throw new Error("laporan.tanggal_disposisi is required");
    return [{
      channel: this.channel,
      externalId: laporMessageId(laporId),
      kind: "message",
      sender: reporter(item, laporId),
      subject: judul || null,
      text,
      sentAt: timestamp(item, "tanggal_laporan"),
      location,
      attachments: attachments(item["lampiran"]),
      thread: { externalReportId: laporId },
      reportKind: kind(item),
      categoryCode: laporCategoryCode(optionalString(item, "kategori", "laporan")),
      // The reporter asked for the report to be kept from the public (the field only when set).
      ...(object(item["pelapor"], "laporan.pelapor")["rahasia"] === true ? { confidential: true } : {}),
      partnerDeadlines: LAPOR_DEADLINES.map((d) => ({ name: d.name, workingDays: d.workingDays, from: disposedAt })),
    }];
  }
}

function reporter(item: JsonObject, laporId: string): SenderIdentity {
  const p = object(item["pelapor"], "laporan.pelapor");
  const anonymous = p["anonim"];
  if (typeof anonymous !== "boolean") throw new Error("laporan.pelapor.anonim must be a boolean");
  if (p["rahasia"] !== undefined && typeof p["rahasia"] !== "boolean") throw new Error("laporan.pelapor.rahasia must be a boolean");
  if (anonymous) return { kind: LAPOR_SENDER_KIND, value: `anonim:${laporId}`, name: null };
  const name = optionalString(p, "nama", "laporan.pelapor")?.trim();
  return { kind: LAPOR_SENDER_KIND, value: id(p, "id", "laporan.pelapor"), name: name || null };
}

function kind(item: JsonObject): LaporKind {
  const k = item["klasifikasi"];
  if (typeof k !== "string" || !(KINDS as readonly string[]).includes(k)) throw new Error(`laporan.klasifikasi must be one of ${KINDS.join(", ")}`);
  return k as LaporKind;
}

function point(lokasi: JsonObject): { lat: number; lon: number } | null {
  const lat = lokasi["lat"] ?? null;
  const lon = lokasi["lon"] ?? null;
  if (lat === null && lon === null) return null;
  if (typeof lat !== "number" || !Number.isFinite(lat) || Math.abs(lat) > 90) throw new Error("laporan.lokasi.lat must be a number within ±90");
  if (typeof lon !== "number" || !Number.isFinite(lon) || Math.abs(lon) > 180) throw new Error("laporan.lokasi.lon must be a number within ±180");
  return { lat, lon };
}

function attachments(value: Json | undefined): InboundAttachment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error("laporan.lampiran must be an array");
  return value.slice(0, MAX_ATTACHMENTS).map((a) => {
    const o = object(a, "laporan.lampiran[]");
    const url = o["url"];
    if (typeof url !== "string" || !/^https?:\/\/\S+$/i.test(url)) throw new Error("laporan.lampiran[].url must be an http(s) URL");
    return { url, contentType: optionalString(o, "mime", "laporan.lampiran[]") };
  });
}

/** An ISO 8601 timestamp with an explicit offset (Z or ±hh:mm); null when absent, throws when unreadable. */
function timestamp(o: JsonObject, key: string): Date | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    throw new Error(`laporan.${key} must be an ISO 8601 timestamp with an offset`);
  }
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`laporan.${key} is not a valid time`);
  return d;
}
