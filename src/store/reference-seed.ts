/**
 * Loads a deployment's reference data (regions, units, categories, holidays, settings) from the
 * files under data/reference/deployments/<name>/. Everything specific to a province lives in those
 * files; this loader only knows the national conventions (Kemendagri codes and region levels).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { RegionFeature } from "../domain/geo/kelurahan-locator.ts";
import type { OwnerPolicy, UnitKind } from "../domain/report.ts";
import type { Queryable } from "./db.ts";

const relativePath = z.string().min(1);

const deploymentSchema = z.looseObject({
  name: z.string().min(1),
  /** Kemendagri province code, e.g. "31". */
  provinceCode: z.string().regex(/^\d{2}$/),
  ticketPrefix: z.string().regex(/^[A-Z]{2,5}$/),
  timeZone: z.string().min(1),
  defaultLanguage: z.enum(["id", "en"]),
  languages: z.array(z.enum(["id", "en"])).default(["id", "en"]),
  /** Name of the province unit; defaults to the province's region name. */
  provinceUnit: z.object({ name: z.string().min(1), shortName: z.string().min(1).optional() }).optional(),
  /** Removed from the start of a kabupaten/kota name to make the short name used in sub-office names. */
  kotaNamePrefixesToStrip: z.array(z.string()).default([]),
  kelurahanHasPpsu: z.boolean().default(false),
  triageUnit: z.string().min(1),
  /** Paths below are relative to deployment.json. */
  regions: relativePath,
  boundaries: z.record(z.string(), relativePath).default({}),
  boundaryProperties: z
    .object({ code: z.string(), centroidLat: z.string().optional(), centroidLon: z.string().optional() })
    .default({ code: "kode" }),
  codeCrosswalk: relativePath.optional(),
  holidays: relativePath,
  agencies: relativePath,
  categories: relativePath,
  /** Triage's shipped models: the trained category classifier and the gazetteer's spellings and landmarks. */
  triage: z
    .object({ classifier: relativePath.optional(), gazetteerAliases: relativePath.optional(), landmarks: relativePath.optional() })
    .optional(),
});

/** The parsed deployment.json (unknown keys are kept, so the settings row holds the whole file). */
export type Deployment = z.infer<typeof deploymentSchema>;

const unitSpecSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "unit ids are kebab-case"),
    kind: z.enum(["agency", "triage", "external"]),
    name: z.string().min(1),
    shortName: z.string().min(1).optional(),
    hasSubOffices: z.boolean().default(false),
    /** Templates: {kota} = kota name without kotaNamePrefixesToStrip, {region} = full region name. */
    subOfficeName: z.string().optional(),
    subOfficeShortName: z.string().optional(),
    contact: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((u) => !u.hasSubOffices || (u.kind === "agency" && u.subOfficeName), {
    message: "only an agency has sub-offices, and it needs a subOfficeName template",
  });
const agenciesSchema = z.object({ units: z.array(unitSpecSchema).min(1) });

const ownerPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("agency"), agency: z.string().min(1) }),
  z.object({ kind: z.literal("kelurahan") }),
  z.object({ kind: z.literal("external"), unit: z.string().min(1) }),
  z.object({ kind: z.literal("triage") }),
]) satisfies z.ZodType<OwnerPolicy>;

const categorySchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  nameId: z.string().min(1),
  nameEn: z.string().min(1),
  ownerPolicy: ownerPolicySchema,
  slaFirstActionDays: z.number().int().min(0).max(365),
  slaResolutionDays: z.number().int().min(1).max(365),
  disputePolicy: z.enum(["reporter_only", "any_citizen", "none"]),
  disputeWindowDays: z.number().int().min(0).max(365).default(7),
  reopenEscalationThreshold: z.number().int().min(1).max(100).default(2),
  ppsuAllowed: z.boolean().default(false),
  keywords: z.array(z.string().min(1)).default([]),
  sortOrder: z.number().int().optional(),
});
const categoriesSchema = z.object({ categories: z.array(categorySchema).min(1) });

const geometrySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(z.array(z.number()))) }),
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
]);
const featureCollectionSchema = z.object({
  features: z.array(z.object({ properties: z.record(z.string(), z.unknown()), geometry: geometrySchema })),
});

type RegionLevel = "provinsi" | "kabupaten_kota" | "kecamatan" | "desa_kelurahan";
const REGION_LEVELS: ReadonlySet<string> = new Set<RegionLevel>(["provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan"]);

interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  geometry: RegionFeature["geometry"] | null;
  centroid_lat: number | null;
  centroid_lon: number | null;
}

