/**
 * The public list and map of reports (Balai Warga): only reports with `public_listed` (migration 011: not
 * confidential, not closed as invalid, not held at triage for abuse, spam or emptiness), newest first, walked
 * down reports_public_created_idx. Only the columns the public may see leave this file (no citizen, no unit,
 * no triage record); the description is redacted by the caller.
 */
import type { Queryable } from "./db.ts";

export interface PublicListFilter {
  states?: readonly string[];
  category?: string;
  /** a kelurahan code or a prefix of one (31.71, 31.71.01) */
  kelurahan?: string;
  kind?: string;
  q?: string;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  /** created at or after */
  since?: Date;
  /** only reports with a point */
  withPoint?: boolean;
  /** the last row's `cursorAt` and id */
  cursor?: { createdAt: string; id: string };
  limit: number;
}

export interface PublicReportRow {
  id: string;
  ticket: string;
  state: string;
  kind: string;
  categoryCode: string | null;
  kelurahanCode: string | null;
  description: string;
  lat: number | null;
  lon: number | null;
  supportCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** created_at to the microsecond (a Date keeps milliseconds), for the keyset cursor */
  cursorAt: string;
}

interface Row {
  id: string;
  ticket: string;
  state: string;
  kind: string;
  category_code: string | null;
  kelurahan_code: string | null;
  description: string;
  lat: number | null;
  lon: number | null;
  support_count: number;
  created_at: Date;
  updated_at: Date;
  cursor_at: string;
}

const KELURAHAN_CODE = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;

/** Escapes LIKE's wildcards so a search for "50%" means the text "50%". */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => "\\" + c);

/** Publicly listed reports matching the filter, newest first (created_at desc, id desc). */
export async function listPublicReports(q: Queryable, f: PublicListFilter, columns: "list" | "map" = "list"): Promise<PublicReportRow[]> {
  const where = ["public_listed"];
  const values: unknown[] = [];
  const p = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (f.states?.length) where.push(`state = any(${p(f.states)}::text[])`);
  if (f.category) where.push(`category_code = ${p(f.category)}`);
  // A whole kelurahan code is one value; a prefix of whole segments (31.71, 31.71.01) is a range. Either way one
  // condition, so the planner sees how selective it is (an "= or like" was estimated as most of the table).
  if (f.kelurahan) where.push(KELURAHAN_CODE.test(f.kelurahan) ? `kelurahan_code = ${p(f.kelurahan)}` : `kelurahan_code like ${p(likeEscape(f.kelurahan) + ".%")}`);
  if (f.kind) where.push(`kind = ${p(f.kind)}`);
  if (f.q) {
    const like = p(`%${likeEscape(f.q)}%`);
    where.push(`(ticket ilike ${like} or description ilike ${like})`);
  }
  if (f.bbox) {
    where.push(`lat between ${p(f.bbox.minLat)}::float8 and ${p(f.bbox.maxLat)}::float8`);
    where.push(`lon between ${p(f.bbox.minLon)}::float8 and ${p(f.bbox.maxLon)}::float8`);
  }
  if (f.withPoint) where.push("lat is not null and lon is not null");
  if (f.since) where.push(`created_at >= ${p(f.since)}::timestamptz`);
  if (f.cursor) where.push(`(created_at, id) < (${p(f.cursor.createdAt)}::timestamptz, ${p(f.cursor.id)}::uuid)`);
  const select = `id, ticket, state, kind, category_code, kelurahan_code, ${columns === "map" ? "'' as description" : "description"}, lat, lon,
    support_count, created_at, updated_at, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;
  const { rows } = await q.query<Row>(
    `select ${select} from reports where ${where.join(" and ")} order by created_at desc, id desc limit ${p(f.limit)}`,
    values,
  );
  return rows.map((r) => ({
    id: r.id,
    ticket: r.ticket,
    state: r.state,
    kind: r.kind,
    categoryCode: r.category_code,
    kelurahanCode: r.kelurahan_code,
    description: r.description,
    lat: r.lat,
    lon: r.lon,
    supportCount: r.support_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    cursorAt: r.cursor_at,
  }));
}
