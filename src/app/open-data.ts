import { DomainError } from "../domain/errors.ts";
import { publicCoordinate } from "../domain/projection.ts";
import { STATE_COLOUR, type ReportState } from "../domain/report.ts";
import { jakartaDate } from "../domain/stats.ts";
import { CSV_BOM, csvRow } from "../domain/summary.ts";
import { openDataBatch, type KeysetCursor, type OpenDataFilter, type OpenDataRow } from "../store/exports.store.ts";
import type { AppContext } from "./context.ts";
import { allowOpenDataDownload } from "./rate-limits.ts";
import type { Reference } from "./reference-cache.ts";
import { EXPORT_BATCH } from "./exports.ts";

/**
 * Open data: the publicly listed reports (never confidential ones, never those closed as invalid or held at triage
 * as abusive, spam or empty), without login. No description at all: the portal shows one report's scrubbed summary
 * at a time, but the scrubber only catches contact patterns (phones, e-mails, NIK, handles), not names, house
 * addresses or plate numbers, and a bulk file is copied and kept forever where no correction reaches it.
 * Points are rounded to 3 decimals (about 100 m). No identity, no notes, no holding unit.
 */
export interface OpenDataInput {
  /** YYYY-MM-DD, Jakarta calendar days, both inclusive; default the last 12 months */
  from?: string;
  to?: string;
  category?: string;
  kelurahan?: string;
}

export const OPEN_DATA_COLUMNS = [
  "ticket", "created_at", "category", "category_name", "kelurahan_code", "kelurahan", "kecamatan_code", "kecamatan", "kota_code", "kota",
  "state", "colour", "done_at", "closed_at", "close_reason", "channel", "lat", "lon", "support_count", "reopen_count",
] as const;

