/**
 * Writes data/triage/points-eval.json: labelled points for measuring point -> kelurahan routing on
 * the shipped (simplified) cahyadsn layer against an independent answer.
 *
 * The answer comes from a different, higher-resolution source: the HDX COD-AB layer (BPS 2020,
 * ../shared/data/boundaries/dki_jakarta_kelurahan_hdx_bps2020.geojson, 73k vertices against the
 * shipped layer's 14k), mapped to Kemendagri codes by its `kode_kemendagri` property (the crosswalk).
 * A point's answer is the HDX kelurahan containing it (even-odd ray cast over every HDX polygon,
 * no index), or null when no HDX kelurahan does (sea, Bodetabek).
 *
 *   interior: 2 random points per kelurahan, inside it and at least 60 m from its HDX boundary;
 *   border:   6 points per kelurahan, each on a random spot of its HDX boundary (edges chosen by
 *             length) moved 3-30 m across the edge to a random side: the answer is the kelurahan on
 *             that side (kind "border"), or null when that side is outside DKI (kind "outside").
 * Points falling in the three non-administrative HDX polygons (Danau Sunter, Prepedan) are skipped:
 * HDX gives them no kelurahan. Deterministic (mulberry32, seed 2604).
 *
 * Run: npx tsx scripts/build-place-eval.ts   (needs ../shared; the output is committed)
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../src/domain/random.ts";

type Ring = number[][];
type Polygon = Ring[];

interface HdxFeature {
  properties: { kode_kemendagri: string | null; non_administrative: boolean };
  geometry: { type: "MultiPolygon"; coordinates: Polygon[] };
}

interface EvalPoint {
  lat: number;
  lon: number;
  kind: "interior" | "border" | "outside";
  truth: string | null;
  /** metres to the HDX boundary of the kelurahan it was drawn from */
  distanceM: number;
}

const SOURCE = fileURLToPath(new URL("../../shared/data/boundaries/dki_jakarta_kelurahan_hdx_bps2020.geojson", import.meta.url));
const OUTPUT = fileURLToPath(new URL("../data/triage/points-eval.json", import.meta.url));
const INTERIOR_PER_KELURAHAN = 2;
const BORDER_PER_KELURAHAN = 6;
const MIN_INTERIOR_M = 60;
const BORDER_OFFSET_M: [number, number] = [3, 30];

const random = mulberry32;

function inRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const inPolygons = (polygons: Polygon[], x: number, y: number) =>
  polygons.some(([outer, ...holes]) => !!outer && inRing(outer, x, y) && !holes.some((h) => inRing(h, x, y)));

/** Metres per degree of longitude and latitude around a latitude (local equirectangular). */
const scale = (lat: number) => ({ kx: 111_320 * Math.cos((lat * Math.PI) / 180), ky: 110_574 });

function distanceToBoundaryM(polygons: Polygon[], x: number, y: number): number {
  const { kx, ky } = scale(y);
  let best = Infinity;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as [number, number];
        const [x2, y2] = ring[i + 1] as [number, number];
        const ax = (x1 - x) * kx, ay = (y1 - y) * ky, bx = (x2 - x) * kx, by = (y2 - y) * ky;
        const dx = bx - ax, dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
    }
  }
  return best;
}

