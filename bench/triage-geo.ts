/**
 * Triage "where" benchmark (issue #4): point -> kelurahan and text -> place throughput on one core
 * (one Node thread, no I/O), next to a bare baseline measured in the same run.
 *
 *   points:   1,000,000 random points in mainland Jakarta's bounding box (deterministic PRNG), each
 *             round timing, one after the other on the same points:
 *               - baseline: the same Flatbush index over the same polygon parts, bbox hits only
 *                 (no ray cast, no tie-break): the floor any index-based locator pays;
 *               - the locator (src/domain/geo/kelurahan-locator.ts `locate`);
 *               - placeFromPoint (locator, the 25 m fallback for misses, the Bodetabek shapes);
 *   text:     locateText over the labelled messages of data/triage/places-eval.jsonl, repeated.
 * Median and best of BENCH_GEO_ROUNDS rounds (default 5). The machine is shared: run it twice.
 *
 * `npx tsx bench/triage-geo.ts` prints the section; bench/run.ts can record it with
 * `writeSection("<!-- bench:triage-geo -->", "<!-- /bench:triage-geo -->", await runGeoBench())`; run alone it records
 * its section the same way unless BENCH_NO_WRITE=1.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Flatbush from "flatbush";
import { buildGazetteer, locateText, type AliasFile, type Landmark } from "../src/domain/geo/gazetteer.ts";
import { buildRegionLocator, type GeoJSONPolygonOrMultiPolygon, type RegionFeature } from "../src/domain/geo/kelurahan-locator.ts";
import { placeFromPoint } from "../src/domain/geo/neighbours.ts";
import { fmt, isMain, positive, ROOT, runSection } from "./run.ts";
import { mulberry32 } from "../src/domain/random.ts";

const POINTS = Math.floor(positive(process.env.BENCH_GEO_POINTS, 1_000_000));
const ROUNDS = Math.floor(positive(process.env.BENCH_GEO_ROUNDS, 5));
const TEXT_MESSAGES = 20_000;
const TARGET_POINTS_PER_SECOND = 100_000;
/** mainland DKI Jakarta (Kepulauan Seribu left out: its bbox is almost all sea) */
const BBOX = { minLon: 106.68, maxLon: 106.98, minLat: -6.38, maxLat: -6.08 };
const SECTION_START = "<!-- bench:triage-geo -->";
const SECTION_END = "<!-- /bench:triage-geo -->";

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");

const random = mulberry32;

/** Flatbush over the bbox of every polygon part, as the locator builds it, and nothing else. */
function bboxBaseline(features: RegionFeature[]): Flatbush {
  const boxes: number[][] = [];
  for (const f of features) {
    const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of polygons) {
      const outer = rings[0] ?? [];
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const [x, y] of outer) {
        minX = Math.min(minX, x as number); maxX = Math.max(maxX, x as number);
        minY = Math.min(minY, y as number); maxY = Math.max(maxY, y as number);
      }
      boxes.push([minX, minY, maxX, maxY]);
    }
  }
  const index = new Flatbush(boxes.length);
  for (const [a, b, c, d] of boxes) index.add(a as number, b as number, c as number, d as number);
  index.finish();
  return index;
}

interface Rate {
  median: number;
  best: number;
}

/** Runs each body once per round, interleaved, and returns items per second for each. */
function measure(count: number, bodies: Array<() => number>): Rate[] {
  const rates: number[][] = bodies.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    bodies.forEach((body, i) => {
      const start = process.hrtime.bigint();
      const sink = body();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (sink < 0) throw new Error("unreachable"); // keeps the work observable
      rates[i]?.push(count / seconds);
    });
  }
  return rates.map((r) => {
    const sorted = [...r].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)] as number, best: sorted[sorted.length - 1] as number };
  });
}

