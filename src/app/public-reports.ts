import { DomainError } from "../domain/errors.ts";
import { publicCoordinate, scrubPublicText } from "../domain/projection.ts";
import { COLOUR_STATES, STATE_COLOUR, STATE_LABEL, type Colour, type Language, type ReportKind, type ReportState } from "../domain/report.ts";
import { listPublicReports, type PublicListFilter, type PublicReportRow } from "../store/public-reports.store.ts";
import type { AppContext } from "./context.ts";
import type { Reference } from "./reference-cache.ts";

export interface PublicListInput {
  colour?: Colour;
  category?: string;
  kelurahan?: string;
  kind?: ReportKind;
  q?: string;
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  cursor?: string;
  limit?: number;
}

export interface PublicMapInput {
  colour?: Colour;
  category?: string;
  kelurahan?: string;
  days?: number;
  bbox?: PublicListInput["bbox"];
}

export const PUBLIC_LIST_MAX = 100;
export const PUBLIC_MAP_MAX_FEATURES = 5000;
const SUMMARY_MAX = 200;

/**
 * A report's description fit for a public list: contact details masked (e-mail addresses, phone numbers in
 * 08xx / 62 / +62 forms, 16-digit NIK, @handles), whitespace folded, cut to 200 characters.
 */
export function publicSummary(description: string): string {
  const scrubbed = (scrubPublicText(description, "id") ?? "").replace(/\s+/g, " ").trim();
  const chars = Array.from(scrubbed);
  return chars.length > SUMMARY_MAX ? chars.slice(0, SUMMARY_MAX - 1).join("").trimEnd() + "…" : scrubbed;
}

function checkCategory(ref: Reference, code: string | undefined): void {
  if (code && !ref.categories.has(code)) throw new DomainError("VALIDATION_FAILED", `unknown category ${code}`);
}

function categoryOf(ref: Reference, code: string | null, language: Language) {
  const c = code ? ref.categories.get(code) : undefined;
  return c ? { code: c.code, name: language === "en" ? c.nameEn : c.nameId } : null;
}

function baseFilter(input: PublicListInput | PublicMapInput): Omit<PublicListFilter, "limit"> {
  return {
    states: input.colour ? COLOUR_STATES[input.colour] : undefined,
    category: input.category,
    kelurahan: input.kelurahan,
    bbox: input.bbox,
  };
}

/**
 * The public list of reports (Balai Warga): newest first with a keyset cursor, without confidential reports,
 * reports closed as invalid, or reports held at triage for abuse, spam or emptiness. No identity: the summary
 * is the redacted description, the point is rounded to about 100 m.
 */
export async function listPublic(ctx: AppContext, input: PublicListInput, language: Language) {
  const ref = await ctx.reference.get();
  checkCategory(ref, input.category);
  const limit = Math.min(Math.max(input.limit ?? 20, 1), PUBLIC_LIST_MAX);
  const rows = await listPublicReports(ctx.pool, {
    ...baseFilter(input),
    kind: input.kind,
    q: input.q,
    cursor: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentItem(ref, r, language)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
  };
}

function presentItem(ref: Reference, r: PublicReportRow, language: Language) {
  const state = r.state as ReportState;
  return {
    ticket: r.ticket,
    state,
    label: STATE_LABEL[language][state],
    colour: STATE_COLOUR[state],
    kind: r.kind,
    category: categoryOf(ref, r.categoryCode, language),
    kelurahan: r.kelurahanCode ? { code: r.kelurahanCode, name: ref.regionNames.get(r.kelurahanCode) ?? r.kelurahanCode } : null,
    summary: publicSummary(r.description),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    supportCount: r.supportCount,
    lat: publicCoordinate(r.lat),
    lon: publicCoordinate(r.lon),
  };
}

/**
 * The public map: the newest (at most 5,000) publicly listed reports with a point, created in the last `days`
 * days, as a GeoJSON FeatureCollection with rounded coordinates ([lon, lat], RFC 7946).
 */
export async function mapPublic(ctx: AppContext, input: PublicMapInput, language: Language) {
  const ref = await ctx.reference.get();
  checkCategory(ref, input.category);
  const days = input.days ?? 90;
  const rows = await listPublicReports(ctx.pool, {
    ...baseFilter(input),
    withPoint: true,
    since: new Date(ctx.now().getTime() - days * 86_400_000),
    limit: PUBLIC_MAP_MAX_FEATURES,
  }, "map");
  return {
    type: "FeatureCollection" as const,
    features: rows.map((r) => {
      const state = r.state as ReportState;
      return {
        type: "Feature" as const,
        geometry: { type: "Point" as const, coordinates: [publicCoordinate(r.lon), publicCoordinate(r.lat)] },
        properties: {
          ticket: r.ticket,
          colour: STATE_COLOUR[state],
          label: STATE_LABEL[language][state],
          category: categoryOf(ref, r.categoryCode, language),
        },
      };
    }),
  };
}

/** The last row's creation time (to the microsecond, as PostgreSQL keeps it) and id. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at !== "string" || typeof id !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(at)) throw new Error("bad cursor");
    const year = new Date(at).getUTCFullYear();
    if (Number.isNaN(year) || year < 2000 || year > 2200 || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error("bad cursor");
    return { createdAt: at, id };
  } catch {
    throw new DomainError("VALIDATION_FAILED", "invalid cursor");
  }
}
