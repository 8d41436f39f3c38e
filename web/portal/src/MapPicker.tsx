/**
 * The map for dropping a pin: loaded on demand (MapLibre is most of the portal's JavaScript), with the
 * shipped kelurahan polygons as an offline base layer and the citizen's own reports as small dots.
 */
import { Map as MapLibreMap, Marker, NavigationControl, type GeoJSONSource, type LayerSpecification, type StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { MyReport, Point } from "./api.ts";
import { kelurahanCollection } from "./kelurahan.ts";
import { EMPTY, mapConfig, type GeoData, type MapConfig } from "./map-base.ts";

function style(cfg: MapConfig): StyleSpecification {
  const sources: StyleSpecification["sources"] = {
    kelurahan: { type: "geojson", data: EMPTY },
  };
  const layers: LayerSpecification[] = [{ id: "bg", type: "background", paint: { "background-color": "#eef3f7" } }];
  if (cfg.tileUrl) {
    sources.tiles = { type: "raster", tiles: [cfg.tileUrl], tileSize: 256 };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  }
  layers.push(
    { id: "kel-fill", type: "fill", source: "kelurahan", paint: { "fill-color": "#ffffff", "fill-opacity": cfg.tileUrl ? 0.15 : 0.9 } },
    { id: "kel-hover", type: "fill", source: "kelurahan", paint: { "fill-color": "#cfe2f3", "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.8, 0] } },
    { id: "kel-line", type: "line", source: "kelurahan", paint: { "line-color": "#8aa4bb", "line-width": 0.8 } },
  );
  return { version: 8, sources, layers };
}

export interface MapPickerProps {
  point: Point | null;
  onPick(point: Point): void;
  mine: MyReport[];
  onKelurahan?(name: string | null): void;
}

export default function MapPicker({ point, onPick, mine, onKelurahan }: MapPickerProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const marker = useRef<Marker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const named = useRef(onKelurahan);
  named.current = onKelurahan;
  const [status, setStatus] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let cancelled = false;
    void mapConfig().then((cfg) => {
      if (cancelled || !box.current) return;
      try {
        const m = new MapLibreMap({
          container: box.current,
          style: style(cfg),
          center: [cfg.centerLon, cfg.centerLat],
          zoom: cfg.zoom,
          attributionControl: false,
          dragRotate: false,
          pitchWithRotate: false,
        });
        m.touchZoomRotate.disableRotation();
        m.addControl(new NavigationControl({ showCompass: false }), "top-right");
        m.on("click", (e) => {
          pick.current({ lat: e.lngLat.lat, lon: e.lngLat.lng });
          const hit = m.queryRenderedFeatures(e.point, { layers: ["kel-fill"] })[0];
          named.current?.(typeof hit?.properties?.name === "string" ? hit.properties.name : null);
        });
        m.on("load", () => {
          if (!cancelled) setStatus("ready");
          m.addSource("mine", { type: "geojson", data: EMPTY });
          void kelurahanCollection().then((fc) => fc && (m.getSource("kelurahan") as GeoJSONSource | undefined)?.setData(fc as unknown as GeoData));
          m.addLayer({ id: "mine", type: "circle", source: "mine", paint: { "circle-radius": 5, "circle-color": "#0b5394", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } });
        });
        m.on("error", () => undefined); // a missing boundary layer leaves a plain map, not a broken page
        map.current = m;
      } catch {
        if (!cancelled) setStatus("failed"); // no WebGL
      }
    });
    return () => {
      cancelled = true;
      map.current?.remove();
      map.current = null;
      marker.current = null;
    };
  }, []);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    if (!point) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    const at: [number, number] = [point.lon, point.lat];
    if (!marker.current) marker.current = new Marker({ color: "#c62828" }).setLngLat(at).addTo(m);
    else marker.current.setLngLat(at);
    if (!m.getBounds().contains(at)) m.easeTo({ center: at, zoom: Math.max(m.getZoom(), 14) });
  }, [point, status]);

  useEffect(() => {
    const m = map.current;
    if (!m || status !== "ready") return;
    const source = m.getSource("mine") as GeoJSONSource | undefined;
    source?.setData({
      type: "FeatureCollection",
      features: mine.filter((r) => r.point).map((r) => ({ type: "Feature", properties: { ticket: r.ticket }, geometry: { type: "Point", coordinates: [r.point!.lon, r.point!.lat] } })),
    });
  }, [mine, status]);

  return (
    <div className="map-wrap">
      <div ref={box} className="map" role="application" aria-label={t("mapLabel")} data-testid="map" data-ready={status === "ready" ? "true" : "false"} />
      {status === "ready" && (
        // Keyboard and screen-reader users move the map with the arrow keys, then pin its centre.
        <button type="button" className="secondary pin-centre" data-testid="pin-centre" onClick={() => {
          const c = map.current?.getCenter();
          if (c) pick.current({ lat: c.lat, lon: c.lng });
        }}>{t("pinCentre")}</button>
      )}
      {status === "loading" && <p className="map-note">{t("mapLoading")}</p>}
      {status === "failed" && <p className="map-note" role="alert">{t("mapUnavailable")}</p>}
    </div>
  );
}