export async function runGeoBench(): Promise<string> {
  const load = os.loadavg()[0] ?? 0;
  const layer = JSON.parse(read("data/reference/boundaries/dki_jakarta_kelurahan_cahyadsn.geojson")) as {
    features: Array<{ properties: { kode: string }; geometry: GeoJSONPolygonOrMultiPolygon }>;
  };
  const features: RegionFeature[] = layer.features.map((f) => ({ code: f.properties.kode, geometry: f.geometry }));
  const t0 = process.hrtime.bigint();
  const locator = buildRegionLocator(features);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const baseline = bboxBaseline(features);

  const next = random(4);
  const lat = new Float64Array(POINTS);
  const lon = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    lat[i] = BBOX.minLat + next() * (BBOX.maxLat - BBOX.minLat);
    lon[i] = BBOX.minLon + next() * (BBOX.maxLon - BBOX.minLon);
  }
  let inside = 0;
  for (let i = 0; i < POINTS; i++) if (locator.locate(lat[i] as number, lon[i] as number)) inside++;

  const [base, located, placed] = measure(POINTS, [
    () => {
      let hits = 0;
      for (let i = 0; i < POINTS; i++) hits += baseline.search(lon[i] as number, lat[i] as number, lon[i] as number, lat[i] as number).length;
      return hits;
    },
    () => {
      let found = 0;
      for (let i = 0; i < POINTS; i++) if (locator.locate(lat[i] as number, lon[i] as number) !== null) found++;
      return found;
    },
    () => {
      let found = 0;
      for (let i = 0; i < POINTS; i++) if (placeFromPoint(locator, lat[i] as number, lon[i] as number).best) found++;
      return found;
    },
  ]) as [Rate, Rate, Rate];

  const regionNames = new Map<string, string>();
  for (const line of read("data/reference/wilayah/dki_jakarta_kelurahan_kemendagri_2025.csv").trim().split("\n").slice(1)) {
    const [kel, kelName, kec, kecName, kota, kotaName] = line.split(",") as string[];
    regionNames.set(kel as string, kelName as string).set(kec as string, kecName as string).set(kota as string, kotaName as string);
  }
  const g0 = process.hrtime.bigint();
  const gazetteer = buildGazetteer({
    regions: [...regionNames].map(([code, name]) => ({ code, name })),
    provinceCode: "31",
    aliases: JSON.parse(read("data/reference/gazetteer/aliases.json")) as AliasFile,
    landmarks: (JSON.parse(read("data/reference/gazetteer/landmarks.json")) as { landmarks: Landmark[] }).landmarks,
  });
  const gazetteerMs = Number(process.hrtime.bigint() - g0) / 1e6;
  const messages = read("data/triage/places-eval.jsonl").trim().split("\n").map((l) => (JSON.parse(l) as { text: string }).text);
  const [text] = measure(TEXT_MESSAGES, [
    () => {
      let placedText = 0;
      for (let i = 0; i < TEXT_MESSAGES; i++) if (locateText(gazetteer, messages[i % messages.length] as string).best) placedText++;
      return placedText;
    },
  ]) as [Rate];

  const pass = located.median >= TARGET_POINTS_PER_SECOND;
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const row = (what: string, r: Rate, unit: string, vs: string) => `| ${what} | ${fmt(r.median)} ${unit}/s | ${fmt(r.best)} ${unit}/s | ${vs} |`;
  return [
    SECTION_START,
    "## Triage \"where\": point and text location (one core)",
    "",
    "Generated by bench/triage-geo.ts (`npx tsx bench/triage-geo.ts` prints it); rerunning it replaces this section.",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpu}, ${os.cpus().length} cores (one used), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM; Node ${process.version}; load average at start ${load.toFixed(2)} (other work on the machine makes figures noisy)`,
    `- ${fmt(POINTS)} random points in mainland Jakarta's bbox (lon ${BBOX.minLon}-${BBOX.maxLon}, lat ${BBOX.minLat}-${BBOX.maxLat}), ${(100 * inside / POINTS).toFixed(1)} % inside a kelurahan; ${ROUNDS} rounds, the three point runs interleaved`,
    `- Locator built in ${buildMs.toFixed(0)} ms (${fmt(locator.partCount)} polygon parts); gazetteer built in ${gazetteerMs.toFixed(0)} ms`,
    "",
    "| what | median | best round | against the baseline |",
    "|---|---:|---:|---:|",
    row("baseline: Flatbush bbox hits only (same index, no ray cast)", base, "points", "1.00"),
    row("point -> kelurahan (`locator.locate`)", located, "points", `${(located.median / base.median).toFixed(2)}`),
    row("point -> place (`placeFromPoint`: + 25 m fallback, Bodetabek shapes)", placed, "points", `${(placed.median / base.median).toFixed(2)}`),
    row(`text -> place (\`locateText\`, the ${messages.length} labelled messages repeated to ${fmt(TEXT_MESSAGES)})`, text, "messages", "-"),
    "",
    `Target: point routing at least ${fmt(TARGET_POINTS_PER_SECOND)} points/s on one core: **${pass ? "PASS" : "FAIL"}** (median ${fmt(located.median)} points/s).`,
    SECTION_END,
  ].join("\n");
}

if (isMain(import.meta.url)) runSection(runGeoBench, SECTION_START, SECTION_END);
