/**
 * Where a point goes when it is not plainly inside a kelurahan: the kelurahan found 25 m around it
 * (GPS noise; gaps between the simplified polygons, the sea wall), else the
 * neighbouring city or regency of Bodetabek that a report there belongs to (outside_jurisdiction),
 * else nothing (the sea, the rest of the country: the triage desk decides).
 *
 * No official polygons of the neighbours are shipped. The shapes below are coarse APPROXIMATIONS,
 * hand-traced by the author from general public maps of Jabodetabek (a few vertices each, errors of
 * one to three kilometres along the borders between two neighbours). They are only ever consulted
 * after the kelurahan layer said "not in Jakarta", so they may overlap Jakarta freely; they leave
 * out the sea north of Jakarta's coast so that points at sea get no name. First match wins: the
 * cities come before the regencies that surround them.
 */
import type { RegionLocator } from "./kelurahan-locator.ts";
import type { PlaceResult } from "../triage/triage.ts";

/** [longitude, latitude] */
type Vertex = readonly [number, number];

export interface NeighbourArea {
  name: string;
  ring: readonly Vertex[];
}

export const NEIGHBOUR_AREAS: readonly NeighbourArea[] = [
  { name: "Kota Bogor", ring: [[106.72, -6.51], [106.86, -6.51], [106.86, -6.68], [106.72, -6.68]] },
  {
    name: "Kota Depok",
    ring: [[106.765, -6.305], [106.8, -6.3], [106.83, -6.34], [106.87, -6.35], [106.92, -6.36], [106.92, -6.44], [106.85, -6.46], [106.72, -6.44], [106.72, -6.38], [106.765, -6.36]],
  },
  {
    name: "Kota Bekasi",
    ring: [[106.96, -6.15], [107.03, -6.14], [107.05, -6.2], [107.02, -6.33], [106.95, -6.38], [106.915, -6.39], [106.895, -6.33], [106.9, -6.26], [106.96, -6.24]],
  },
  {
    name: "Kota Tangerang Selatan",
    ring: [[106.62, -6.22], [106.7, -6.235], [106.75, -6.23], [106.8, -6.25], [106.8, -6.3], [106.765, -6.305], [106.765, -6.36], [106.72, -6.38], [106.63, -6.38], [106.6, -6.3]],
  },
  {
    name: "Kota Tangerang",
    ring: [[106.56, -6.11], [106.67, -6.1], [106.75, -6.11], [106.75, -6.235], [106.7, -6.235], [106.62, -6.22], [106.56, -6.25]],
  },
  {
    name: "Kabupaten Bekasi",
    ring: [[106.97, -6.09], [107.05, -5.92], [107.3, -5.95], [107.3, -6.5], [107.05, -6.45], [107.02, -6.36], [107.05, -6.2], [107.03, -6.14], [106.96, -6.15]],
  },
  {
    name: "Kabupaten Tangerang",
    ring: [[106.35, -5.95], [106.72, -6.0], [106.73, -6.085], [106.75, -6.11], [106.67, -6.1], [106.56, -6.11], [106.56, -6.25], [106.62, -6.22], [106.6, -6.3], [106.63, -6.38], [106.4, -6.38], [106.35, -6.3]],
  },
  {
    name: "Kabupaten Bogor",
    ring: [[106.4, -6.38], [106.72, -6.38], [106.72, -6.44], [106.85, -6.46], [106.92, -6.44], [106.915, -6.39], [106.95, -6.38], [107.02, -6.36], [107.05, -6.45], [107.3, -6.5], [107.3, -6.8], [106.4, -6.8]],
  },
];

function inRing(ring: readonly Vertex[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Vertex;
    const [xj, yj] = ring[j] as Vertex;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The Bodetabek city or regency a point outside Jakarta lies in, or null (sea, farther away). */
export function outsideJurisdiction(lat: number, lon: number): { name: string | null } {
  const area = NEIGHBOUR_AREAS.find((a) => inRing(a.ring, lon, lat));
  return { name: area?.name ?? null };
}

const METRES_PER_DEGREE_LAT = 110_574;
const COMPASS = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => (k * Math.PI) / 4);

/**
 * The kelurahan at a point and at eight compass points `radiusM` metres around it, without
 * repeats, in that order (the point first, then N, NE, E, ...). Used to find what lies near a border.
 */
export function probeAround(locator: RegionLocator, lat: number, lon: number, radiusM: number): string[] {
  const found: string[] = [];
  const add = (code: string | null) => {
    if (code && !found.includes(code)) found.push(code);
  };
  add(locator.locate(lat, lon));
  const dLat = radiusM / METRES_PER_DEGREE_LAT;
  const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  for (const a of COMPASS) add(locator.locate(lat + dLat * Math.cos(a), lon + dLon * Math.sin(a)));
  return found;
}

/** Confidence of a point inside a kelurahan polygon, and of one matched to the only kelurahan 25 m around it. */
export const POINT_CONFIDENCE = { inside: 0.95, near: 0.75 } as const;
const NEAR_RADII_M = [25] as const;

/**
 * Point -> place: the kelurahan, else the one found 25 m around the point (two or more found: no
 * best, they are the candidates), else the neighbouring city (or nothing).
 */
export function placeFromPoint(locator: RegionLocator, lat: number, lon: number): PlaceResult {
  const code = locator.locate(lat, lon);
  if (code) {
    const guess = { kelurahanCode: code, confidence: POINT_CONFIDENCE.inside, evidence: "point", source: "point" as const };
    return { best: guess, candidates: [guess], outside: null };
  }
  for (const radius of NEAR_RADII_M) {
    const near = probeAround(locator, lat, lon, radius);
    if (near.length === 0) continue;
    const candidates = near.slice(0, 3).map((c, i) => ({
      kelurahanCode: c,
      confidence: i === 0 ? POINT_CONFIDENCE.near : POINT_CONFIDENCE.near / 2,
      evidence: `point (within ${radius} m)`,
      source: "point" as const,
    }));
    return { best: near.length === 1 ? (candidates[0] ?? null) : null, candidates, outside: null };
  }
  return { best: null, candidates: [], outside: outsideJurisdiction(lat, lon) };
}