interface UnitRow {
  id: string;
  kind: UnitKind;
  name: string;
  short_name: string | null;
  parent_id: string | null;
  region_code: string | null;
  has_ppsu: boolean;
  contact: Record<string, unknown>;
}

/** data/reference/deployments/jakarta, the first deployment, resolved from this file's location. */
export function defaultDeploymentDir(): string {
  return fileURLToPath(new URL("../../data/reference/deployments/jakarta", import.meta.url));
}

/** Reads and validates <deploymentDir>/deployment.json. */
export function readDeployment(deploymentDir: string): Deployment {
  return readJson(path.join(deploymentDir, "deployment.json"), deploymentSchema);
}

/** The polygons of one boundary layer of the deployment (e.g. "kelurahan"), ready for buildRegionLocator. */
export function readBoundaryFeatures(deploymentDir: string, layer: string): RegionFeature[] {
  const deployment = readDeployment(deploymentDir);
  const file = deployment.boundaries[layer];
  if (!file) throw new Error(`deployment ${deployment.name} has no "${layer}" boundary layer`);
  return readBoundaryLayer(path.resolve(deploymentDir, file), deployment).map(({ code, geometry }) => ({ code, geometry }));
}

/**
 * Seeds the reference data of a deployment when the units table is empty; otherwise does nothing
 * (an administrator may have edited units, categories or holidays since). Runs on the caller's
 * transaction. Counts are the rows inserted, by table and by region level / unit kind.
 */
