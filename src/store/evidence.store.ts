import type { EvidenceFlag } from "../domain/evidence.ts";
import type { Queryable } from "./db.ts";

/**
 * Perceptual hashes and evidence flags of photos (migration 009_evidence.sql).
 *
 * Near-match search by multi-index hashing: the 64-bit hash is cut into 4 bands of 16 bits (4 hex
 * digits each), each band a btree-indexed column. Two hashes within 11 bits differ in at most 2 bits
 * in at least one band, so asking each band's index for the 137 values within 2 bits finds every
 * photo within {@link MAX_SEARCH_DISTANCE} bits; the exact distance is computed only on those
 * candidates (4 x 137 / 65536 = 0.8% of the photos when band values are spread evenly; photos with
 * much alike low frequencies share more band values). Chosen over computing the distance against
 * every hash (linear in all photos ever checked) and over matching 4 bands exactly (which only
 * guarantees a distance of 3, below the reuse threshold).
 */

const BANDS = 4;
const BAND_BITS = 16;
const BAND_PROBE_RADIUS = 2;
/** The largest distance the band search is guaranteed to find. */
export const MAX_SEARCH_DISTANCE = BANDS * (BAND_PROBE_RADIUS + 1) - 1;

/** A photo of a report, with what the evidence check needs. */
export interface EvidenceUpload {
  id: string;
  originalKey: string;
  exif: Record<string, unknown> | null;
  phash: string | null;
  /** it was submitted as follow-up evidence before (its flags were written) */
  checked: boolean;
}

/** A report with a photo near a given hash. */
export interface NearPhoto {
  ticket: string;
  lat: number | null;
  lon: number | null;
  /** the smallest Hamming distance among that report's photos */
  distance: number;
}

function bandsOf(hex: string): number[] {
  return Array.from({ length: BANDS }, (_, i) => parseInt(hex.slice(i * 4, i * 4 + 4), 16));
}

/** Every value within {@link BAND_PROBE_RADIUS} (2) bits of one band value. */
function probeValues(value: number): number[] {
  const values = [value];
  for (let i = 0; i < BAND_BITS; i++) {
    values.push(value ^ (1 << i));
    for (let j = i + 1; j < BAND_BITS; j++) values.push(value ^ (1 << i) ^ (1 << j));
  }
  return values;
}

/** The unsigned hex hash as PostgreSQL's signed bigint, in decimal. */
function toBigint(hex: string): string {
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}

function fromBigint(value: string): string {
  return BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, "0");
}

interface EvidenceRow {
  id: string;
  original_key: string;
  exif: Record<string, unknown> | null;
  phash: string | null;
  checked: boolean;
}

const EVIDENCE_COLUMNS = "id, original_key, exif, phash::text as phash, evidence_flags is not null as checked";

const toEvidenceUpload = (r: EvidenceRow): EvidenceUpload => ({
  id: r.id,
  originalKey: r.original_key,
  exif: r.exif,
  phash: r.phash === null ? null : fromBigint(r.phash),
  checked: r.checked,
});

/** The photos attached to a report, oldest first. */
export async function listEvidenceUploads(q: Queryable, reportId: string): Promise<EvidenceUpload[]> {
  const { rows } = await q.query<EvidenceRow>(`select ${EVIDENCE_COLUMNS} from uploads where report_id = $1 order by created_at, id`, [reportId]);
  return rows.map(toEvidenceUpload);
}

/** Photos by id, attached anywhere or not yet. */
export async function findEvidenceUploads(q: Queryable, ids: string[]): Promise<EvidenceUpload[]> {
  const { rows } = await q.query<EvidenceRow>(`select ${EVIDENCE_COLUMNS} from uploads where id = any($1::uuid[]) order by created_at, id`, [ids]);
  return rows.map(toEvidenceUpload);
}

export async function saveUploadHash(q: Queryable, uploadId: string, hex: string): Promise<void> {
  await q.query("update uploads set phash = $2::bigint, phash_b0 = $3, phash_b1 = $4, phash_b2 = $5, phash_b3 = $6 where id = $1", [uploadId, toBigint(hex), ...bandsOf(hex)]);
}

/** Reports other than `excludeReportId` with a photo within `maxDistance` bits of the hash, nearest first. */
export async function findNearPhotos(q: Queryable, hex: string, excludeReportId: string, maxDistance: number, limit = 10): Promise<NearPhoto[]> {
  if (maxDistance > MAX_SEARCH_DISTANCE) throw new RangeError(`the band index finds distances up to ${MAX_SEARCH_DISTANCE}`);
  const { rows } = await q.query<NearPhoto>(
    `select r.ticket, r.lat, r.lon, min(bit_count((u.phash # $1::bigint)::bit(64)))::int as distance
       from uploads u join reports r on r.id = u.report_id
      where u.report_id is not null and u.report_id <> $2
        and (u.phash_b0 = any($3::int[]) or u.phash_b1 = any($4::int[]) or u.phash_b2 = any($5::int[]) or u.phash_b3 = any($6::int[]))
        and bit_count((u.phash # $1::bigint)::bit(64)) <= $7
      group by r.ticket, r.lat, r.lon
      order by distance, r.ticket
      limit $8`,
    [toBigint(hex), excludeReportId, ...bandsOf(hex).map(probeValues), maxDistance, limit],
  );
  return rows;
}

export async function saveEvidenceFlags(q: Queryable, uploadId: string, flags: EvidenceFlag[]): Promise<void> {
  await q.query("update uploads set evidence_flags = $2::jsonb where id = $1", [uploadId, JSON.stringify(flags)]);
}

/** Flags of the report's photos that were checked as follow-up evidence, by upload id. */
export async function listEvidenceFlags(q: Queryable, reportId: string): Promise<Map<string, EvidenceFlag[]>> {
  const { rows } = await q.query<{ id: string; evidence_flags: EvidenceFlag[] }>(
    "select id, evidence_flags from uploads where report_id = $1 and evidence_flags is not null",
    [reportId],
  );
  return new Map(rows.map((r) => [r.id, r.evidence_flags]));
}
