/**
 * What the portal's two maps (the pin picker and the public reports map) share: MapLibre's worker, the map
 * settings of GET /api/v1/config (centre, zoom, optional tiles) with Jakarta as the fallback, and the empty
 * GeoJSON a source starts with. Imported only by the lazily loaded map modules.
 */
import { setWorkerUrl, type GeoJSONSource } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";

setWorkerUrl(workerUrl);

export interface MapConfig {
  centerLat: number;
  centerLon: number;
  zoom: number;
  tileUrl?: string;
  tileAttribution?: string;
}

export type GeoData = Exclude<Parameters<GeoJSONSource["setData"]>[0], string>;

export const EMPTY: GeoData = { type: "FeatureCollection", features: [] };

const FALLBACK: MapConfig = { centerLat: -6.2, centerLon: 106.8456, zoom: 10 };

export async function mapConfig(): Promise<MapConfig> {
  try {
    const res = await fetch("/api/v1/config");
    const body = (await res.json()) as { map?: Partial<MapConfig> | null };
    return { ...FALLBACK, ...body.map };
  } catch {
    return FALLBACK;
  }
}