export async function seedReferenceData(
  tx: Queryable,
  deploymentDir: string,
): Promise<{ seeded: boolean; counts: Record<string, number> }> {
  // Two processes starting together (api and worker) must not both seed: the second waits, then sees units.
  await tx.query("select pg_advisory_xact_lock(724612)");
  const existing = await tx.query<{ present: boolean }>("select exists (select 1 from units) as present");
  if (existing.rows[0]?.present) return { seeded: false, counts: {} };

  const deployment = readDeployment(deploymentDir);
  const resolve = (file: string) => path.resolve(deploymentDir, file);

  const regions = readRegions(resolve(deployment.regions), deployment.provinceCode);
  for (const file of Object.values(deployment.boundaries)) {
    for (const boundary of readBoundaryLayer(resolve(file), deployment)) {
      const region = regions.get(boundary.code);
      if (!region) continue;
      region.geometry = boundary.geometry;
      region.centroid_lat = boundary.centroid[0];
      region.centroid_lon = boundary.centroid[1];
    }
  }

  const agencies = readJson(resolve(deployment.agencies), agenciesSchema).units;
  const categories = readJson(resolve(deployment.categories), categoriesSchema).categories;
  checkCategoryOwners(categories, agencies, deployment);
  const units = buildUnits(deployment, [...regions.values()], agencies);
  const holidays = readHolidays(resolve(deployment.holidays));

  const counts: Record<string, number> = {};
  const regionRows = [...regions.values()].sort((a, b) => a.code.length - b.code.length || compare(a.code, b.code));
  const insertedRegions = await tx.query<{ level: string }>(
    `insert into regions (code, name, level, parent_code, geometry, centroid_lat, centroid_lon)
     select r.code, r.name, r.level, r.parent_code, r.geometry, r.centroid_lat, r.centroid_lon
       from jsonb_to_recordset($1::jsonb) as r(code text, name text, level text, parent_code text,
                                               geometry jsonb, centroid_lat double precision, centroid_lon double precision)
     on conflict (code) do nothing
     returning level`,
    [JSON.stringify(regionRows)],
  );
  tally(counts, "regions", insertedRegions.rows.map((r) => r.level));

  const insertedUnits = await tx.query<{ kind: string }>(
    `insert into units (id, kind, name, short_name, parent_id, region_code, has_ppsu, contact)
     select u.id, u.kind, u.name, u.short_name, u.parent_id, u.region_code, u.has_ppsu, u.contact
       from jsonb_to_recordset($1::jsonb) as u(id text, kind text, name text, short_name text, parent_id text,
                                               region_code text, has_ppsu boolean, contact jsonb)
     returning kind`,
    [JSON.stringify(units)],
  );
  tally(counts, "units", insertedUnits.rows.map((r) => r.kind));

  const categoryRows = categories.map((c, i) => ({
    code: c.code,
    name_id: c.nameId,
    name_en: c.nameEn,
    owner_policy: c.ownerPolicy,
    sla_first_action_days: c.slaFirstActionDays,
    sla_resolution_days: c.slaResolutionDays,
    dispute_policy: c.disputePolicy,
    dispute_window_days: c.disputeWindowDays,
    reopen_escalation_threshold: c.reopenEscalationThreshold,
    ppsu_allowed: c.ppsuAllowed,
    keywords: c.keywords,
    sort_order: c.sortOrder ?? (i + 1) * 10,
  }));
  const insertedCategories = await tx.query(
    `insert into categories (code, name_id, name_en, owner_policy, sla_first_action_days, sla_resolution_days,
                             dispute_policy, dispute_window_days, reopen_escalation_threshold, ppsu_allowed, keywords, sort_order)
     select c.code, c.name_id, c.name_en, c.owner_policy, c.sla_first_action_days, c.sla_resolution_days,
            c.dispute_policy, c.dispute_window_days, c.reopen_escalation_threshold, c.ppsu_allowed, c.keywords, c.sort_order
       from jsonb_to_recordset($1::jsonb) as c(code text, name_id text, name_en text, owner_policy jsonb,
                                               sla_first_action_days integer, sla_resolution_days integer, dispute_policy text,
                                               dispute_window_days integer, reopen_escalation_threshold integer,
                                               ppsu_allowed boolean, keywords text[], sort_order integer)
     on conflict (code) do nothing`,
    [JSON.stringify(categoryRows)],
  );
  counts.categories = insertedCategories.rowCount ?? 0;

  const insertedHolidays = await tx.query(
    `insert into holidays (date, name, joint_leave)
     select h.date, h.name, h.joint_leave
       from jsonb_to_recordset($1::jsonb) as h(date date, name text, joint_leave boolean)
     on conflict (date) do nothing`,
    [JSON.stringify(holidays)],
  );
  counts.holidays = insertedHolidays.rowCount ?? 0;

  await tx.query(
    `insert into settings (key, value) values ('deployment', $1::jsonb)
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [JSON.stringify(deployment)],
  );
  counts.settings = 1;

  return { seeded: true, counts };
}

/** What the "triage" setting holds: the deployment's shipped triage files, parsed (each may be absent). */
export interface TriageModelSetting {
  classifier: unknown;
  gazetteerAliases: unknown;
  landmarks: unknown;
}

/**
 * The deployment's settings and triage's models are shipped files, not data administrators edit
 * (those are units, categories and holidays, seeded once): they are loaded into the "deployment" and
 * "triage" settings on every start, and a setting is rewritten only when its file changed (so other
 * processes reload their caches then). Returns whether anything was written.
 */
export async function refreshShippedSettings(tx: Queryable, deploymentDir: string): Promise<boolean> {
  const deployment = readDeployment(deploymentDir);
  const files = deployment.triage ?? {};
  const read = (file: string | undefined): unknown => (file ? JSON.parse(fs.readFileSync(path.resolve(deploymentDir, file), "utf8")) : null);
  const triage: TriageModelSetting = { classifier: read(files.classifier), gazetteerAliases: read(files.gazetteerAliases), landmarks: read(files.landmarks) };
  let written = 0;
  for (const [key, value] of [["deployment", deployment], ["triage", triage]] as const) {
    const { rowCount } = await tx.query(
      `insert into settings (key, value) values ($1, $2::jsonb)
       on conflict (key) do update set value = excluded.value, updated_at = now() where settings.value is distinct from excluded.value`,
      [key, JSON.stringify(value)],
    );
    written += rowCount ?? 0;
  }
  return written > 0;
}

/** Units derived from the region tree, then the agencies (with one sub-office per kota), triage desk and external bodies. */
function buildUnits(deployment: Deployment, regions: RegionRow[], agencies: Array<z.infer<typeof unitSpecSchema>>): UnitRow[] {
  const byLevel = (level: RegionLevel) => regions.filter((r) => r.level === level).sort((a, b) => compare(a.code, b.code));
  const province = byLevel("provinsi")[0];
  if (!province) throw new Error(`province ${deployment.provinceCode} not found in ${deployment.regions}`);
  const kotas = byLevel("kabupaten_kota");
  const provinceId = `prov-${province.code}`;
  const shortKota = (name: string) => {
    const prefix = deployment.kotaNamePrefixesToStrip.find((p) => p && name.startsWith(p));
    return prefix ? name.slice(prefix.length) : name;
  };
  const unit = (row: Omit<UnitRow, "has_ppsu" | "contact"> & Partial<UnitRow>): UnitRow => ({ has_ppsu: false, contact: {}, ...row });

  const units: UnitRow[] = [
    unit({
      id: provinceId,
      kind: "province",
      name: deployment.provinceUnit?.name ?? province.name,
      short_name: deployment.provinceUnit?.shortName ?? null,
      parent_id: null,
      region_code: province.code,
    }),
  ];
  for (const kota of kotas) {
    units.push(unit({ id: `kota-${kota.code}`, kind: "kota", name: kota.name, short_name: shortKota(kota.name), parent_id: provinceId, region_code: kota.code }));
  }
  for (const kec of byLevel("kecamatan")) {
    units.push(unit({ id: `kec-${kec.code}`, kind: "kecamatan", name: `Kecamatan ${kec.name}`, short_name: kec.name, parent_id: `kota-${kec.parent_code}`, region_code: kec.code }));
  }
  for (const kel of byLevel("desa_kelurahan")) {
    // Kemendagri: the 4th code segment starts with 1 for a kelurahan, 2 for a desa; both are held by the village office.
    const label = kel.code.split(".")[3]?.startsWith("2") ? "Desa" : "Kelurahan";
    units.push(
      unit({
        id: `kel-${kel.code}`,
        kind: "kelurahan",
        name: `${label} ${kel.name}`,
        short_name: kel.name,
        parent_id: `kec-${kel.parent_code}`,
        region_code: kel.code,
        has_ppsu: deployment.kelurahanHasPpsu,
      }),
    );
  }
  for (const spec of agencies) {
    units.push(
      unit({
        id: spec.id,
        kind: spec.kind,
        name: spec.name,
        short_name: spec.shortName ?? null,
        parent_id: spec.kind === "external" ? null : provinceId,
        region_code: null,
        contact: spec.contact,
      }),
    );
    if (!spec.hasSubOffices || !spec.subOfficeName) continue;
    for (const kota of kotas) {
      const fill = (template: string) => template.replaceAll("{kota}", shortKota(kota.name)).replaceAll("{region}", kota.name);
      units.push(
        unit({
          id: `${spec.id}@${kota.code}`,
          kind: "sub_office",
          name: fill(spec.subOfficeName),
          short_name: spec.subOfficeShortName ? fill(spec.subOfficeShortName) : null,
          parent_id: spec.id,
          region_code: kota.code,
        }),
      );
    }
  }
  const ids = new Set<string>();
  for (const u of units) {
    if (ids.has(u.id)) throw new Error(`duplicate unit id ${u.id} in ${deployment.agencies}`);
    ids.add(u.id);
  }
  return units;
}

/** Every owner a category names must exist with the right kind, so routing never meets a dangling id. */
function checkCategoryOwners(
  categories: Array<z.infer<typeof categorySchema>>,
  agencies: Array<z.infer<typeof unitSpecSchema>>,
  deployment: Deployment,
): void {
  const kindOf = new Map(agencies.map((a) => [a.id, a.kind] as const));
  if (kindOf.get(deployment.triageUnit) !== "triage") {
    throw new Error(`triageUnit "${deployment.triageUnit}" is not a triage unit in ${deployment.agencies}`);
  }
  const codes = new Set<string>();
  for (const c of categories) {
    if (codes.has(c.code)) throw new Error(`duplicate category code ${c.code}`);
    codes.add(c.code);
    const policy = c.ownerPolicy;
    const missing =
      (policy.kind === "agency" && kindOf.get(policy.agency) !== "agency") ||
      (policy.kind === "external" && kindOf.get(policy.unit) !== "external");
    if (missing) throw new Error(`category ${c.code}: owner ${JSON.stringify(policy)} is not defined in ${deployment.agencies}`);
  }
}

/** The province's rows of the Kemendagri code list (columns kode, nama, level, kode_provinsi). */
function readRegions(file: string, provinceCode: string): Map<string, RegionRow> {
  let kodeProvinsi = -1;
  const csv = readCsv(file, (row, column) => {
    if (kodeProvinsi < 0) kodeProvinsi = column("kode_provinsi");
    return row[kodeProvinsi] === provinceCode;
  });
  const kode = csv.column("kode");
  const nama = csv.column("nama");
  const level = csv.column("level");
  const regions = new Map<string, RegionRow>();
  for (const row of csv.rows) {
    const code = row[kode] ?? "";
    const rowLevel = row[level] ?? "";
    if (!code || !REGION_LEVELS.has(rowLevel)) throw new Error(`${file}: bad row ${row.join(",")}`);
    const cut = code.lastIndexOf(".");
    regions.set(code, {
      code,
      name: (row[nama] ?? "").trim(),
      level: rowLevel as RegionLevel,
      parent_code: cut < 0 ? null : code.slice(0, cut),
      geometry: null,
      centroid_lat: null,
      centroid_lon: null,
    });
  }
  if (regions.size === 0) throw new Error(`${file}: no regions for province ${provinceCode}`);
  return regions;
}

function readBoundaryLayer(
  file: string,
  deployment: Deployment,
): Array<{ code: string; geometry: RegionFeature["geometry"]; centroid: [number, number] }> {
  const props = deployment.boundaryProperties;
  return readJson(file, featureCollectionSchema).features.map((feature, i) => {
    const code = feature.properties[props.code];
    if (typeof code !== "string") throw new Error(`${file}: feature ${i} has no "${props.code}" property`);
    const lat = props.centroidLat ? feature.properties[props.centroidLat] : undefined;
    const lon = props.centroidLon ? feature.properties[props.centroidLon] : undefined;
    const centroid: [number, number] =
      typeof lat === "number" && typeof lon === "number" ? [lat, lon] : polygonCentroid(feature.geometry);
    return { code, geometry: feature.geometry, centroid };
  });
}

/** Area-weighted centroid [lat, lon] of a (multi)polygon, holes subtracted; used when the layer has none. */
function polygonCentroid(geometry: RegionFeature["geometry"]): [number, number] {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, r) => {
      let a = 0;
      let x = 0;
      let y = 0;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0 = 0, y0 = 0] = ring[i] ?? [];
        const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        x += (x0 + x1) * cross;
        y += (y0 + y1) * cross;
      }
      // Ring orientation is not guaranteed in the wild: outer rings add, holes subtract.
      const sign = (r === 0 ? 1 : -1) * Math.sign(a);
      area += sign * a;
      cx += sign * x;
      cy += sign * y;
    });
  }
  const first = polygons[0]?.[0]?.[0];
  if (Math.abs(area) < 1e-15) return [first?.[1] ?? 0, first?.[0] ?? 0];
  return [cy / (3 * area), cx / (3 * area)];
}

/** Holidays CSV: date (YYYY-MM-DD), name, cuti_bersama (true for joint leave days). */
function readHolidays(file: string): Array<{ date: string; name: string; joint_leave: boolean }> {
  const csv = readCsv(file);
  const date = csv.column("date");
  const name = csv.column("name");
  const jointLeave = csv.column("cuti_bersama");
  return csv.rows.map((row) => {
    const day = row[date] ?? "";
    const label = row[name]?.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !label) throw new Error(`${file}: bad row ${row.join(",")}`);
    return { date: day, name: label, joint_leave: row[jointLeave]?.trim().toLowerCase() === "true" };
  });
}

function readJson<T extends z.ZodType>(file: string, schema: T): z.output<T> {
  const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

interface Csv {
  rows: string[][];
  /** Index of a header column; throws when the file has no such column. */
  column(name: string): number;
}

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF) with a header row. Rows for which `keep`
 * (given the header's column index) returns false are dropped while parsing, so a national list
 * costs little memory when one province is wanted.
 */
function readCsv(file: string, keep?: (row: string[], column: (name: string) => number) => boolean): Csv {
  const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  let header: string[] | undefined;
  const rows: string[][] = [];
  const column = (name: string) => {
    const index = (header ?? []).findIndex((h) => h.trim() === name);
    if (index < 0) throw new Error(`${file}: no column "${name}"`);
    return index;
  };
  let record: string[] = [];
  let i = 0;
  // Scans field by field with indexOf/charCodeAt and slices once per field: the national code
  // list is 5 MB and is parsed on every seed.
  while (i < text.length) {
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      field = "";
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`${file}: unterminated quote`);
        field += text.slice(from, q);
        if (text.charCodeAt(q + 1) !== QUOTE) {
          i = q + 1;
          break;
        }
        field += '"';
        from = q + 2;
      }
    } else {
      let end = i;
      while (end < text.length) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF || c === CR) break;
        end++;
      }
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      if (i === text.length) record.push("");
      continue;
    }
    // End of line (or of file): CRLF counts as one.
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    if (record.length > 1 || record[0] !== "") {
      if (!header) header = record;
      else if (!keep || keep(record, column)) rows.push(record);
    }
    record = [];
  }
  return { rows, column };
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

function tally(counts: Record<string, number>, table: string, kinds: string[]): void {
  counts[table] = kinds.length;
  for (const kind of kinds) counts[`${table}.${kind}`] = (counts[`${table}.${kind}`] ?? 0) + 1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
