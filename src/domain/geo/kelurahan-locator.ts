import Flatbush from "flatbush";

/** A GeoJSON position: [longitude, latitude] (extra members such as altitude are ignored). */
export type GeoJSONPosition = number[];

export interface GeoJSONPolygon {
  type: "Polygon";
  /** The outer ring first, then holes; each ring closed (first position = last). */
  coordinates: GeoJSONPosition[][];
}

export interface GeoJSONMultiPolygon {
  type: "MultiPolygon";
  coordinates: GeoJSONPosition[][][];
}

export type GeoJSONPolygonOrMultiPolygon = GeoJSONPolygon | GeoJSONMultiPolygon;

export interface RegionFeature {
  code: string;
  geometry: GeoJSONPolygonOrMultiPolygon;
}

export interface RegionLocator {
  /** The code of the region containing the point, or null when no region does. */
  locate(lat: number, lon: number): string | null;
  /** Number of polygon parts indexed (diagnostics). */
  readonly partCount: number;
}

/**
 * Builds a point -> region locator over polygon layers such as the kelurahan boundaries.
 *
 * Each polygon part (a Polygon, or one member of a MultiPolygon) goes into a Flatbush bbox
 * index; candidates are then tested with an even-odd ray cast against the outer ring and its
 * holes, each ring first filtered by its own bbox.
 *
 * Simplified boundary layers overlap a little along shared edges (slivers), so a point can lie
 * in two regions. The answer is made deterministic by a stable rule: the containing part with
 * the smallest area wins (a sliver belongs to the more specific, smaller shape), and on equal
 * area the lowest code (string order). The answer never depends on input order.
 */
export function buildRegionLocator(features: ReadonlyArray<RegionFeature>): RegionLocator {
  // Rank of each code in string order, so the tie-break compares integers at query time.
  const codes = [...new Set(features.map((f) => f.code))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const codeRank = new Map(codes.map((c, i) => [c, i] as const));

  const coords: number[] = []; // flat x,y of every ring
  const ringStart: number[] = []; // index (in numbers) of each ring's first x in coords
  const ringEnd: number[] = []; // exclusive
  const ringBox: number[] = []; // minX, minY, maxX, maxY per ring
  const partFirstRing: number[] = [];
  const partRingCount: number[] = [];
  const partArea: number[] = [];
  const partCode: number[] = []; // code rank

  for (const feature of features) {
    const rank = codeRank.get(feature.code);
    if (rank === undefined) continue;
    const polygons = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const rings of polygons) {
      const outer = rings[0];
      if (!outer || outer.length < 4) continue;
      const first = ringStart.length;
      let area = 0;
      let count = 0;
      for (let r = 0; r < rings.length; r++) {
        const ring = rings[r];
        if (!ring || ring.length < 4) continue;
        const start = coords.length;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (const position of ring) {
          const x = position[0];
          const y = position[1];
          if (x === undefined || y === undefined) continue;
          coords.push(x, y);
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
        ringStart.push(start);
        ringEnd.push(coords.length);
        ringBox.push(minX, minY, maxX, maxY);
        const ringArea = Math.abs(shoelace(coords, start, coords.length));
        area += r === 0 ? ringArea : -ringArea;
        count++;
      }
      partFirstRing.push(first);
      partRingCount.push(count);
      partArea.push(area);
      partCode.push(rank);
    }
  }

  const partCount = partFirstRing.length;
  if (partCount === 0) return { locate: () => null, partCount: 0 };

  const xy = Float64Array.from(coords);
  const box = Float64Array.from(ringBox);
  const index = new Flatbush(partCount);
  for (let p = 0; p < partCount; p++) {
    const b = (partFirstRing[p] as number) * 4;
    index.add(box[b] as number, box[b + 1] as number, box[b + 2] as number, box[b + 3] as number);
  }
  index.finish();

  const firstRing = Int32Array.from(partFirstRing);
  const ringCount = Int32Array.from(partRingCount);
  const area = Float64Array.from(partArea);
  const code = Int32Array.from(partCode);
  const starts = Int32Array.from(ringStart);
  const ends = Int32Array.from(ringEnd);

  const inRing = (ring: number, x: number, y: number): boolean => {
    const b = ring * 4;
    if (x < (box[b] as number) || y < (box[b + 1] as number) || x > (box[b + 2] as number) || y > (box[b + 3] as number)) {
      return false;
    }
    const start = starts[ring] as number;
    const end = ends[ring] as number;
    let inside = false;
    for (let i = start, j = end - 2; i < end; j = i, i += 2) {
      const xi = xy[i] as number;
      const yi = xy[i + 1] as number;
      const xj = xy[j] as number;
      const yj = xy[j + 1] as number;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };

  const inPart = (part: number, x: number, y: number): boolean => {
    const first = firstRing[part] as number;
    if (!inRing(first, x, y)) return false;
    const last = first + (ringCount[part] as number);
    for (let ring = first + 1; ring < last; ring++) {
      if (inRing(ring, x, y)) return false;
    }
    return true;
  };

  return {
    partCount,
    locate(lat: number, lon: number): string | null {
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
      const candidates = index.search(lon, lat, lon, lat);
      let best = -1;
      for (const part of candidates) {
        if (best >= 0) {
          const a = area[part] as number;
          const bestArea = area[best] as number;
          // Skip parts that cannot win before doing the ray cast.
          if (a > bestArea || (a === bestArea && (code[part] as number) >= (code[best] as number))) continue;
        }
        if (inPart(part, lon, lat)) best = part;
      }
      return best < 0 ? null : (codes[code[best] as number] ?? null);
    },
  };
}

/** Signed area (planar, in squared degrees) of the ring stored in flat[start..end) as x,y pairs. */
function shoelace(flat: number[], start: number, end: number): number {
  let sum = 0;
  for (let i = start, j = end - 2; i < end; j = i, i += 2) {
    sum += ((flat[j] as number) - (flat[i] as number)) * ((flat[j + 1] as number) + (flat[i + 1] as number));
  }
  return sum / 2;
}