function main(): void {
  const layer = JSON.parse(fs.readFileSync(SOURCE, "utf8")) as { features: HdxFeature[] };
  const kelurahan = layer.features.filter((f) => f.properties.kode_kemendagri).sort((a, b) => (a.properties.kode_kemendagri as string).localeCompare(b.properties.kode_kemendagri as string));
  const special = layer.features.filter((f) => f.properties.non_administrative);
  const answer = (x: number, y: number): string | null | "skip" => {
    if (special.some((f) => inPolygons(f.geometry.coordinates, x, y))) return "skip";
    const hits = kelurahan.filter((f) => inPolygons(f.geometry.coordinates, x, y));
    return hits[0]?.properties.kode_kemendagri ?? null;
  };
  const next = random(2604);
  const points: EvalPoint[] = [];
  const push = (x: number, y: number, kind: EvalPoint["kind"], truth: string | null, distanceM: number) =>
    points.push({ lat: Math.round(y * 1e7) / 1e7, lon: Math.round(x * 1e7) / 1e7, kind, truth, distanceM: Math.round(distanceM * 10) / 10 });

  for (const f of kelurahan) {
    const code = f.properties.kode_kemendagri as string;
    const polygons = f.geometry.coordinates;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const polygon of polygons) for (const [x, y] of polygon[0] ?? []) {
      minX = Math.min(minX, x as number); maxX = Math.max(maxX, x as number);
      minY = Math.min(minY, y as number); maxY = Math.max(maxY, y as number);
    }
    for (let found = 0, tries = 0; found < INTERIOR_PER_KELURAHAN && tries < 5000; tries++) {
      const x = minX + next() * (maxX - minX);
      const y = minY + next() * (maxY - minY);
      if (!inPolygons(polygons, x, y)) continue;
      const d = distanceToBoundaryM(polygons, x, y);
      if (d < MIN_INTERIOR_M || answer(x, y) !== code) continue;
      push(x, y, "interior", code, d);
      found++;
    }

    const edges: Array<[number, number, number, number, number]> = [];
    let total = 0;
    for (const polygon of polygons) for (const ring of polygon) for (let i = 0; i + 1 < ring.length; i++) {
      const [x1, y1] = ring[i] as [number, number];
      const [x2, y2] = ring[i + 1] as [number, number];
      const { kx, ky } = scale(y1);
      const len = Math.hypot((x2 - x1) * kx, (y2 - y1) * ky);
      if (len < 1) continue;
      total += len;
      edges.push([x1, y1, x2, y2, total]);
    }
    for (let found = 0, tries = 0; found < BORDER_PER_KELURAHAN && tries < 500; tries++) {
      const at = next() * total;
      const edge = edges.find((e) => e[4] >= at) ?? edges[edges.length - 1];
      if (!edge) break;
      const [x1, y1, x2, y2] = edge;
      const t = next();
      const bx = x1 + t * (x2 - x1), by = y1 + t * (y2 - y1);
      const { kx, ky } = scale(by);
      const ex = (x2 - x1) * kx, ey = (y2 - y1) * ky;
      const len = Math.hypot(ex, ey);
      const offset = (BORDER_OFFSET_M[0] + next() * (BORDER_OFFSET_M[1] - BORDER_OFFSET_M[0])) * (next() < 0.5 ? -1 : 1);
      const x = bx + (-ey / len) * offset / kx;
      const y = by + (ex / len) * offset / ky;
      const truth = answer(x, y);
      if (truth === "skip") continue;
      push(x, y, truth === null ? "outside" : "border", truth, distanceToBoundaryM(polygons, x, y));
      found++;
    }
  }

  const counts = { interior: 0, border: 0, outside: 0 };
  for (const p of points) counts[p.kind]++;
  const about = [
    "Labelled points for point -> kelurahan routing, written by scripts/build-place-eval.ts (method in its header).",
    "truth: the Kemendagri code of the kelurahan containing the point in the HDX COD-AB layer (BPS 2020, CC BY-IGO, 'Source: BPS / OCHA HDX'), an independent higher-resolution source; null = outside every DKI kelurahan.",
    `kinds: interior (>= ${MIN_INTERIOR_M} m inside), border (${BORDER_OFFSET_M[0]}-${BORDER_OFFSET_M[1]} m from an HDX kelurahan boundary, inside DKI), outside (same, on the far side of DKI's outer boundary or the coast).`,
  ];
  fs.writeFileSync(OUTPUT, `${JSON.stringify({ about, counts, points }, null, 0).replace(/\},\{/g, "},\n{")}\n`);
  console.log(`wrote ${points.length} points to ${OUTPUT}: ${JSON.stringify(counts)}`);
}

main();
