import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildRegionLocator } from "./kelurahan-locator.ts";
import type { GeoJSONPolygonOrMultiPolygon, GeoJSONPosition, RegionFeature } from "./kelurahan-locator.ts";
import { mulberry32 } from "../random.ts";

interface KelurahanFeature {
  properties: { kode: string; nama: string; centroid_lat: number; centroid_lng: number };
  geometry: GeoJSONPolygonOrMultiPolygon;
}

const file = fileURLToPath(new URL("../../../data/reference/boundaries/dki_jakarta_kelurahan_cahyadsn.geojson", import.meta.url));
const layer = JSON.parse(fs.readFileSync(file, "utf8")) as { features: KelurahanFeature[] };
const features: RegionFeature[] = layer.features.map((f) => ({ code: f.properties.kode, geometry: f.geometry }));
const locator = buildRegionLocator(features);

const random = mulberry32;

// An independent, deliberately naive point-in-polygon over every feature (no index, no bboxes).
function naiveInRing(ring: GeoJSONPosition[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    if (y1 > y !== y2 > y && x < x1 + ((y - y1) / (y2 - y1)) * (x2 - x1)) inside = !inside;
  }
  return inside;
}
function naiveContains(geometry: GeoJSONPolygonOrMultiPolygon, x: number, y: number): boolean {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some(([outer, ...holes]) => !!outer && naiveInRing(outer, x, y) && !holes.some((h) => naiveInRing(h, x, y)));
}
function naiveLocateAll(lat: number, lon: number): string[] {
  return features.filter((f) => naiveContains(f.geometry, lon, lat)).map((f) => f.code);
}

function bbox(geometry: GeoJSONPolygonOrMultiPolygon): [number, number, number, number] {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0] ?? []) {
      minX = Math.min(minX, x as number); maxX = Math.max(maxX, x as number);
      minY = Math.min(minY, y as number); maxY = Math.max(maxY, y as number);
    }
  }
  return [minX, minY, maxX, maxY];
}

// Random points in every kelurahan's bbox: inside it, in a neighbour, or outside Jakarta.
const samples: Array<[number, number]> = [];
{
  const next = random(31);
  for (const f of features) {
    const [minX, minY, maxX, maxY] = bbox(f.geometry);
    for (let i = 0; i < 12; i++) samples.push([minY + next() * (maxY - minY), minX + next() * (maxX - minX)]);
  }
}

describe("buildRegionLocator on the DKI Jakarta kelurahan layer", () => {
  it("has all 267 kelurahan", () => {
    expect(new Set(features.map((f) => f.code)).size).toBe(267);
  });

  it.each([
    ["Monas", -6.1754, 106.8272, "31.71.01.1001"], // Gambir
    ["Kota Tua / Taman Fatahillah", -6.1352, 106.8133, "31.73.03.1008"], // Pinangsia
    ["Blok M", -6.2444, 106.8006, "31.74.07.1001"], // Melawai
  ])("locates %s", (_name, lat, lon, code) => {
    expect(locator.locate(lat, lon)).toBe(code);
  });

  it("returns null outside the province", () => {
    expect(locator.locate(-6.595, 106.8166)).toBeNull(); // Bogor
    expect(locator.locate(-6.02, 106.9)).toBeNull(); // Jakarta Bay, far from the islands
    expect(locator.locate(-5.3, 107.2)).toBeNull(); // Java Sea
    expect(locator.locate(Number.NaN, 106.8)).toBeNull();
  });

  it("locates each kelurahan's published centroid to itself when the centroid lies inside it", () => {
    // 8 of the 267 published centroids lie outside their own polygon (island kelurahan of Kepulauan
    // Seribu and Kalibaru: the centroid is in the sea; Penjaringan and Kampung Melayu are concave),
    // so the naive ray cast decides which centroids must come back as their own code.
    let own = 0;
    for (const f of layer.features) {
      const { kode, centroid_lat: lat, centroid_lng: lon } = f.properties;
      const found = locator.locate(lat, lon);
      if (naiveContains(f.geometry, lon, lat)) {
        expect(naiveLocateAll(lat, lon)).toContain(found);
        if (found === kode) own++;
      }
    }
    expect(own).toBeGreaterThanOrEqual(255);
  });

  it("agrees with a naive ray cast on random points, choosing among overlaps", () => {
    let inside = 0;
    for (const [lat, lon] of samples) {
      const all = naiveLocateAll(lat, lon);
      const found = locator.locate(lat, lon);
      if (all.length === 0) expect(found).toBeNull();
      else if (all.length === 1) expect(found).toBe(all[0]);
      else expect(all).toContain(found);
      if (all.length > 0) inside++;
    }
    expect(inside).toBeGreaterThan(samples.length / 3);
  });

  it("is deterministic and independent of the input order", () => {
    const shuffled = [...features];
    const next = random(7);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] as RegionFeature, shuffled[i] as RegionFeature];
    }
    const other = buildRegionLocator(shuffled.reverse());
    for (const [lat, lon] of samples) {
      const a = locator.locate(lat, lon);
      expect(locator.locate(lat, lon)).toBe(a);
      expect(other.locate(lat, lon)).toBe(a);
    }
  });
});

describe("buildRegionLocator rules", () => {
  const square = (x0: number, y0: number, size: number): GeoJSONPosition[] => [
    [x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0],
  ];

  it("excludes holes", () => {
    const l = buildRegionLocator([{ code: "a", geometry: { type: "Polygon", coordinates: [square(0, 0, 10), square(4, 4, 2)] } }]);
    expect(l.locate(1, 1)).toBe("a");
    expect(l.locate(5, 5)).toBeNull();
    expect(l.locate(11, 5)).toBeNull();
  });

  it("gives an overlap to the smallest part, then the lowest code", () => {
    const l = buildRegionLocator([
      { code: "big", geometry: { type: "MultiPolygon", coordinates: [[square(0, 0, 10)], [square(20, 20, 1)]] } },
      { code: "small", geometry: { type: "Polygon", coordinates: [square(8, 8, 4)] } },
      { code: "z", geometry: { type: "Polygon", coordinates: [square(30, 30, 2)] } },
      { code: "y", geometry: { type: "Polygon", coordinates: [square(31, 31, 2)] } },
    ]);
    expect(l.locate(9, 9)).toBe("small");
    expect(l.locate(1, 1)).toBe("big");
    expect(l.locate(20.5, 20.5)).toBe("big");
    expect(l.locate(31.5, 31.5)).toBe("y");
  });

  it("handles an empty layer", () => {
    expect(buildRegionLocator([]).locate(0, 0)).toBeNull();
  });
});
