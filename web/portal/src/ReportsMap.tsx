/**
 * The public reports on a map: a clustered GeoJSON source (MapLibre) coloured red/yellow/green/grey (a cluster takes
 * the colour of its most urgent report),
 * over the tiles of /api/v1/config when set, else the shipped kelurahan polygons. A point opens a
 * popup with its ticket, label and a link; a cluster zooms in. Loaded on demand (MapLibre is large).
 */
import { Map as MapLibreMap, Marker, NavigationControl, Popup, type GeoJSONSource, type LayerSpecification, type MapGeoJSONFeature, type StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type ListFilters } from "./api.ts";
import type { Language } from "./i18n.ts";
import { kelurahanCollection } from "./kelurahan.ts";
import { EMPTY, mapConfig, type GeoData, type MapConfig } from "./map-base.ts";
import { navigate } from "./router.tsx";

interface ReportFeature {
  type: "Feature";
  geometry: { type: "Point"; coordinates: [number, number] };
  properties: { ticket: string; colour: string; label: string; category: string | { name?: string } | null };
}

/** the same colours as the portal's status pills */
const COLOUR_OF = ["match", ["get", "colour"], "red", "#c62828", "yellow", "#f9d44a", "green", "#2e7d32", "#616161"];

function style(cfg: MapConfig): StyleSpecification {
  const sources: StyleSpecification["sources"] = { kelurahan: { type: "geojson", data: EMPTY } };
  const layers: LayerSpecification[] = [{ id: "bg", type: "background", paint: { "background-color": "#eef3f7" } }];
  if (cfg.tileUrl) {
    sources.tiles = { type: "raster", tiles: [cfg.tileUrl], tileSize: 256, ...(cfg.tileAttribution ? { attribution: cfg.tileAttribution } : {}) };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  } else {
    layers.push(
      { id: "kel-fill", type: "fill", source: "kelurahan", paint: { "fill-color": "#ffffff", "fill-opacity": 0.9 } },
      { id: "kel-line", type: "line", source: "kelurahan", paint: { "line-color": "#8aa4bb", "line-width": 0.8 } },
    );
  }
  sources.reports = {
    type: "geojson",
    data: EMPTY,
    cluster: true,
    clusterRadius: 40,
    clusterMaxZoom: 15,
    // how many red and yellow reports each cluster holds: it takes the colour of its most urgent report
    clusterProperties: {
      red: ["+", ["case", ["==", ["get", "colour"], "red"], 1, 0]],
      yellow: ["+", ["case", ["==", ["get", "colour"], "yellow"], 1, 0]],
      green: ["+", ["case", ["==", ["get", "colour"], "green"], 1, 0]],
    },
  };
  layers.push(
    {
      id: "clusters",
      type: "circle",
      source: "reports",
      filter: ["has", "point_count"],
      paint: {
        "circle-color": ["case", [">", ["get", "red"], 0], "#c62828", [">", ["get", "yellow"], 0], "#f9d44a", [">", ["get", "green"], 0], "#2e7d32", "#616161"],
        "circle-opacity": 0.9,
        "circle-radius": ["step", ["get", "point_count"], 14, 10, 18, 50, 24],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    },
    {
      id: "points",
      type: "circle",
      source: "reports",
      filter: ["!", ["has", "point_count"]],
      paint: { "circle-color": COLOUR_OF as never, "circle-radius": 8, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
    },
  );
  return { version: 8, sources, layers };
}

/** Cluster sizes as HTML labels (the map has no font glyphs to draw text with). */
function clusterLabels(m: MapLibreMap, shown: Map<string, Marker>) {
  const seen = new Set<string>();
  for (const f of m.querySourceFeatures("reports", { filter: ["has", "point_count"] })) {
    if (f.geometry.type !== "Point") continue;
    const at = f.geometry.coordinates as [number, number];
    const count = String(f.properties?.point_count_abbreviated ?? f.properties?.point_count ?? "");
    // keyed by what is drawn: new data may reuse a cluster id for another cluster
    const key = `${String(f.properties?.cluster_id)}:${count}:${at[0].toFixed(6)},${at[1].toFixed(6)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!shown.has(key)) {
      const el = document.createElement("span");
      // dark figures on a yellow cluster, light ones on the others
      const yellow = Number(f.properties?.red ?? 0) === 0 && Number(f.properties?.yellow ?? 0) > 0;
      el.className = yellow ? "cluster-count on-yellow" : "cluster-count";
      el.textContent = count;
      el.setAttribute("aria-hidden", "true");
      shown.set(key, new Marker({ element: el }).setLngLat(at).addTo(m));
    }
  }
  for (const [id, marker] of shown) {
    if (!seen.has(id)) {
      marker.remove();
      shown.delete(id);
    }
  }
}

export default function ReportsMap({ filters, lang }: { filters: ListFilters; lang: Language }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const [status, setStatus] = useState<"loading" | "ready" | "failed">("loading");
  const [count, setCount] = useState<number | null>(null);
  const labels = useRef({ open: t("openTicket") });
  labels.current = { open: t("openTicket") };

  useEffect(() => {
    let cancelled = false;
    const clusters = new Map<string, Marker>();
    void mapConfig().then((cfg) => {
      if (cancelled || !box.current) return;
      try {
        const m = new MapLibreMap({
          container: box.current,
          style: style(cfg),
          center: [cfg.centerLon, cfg.centerLat],
          zoom: cfg.zoom,
          attributionControl: cfg.tileUrl && cfg.tileAttribution ? { compact: true } : false,
          dragRotate: false,
          pitchWithRotate: false,
        });
        m.touchZoomRotate.disableRotation();
        m.addControl(new NavigationControl({ showCompass: false }), "top-right");
        m.on("load", () => {
          if (cancelled) return;
          setStatus("ready");
          if (!cfg.tileUrl) void kelurahanCollection().then((fc) => fc && (m.getSource("kelurahan") as GeoJSONSource | undefined)?.setData(fc as unknown as GeoData));
        });
        m.on("click", "clusters", (e) => {
          const f = e.features?.[0];
          const source = m.getSource("reports") as GeoJSONSource | undefined;
          if (!f || !source || f.geometry.type !== "Point") return;
          const at = f.geometry.coordinates as [number, number];
          void source.getClusterExpansionZoom(f.properties?.cluster_id as number).then((zoom) => m.easeTo({ center: at, zoom }));
        });
        m.on("click", "points", (e) => {
          const f = e.features?.[0] as MapGeoJSONFeature | undefined;
          if (!f || f.geometry.type !== "Point") return;
          new Popup({ closeButton: true, maxWidth: "16rem" })
            .setLngLat(f.geometry.coordinates as [number, number])
            .setDOMContent(popupContent(f.properties as ReportFeature["properties"], labels.current.open))
            .addTo(m);
        });
        for (const layer of ["clusters", "points"]) {
          m.on("mouseenter", layer, () => (m.getCanvas().style.cursor = "pointer"));
          m.on("mouseleave", layer, () => (m.getCanvas().style.cursor = ""));
        }
        m.on("moveend", () => clusterLabels(m, clusters));
        m.on("sourcedata", (e) => {
          if (e.sourceId === "reports" && e.isSourceLoaded) clusterLabels(m, clusters);
        });
        m.on("error", () => undefined); // a missing layer leaves a plain map, not a broken page
        map.current = m;
      } catch {
        if (!cancelled) setStatus("failed"); // no WebGL
      }
    });
    return () => {
      cancelled = true;
      for (const marker of clusters.values()) marker.remove();
      map.current?.remove();
      map.current = null;
    };
  }, []);

  // The points follow the filters (all pages of them, not only the list's first page).
  useEffect(() => {
    if (status !== "ready") return;
    const abort = new AbortController();
    fetch(api.geojsonUrl(filters, lang), { signal: abort.signal, headers: { accept: "application/geo+json, application/json" } })
      .then((res) => (res.ok ? (res.json() as Promise<{ features?: ReportFeature[] }>) : null))
      .then((fc) => {
        const m = map.current;
        if (!m || !fc) return;
        const features = (fc.features ?? []).filter((f) => f.geometry?.type === "Point");
        (m.getSource("reports") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features } as GeoData);
        setCount(features.length);
        if (features.length > 0) {
          let [minLon, minLat, maxLon, maxLat] = [180, 90, -180, -90];
          for (const f of features) {
            const [lon, lat] = f.geometry.coordinates;
            minLon = Math.min(minLon, lon);
            maxLon = Math.max(maxLon, lon);
            minLat = Math.min(minLat, lat);
            maxLat = Math.max(maxLat, lat);
          }
          m.fitBounds([[minLon, minLat], [maxLon, maxLat]], { padding: 40, maxZoom: 14, duration: 0 });
        }
      })
      .catch(() => undefined);
    return () => abort.abort();
  }, [filters, lang, status]);

  return (
    <div className="map-wrap">
      <div ref={box} className="map list-map" role="region" aria-label={t("listMapLabel")} data-testid="reports-map" data-ready={status === "ready" ? "true" : "false"} data-features={count ?? ""} />
      {status === "loading" && <p className="map-note">{t("mapLoading")}</p>}
      {status === "failed" && <p className="map-note" role="alert">{t("mapUnavailable")}</p>}
    </div>
  );
}

/** Built from DOM nodes, never HTML strings: the label and category come from the server but stay text. */
function popupContent(p: ReportFeature["properties"], open: string): HTMLElement {
  const root = document.createElement("div");
  root.className = "map-popup";
  root.dataset.testid = "map-popup";
  const head = document.createElement("p");
  const ticket = document.createElement("strong");
  ticket.textContent = p.ticket;
  const pill = document.createElement("span");
  pill.className = `pill ${p.colour}`;
  pill.textContent = p.label;
  head.append(ticket, " ", pill);
  root.append(head);
  // MapLibre flattens nested properties to JSON strings; a plain name is shown as it is.
  const category = categoryName(p.category);
  if (category) {
    const cat = document.createElement("p");
    cat.className = "small";
    cat.textContent = category;
    root.append(cat);
  }
  const link = document.createElement("a");
  const href = `/laporan/${encodeURIComponent(p.ticket)}`;
  link.href = href;
  link.textContent = `${open} →`;
  link.addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  });
  root.append(link);
  return root;
}

function categoryName(c: ReportFeature["properties"]["category"]): string | null {
  if (!c) return null;
  if (typeof c === "object") return c.name ?? null;
  if (c.startsWith("{")) {
    try {
      return (JSON.parse(c) as { name?: string }).name ?? null;
    } catch {
      return c;
    }
  }
  return c;
}