/** A Jakarta calendar day's first instant. */
const dayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00+07:00`));

async function filterOf(ctx: AppContext, input: OpenDataInput): Promise<{ ref: Reference; filter: OpenDataFilter }> {
  const ref = await ctx.reference.get();
  if (input.category && !ref.categories.has(input.category)) throw new DomainError("VALIDATION_FAILED", `unknown category ${input.category}`);
  const today = jakartaDate(ctx.now());
  const to = input.to ?? today;
  const fromDefault = new Date(Date.parse(`${to}T00:00:00Z`));
  fromDefault.setUTCFullYear(fromDefault.getUTCFullYear() - 1);
  const from = input.from ?? fromDefault.toISOString().slice(0, 10);
  if (from > to) throw new DomainError("VALIDATION_FAILED", "from must not be after to");
  const end = new Date(dayStart(to).getTime() + 86_400_000);
  return { ref, filter: { from: dayStart(from), to: end, category: input.category, kelurahan: input.kelurahan } };
}

const parent = (code: string | null, segments: number) => (code ? code.split(".").slice(0, segments).join(".") : null);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One open-data record: the public fields only. */
function record(ref: Reference, r: OpenDataRow) {
  const state = r.state as ReportState;
  const kecamatan = parent(r.kelurahan_code, 3);
  const kota = parent(r.kelurahan_code, 2);
  const name = (code: string | null) => (code ? (ref.regionNames.get(code) ?? null) : null);
  return {
    ticket: r.ticket,
    created_at: r.created_at.toISOString(),
    category: r.category_code,
    category_name: r.category_code ? (ref.categories.get(r.category_code)?.nameId ?? null) : null,
    kelurahan_code: r.kelurahan_code,
    kelurahan: name(r.kelurahan_code),
    kecamatan_code: kecamatan,
    kecamatan: name(kecamatan),
    kota_code: kota,
    kota: name(kota),
    state,
    colour: STATE_COLOUR[state],
    done_at: iso(r.done_at),
    closed_at: iso(r.closed_at),
    close_reason: r.close_reason,
    channel: r.channel,
    lat: publicCoordinate(r.lat),
    lon: publicCoordinate(r.lon),
    support_count: r.support_count,
    reopen_count: r.reopen_count,
  };
}

async function* batches(ctx: AppContext, filter: OpenDataFilter): AsyncGenerator<OpenDataRow[]> {
  let after: KeysetCursor | null = null;
  for (;;) {
    const rows = await openDataBatch(ctx.pool, filter, after, EXPORT_BATCH);
    if (rows.length) yield rows;
    if (rows.length < EXPORT_BATCH) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.id };
  }
}

/** Checks the input and answers the CSV stream (validation errors are thrown before the first byte). */
export async function openDataCsv(ctx: AppContext, input: OpenDataInput, clientAddress: string): Promise<AsyncGenerator<string>> {
  const { ref, filter } = await filterOf(ctx, input);
  await allowOpenDataDownload(ctx, clientAddress);
  return (async function* () {
    yield CSV_BOM + csvRow(OPEN_DATA_COLUMNS);
    for await (const rows of batches(ctx, filter)) {
      yield rows.map((r) => {
        const rec = record(ref, r);
        return csvRow(OPEN_DATA_COLUMNS.map((c) => rec[c]));
      }).join("");
    }
  })();
}

/** The same records as a GeoJSON FeatureCollection (RFC 7946, [lon, lat]); a report without a point has geometry null. */
export async function openDataGeoJson(ctx: AppContext, input: OpenDataInput, clientAddress: string): Promise<AsyncGenerator<string>> {
  const { ref, filter } = await filterOf(ctx, input);
  await allowOpenDataDownload(ctx, clientAddress);
  return (async function* () {
    yield '{"type":"FeatureCollection","features":[';
    let first = true;
    for await (const rows of batches(ctx, filter)) {
      let chunk = "";
      for (const r of rows) {
        const { lat, lon, ...properties } = record(ref, r);
        const geometry = lat !== null && lon !== null ? { type: "Point", coordinates: [lon, lat] } : null;
        chunk += (first ? "" : ",") + JSON.stringify({ type: "Feature", geometry, properties });
        first = false;
      }
      yield chunk;
    }
    yield "]}";
  })();
}

const FIELDS: Array<{ name: (typeof OPEN_DATA_COLUMNS)[number]; id: string; en: string }> = [
  { name: "ticket", id: "Nomor tiket laporan", en: "Report ticket number" },
  { name: "created_at", id: "Waktu laporan diterima (UTC, ISO 8601)", en: "When the report was received (UTC, ISO 8601)" },
  { name: "category", id: "Kode kategori", en: "Category code" },
  { name: "category_name", id: "Nama kategori", en: "Category name (Indonesian)" },
  { name: "kelurahan_code", id: "Kode kelurahan Kemendagri", en: "Kemendagri kelurahan code" },
  { name: "kelurahan", id: "Nama kelurahan", en: "Kelurahan name" },
  { name: "kecamatan_code", id: "Kode kecamatan", en: "Kecamatan code" },
  { name: "kecamatan", id: "Nama kecamatan", en: "Kecamatan name" },
  { name: "kota_code", id: "Kode kota/kabupaten", en: "City/regency code" },
  { name: "kota", id: "Nama kota/kabupaten", en: "City/regency name" },
  { name: "state", id: "Status internal (triage, waiting, coordination, disposition, in_progress, awaiting_validation, follow_up_rejected, done, closed)", en: "Internal state (triage ... closed)" },
  { name: "colour", id: "Warna publik: merah = belum ditangani, kuning = diproses, hijau = selesai, abu-abu = ditutup", en: "Public colour: red = not yet handled, yellow = in process, green = done, grey = closed" },
  { name: "done_at", id: "Waktu tindak lanjut divalidasi (selesai)", en: "When the follow-up was validated (done)" },
  { name: "closed_at", id: "Waktu ditutup tanpa perbaikan", en: "When closed without a fix" },
  { name: "close_reason", id: "Alasan penutupan (duplicate, outside_jurisdiction, no_further_action)", en: "Close reason" },
  { name: "channel", id: "Kanal asal laporan", en: "Channel the report came from" },
  { name: "lat", id: "Lintang, dibulatkan 3 desimal (sekitar 100 m)", en: "Latitude rounded to 3 decimals (about 100 m)" },
  { name: "lon", id: "Bujur, dibulatkan 3 desimal (sekitar 100 m)", en: "Longitude rounded to 3 decimals (about 100 m)" },
  { name: "support_count", id: "Jumlah dukungan warga (+1)", en: "Citizen supports (+1)" },
  { name: "reopen_count", id: "Berapa kali dibuka kembali", en: "Times reopened" },
];

/** The open-data catalogue: what the files hold, under which licence, and where they are. */
export function openDataCatalogue(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, "");
  return {
    title: { id: "Laporan warga (Aspirasi)", en: "Citizen reports (Aspirasi)" },
    description: {
      id: "Laporan warga yang tampil di portal publik: tanpa identitas pelapor, tanpa isi laporan, lokasi dibulatkan sekitar 100 m. Laporan rahasia, tidak valid, atau kasar tidak disertakan.",
      en: "Citizen reports shown on the public portal: no reporter identity, no report text, locations rounded to about 100 m. Confidential, invalid and abusive reports are left out.",
    },
    // The licence is the city's choice; CC BY 4.0 is the default this deployment ships with.
    licence: { id: "CC-BY-4.0", name: "Creative Commons Attribution 4.0 International", url: "https://creativecommons.org/licenses/by/4.0/", note: "chosen by the city government" },
    parameters: {
      from: { id: "Tanggal awal YYYY-MM-DD (bawaan: 12 bulan sebelum `to`)", en: "First day YYYY-MM-DD (default: 12 months before `to`)" },
      to: { id: "Tanggal akhir YYYY-MM-DD, termasuk (bawaan: hari ini, WIB)", en: "Last day YYYY-MM-DD, inclusive (default: today, Jakarta time)" },
      category: { id: "Kode kategori", en: "Category code" },
      kelurahan: { id: "Kode kelurahan atau awalan (31.71 atau 31.71.01)", en: "Kelurahan code or prefix (31.71 or 31.71.01)" },
    },
    fields: FIELDS.map((f) => ({ name: f.name, description: { id: f.id, en: f.en } })),
    distributions: [
      { format: "CSV", mediaType: "text/csv", url: `${base}/api/v1/open-data/reports.csv` },
      { format: "GeoJSON", mediaType: "application/geo+json", url: `${base}/api/v1/open-data/reports.geojson` },
    ],
  };
}
