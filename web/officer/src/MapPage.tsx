/**
 * The map of reports in the officer's scope (loaded on demand: MapLibre is most of the JavaScript).
 * Reports are clustered points coloured red/yellow/green; clusters are HTML markers with their count
 * (no glyph server is needed under the CSP); the officer's area is outlined on the shipped kelurahan
 * polygons, which are the base map unless the deployment configures a tile URL.
 */
import { Map as MapLibreMap, Marker, NavigationControl, AttributionControl, Popup, setWorkerUrl, type GeoJSONSource, type LayerSpecification, type MapGeoJSONFeature, type StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type GeoFeatureCollection, type MapConfig, type Scope, type Unit, type User } from "./api.ts";
import { navigate } from "./App.tsx";
import { reportHref } from "./Inbox.tsx";
import { errorText } from "./format.ts";

setWorkerUrl(workerUrl);

type GeoData = Exclude<Parameters<GeoJSONSource["setData"]>[0], string>;
const EMPTY: GeoData = { type: "FeatureCollection", features: [] };
const FALLBACK = { centerLat: -6.2, centerLon: 106.8456, zoom: 10 };
const COLOURS = { red: "#c62828", yellow: "#e0a800", green: "#2e7d32", grey: "#757575" } as const;

interface PointProps { ticket: string; colour: string; label: string; state: string; category: string | null }

function style(cfg: MapConfig): StyleSpecification {
  const sources: StyleSpecification["sources"] = {
    kelurahan: { type: "geojson", data: EMPTY },
    scope: { type: "geojson", data: EMPTY },
    reports: {
      type: "geojson",
      data: EMPTY,
      cluster: true,
      clusterRadius: 45,
      clusterMaxZoom: 15,
      clusterProperties: {
        red: ["+", ["case", ["==", ["get", "colour"], "red"], 1, 0]],
        yellow: ["+", ["case", ["==", ["get", "colour"], "yellow"], 1, 0]],
      },
    },
  };
  const layers: LayerSpecification[] = [{ id: "bg", type: "background", paint: { "background-color": "#eef3f7" } }];
  if (cfg.tileUrl) {
    sources.tiles = { type: "raster", tiles: [cfg.tileUrl], tileSize: 256, ...(cfg.tileAttribution ? { attribution: cfg.tileAttribution } : {}) };
    layers.push({ id: "tiles", type: "raster", source: "tiles" });
  }
  layers.push(
    { id: "kel-fill", type: "fill", source: "kelurahan", paint: { "fill-color": "#ffffff", "fill-opacity": cfg.tileUrl ? 0.1 : 0.9 } },
    { id: "kel-line", type: "line", source: "kelurahan", paint: { "line-color": "#9fb3c6", "line-width": 0.6 } },
    { id: "scope-fill", type: "fill", source: "scope", paint: { "fill-color": "#0b57a4", "fill-opacity": 0.06 } },
    { id: "scope-outline", type: "line", source: "scope", paint: { "line-color": "#0b57a4", "line-width": 2.2 } },
    {
      id: "report-points",
      type: "circle",
      source: "reports",
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-radius": 7,
        "circle-color": ["match", ["get", "colour"], "red", COLOURS.red, "yellow", COLOURS.yellow, "green", COLOURS.green, COLOURS.grey],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    },
  );
  return { version: 8, sources, layers };
}

/** The kelurahan codes an officer's scope covers: all for jsc_admin, else the region prefix and the kelurahan of their units. */
function scopeMatcher(scope: Scope | null, user: User, units: Unit[]): ((code: string) => boolean) | null {
  if (scope?.all || user.role === "jsc_admin" || user.role === "executive") return () => true;
  const prefixes: string[] = [];
  if (scope?.regionPrefix) prefixes.push(scope.regionPrefix);
  const ids = new Set(scope?.unitIds ?? (user.unitId ? [user.unitId] : []));
  for (const u of units) if (ids.has(u.id) && u.regionCode) prefixes.push(u.regionCode);
  if (prefixes.length === 0) return null;
  return (code) => prefixes.some((p) => code === p || code.startsWith(p + "."));
}

export function MapPage({ user, scope }: { user: User; scope: Scope | null }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [status, setStatus] = useState<"loading" | "ready" | "failed">("loading");
  const [reports, setReports] = useState<GeoFeatureCollection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [scopeCount, setScopeCount] = useState(0);
  const [clusters, setClusters] = useState(0);
  const [scopeLayer, setScopeLayer] = useState(false);
  const query = useMemo(() => {
    const p = new URLSearchParams(window.location.search);
    p.delete("cursor");
    p.set("lang", i18n.language);
    return p;
  }, [i18n.language]);

  // the reports in scope, with the inbox's filters when it sent us here
  useEffect(() => {
    let live = true;
    api.geojson(query).then((fc) => live && setReports(fc), (e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [query]);

  useEffect(() => {
    let cancelled = false;
    const markers = new Map<string, Marker>();
    void (async () => {
      const cfg: MapConfig = await api.config().then((c) => ({ ...FALLBACK, ...(c.map ?? {}) }), () => FALLBACK);
      if (cancelled || !box.current) return;
      let m: MapLibreMap;
      try {
        m = new MapLibreMap({
          container: box.current,
          style: style(cfg),
          center: [cfg.centerLon ?? FALLBACK.centerLon, cfg.centerLat ?? FALLBACK.centerLat],
          zoom: cfg.zoom ?? FALLBACK.zoom,
          attributionControl: false,
          dragRotate: false,
          pitchWithRotate: false,
        });
      } catch {
        setStatus("failed"); // no WebGL
        return;
      }
      mapRef.current = m;
      m.touchZoomRotate.disableRotation();
      m.addControl(new NavigationControl({ showCompass: false }), "top-right");
      if (cfg.tileUrl && cfg.tileAttribution) m.addControl(new AttributionControl({ compact: true }), "bottom-right");
      m.on("error", () => undefined); // a tile that fails leaves the polygons, not a broken page

      // cluster circles as HTML markers: a count needs no glyphs, and a button is keyboard-usable
      const drawClusters = () => {
        const seen = new Set<string>();
        for (const f of m.querySourceFeatures("reports")) {
          if (!f.properties?.cluster || f.geometry.type !== "Point") continue;
          const id = Number(f.properties.cluster_id);
          const count = Number(f.properties.point_count);
          const colour = Number(f.properties.red) > 0 ? "red" : Number(f.properties.yellow) > 0 ? "yellow" : "green";
          // a cluster id is reused after new data or another zoom: the key includes what it shows
          const key = `${id}:${count}:${colour}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (markers.has(key)) continue;
          const el = document.createElement("button");
          el.type = "button";
          el.className = `cluster ${colour}`;
          el.dataset.testid = "map-cluster";
          el.dataset.count = String(count);
          el.textContent = String(count);
          el.setAttribute("aria-label", t("map.cluster", { count }));
          const at = f.geometry.coordinates as [number, number];
          el.addEventListener("click", (ev) => {
            ev.stopPropagation();
            void (m.getSource("reports") as GeoJSONSource).getClusterExpansionZoom(id).then((z) => m.easeTo({ center: at, zoom: z }));
          });
          markers.set(key, new Marker({ element: el }).setLngLat(at).addTo(m));
        }
        for (const [key, mk] of markers) if (!seen.has(key)) {
          mk.remove();
          markers.delete(key);
        }
        setClusters(markers.size);
      };
      m.on("data", (e) => {
        if ((e as { sourceId?: string }).sourceId === "reports" && m.isSourceLoaded("reports")) drawClusters();
      });
      m.on("moveend", drawClusters);
      // "idle": every source loaded and drawn (tests and slow devices wait for it before pointing at things)
      const container = box.current;
      m.on("idle", () => container.setAttribute("data-idle", "true"));
      m.on("dataloading", () => container.setAttribute("data-idle", "false"));
      m.on("movestart", () => container.setAttribute("data-idle", "false"));

      m.on("click", "report-points", (e) => {
        const f = e.features?.[0] as MapGeoJSONFeature | undefined;
        if (!f || f.geometry.type !== "Point") return;
        const p = f.properties as unknown as PointProps;
        const div = document.createElement("div");
        div.className = "map-popup";
        const a = document.createElement("a");
        a.href = reportHref(p.ticket);
        a.textContent = p.ticket;
        a.className = "ticket";
        a.dataset.testid = "map-popup-link";
        a.addEventListener("click", (ev) => {
          ev.preventDefault();
          navigate(reportHref(p.ticket));
        });
        const label = document.createElement("div");
        label.textContent = p.label;
        div.append(a, label);
        new Popup({ closeButton: true }).setLngLat(f.geometry.coordinates as [number, number]).setDOMContent(div).addTo(m);
      });
      m.on("mouseenter", "report-points", () => (m.getCanvas().style.cursor = "pointer"));
      m.on("mouseleave", "report-points", () => (m.getCanvas().style.cursor = ""));

      m.on("load", async () => {
        if (cancelled) return;
        const [kel, units] = await Promise.all([
          api.kelurahanGeojson().catch(() => null),
          api.units().then((r) => r.items, () => [] as Unit[]),
        ]);
        if (cancelled) return;
        if (kel) {
          (m.getSource("kelurahan") as GeoJSONSource | undefined)?.setData(kel as GeoData);
          const inScope = scopeMatcher(scope, user, units);
          const mine = inScope ? kel.features.filter((f) => typeof f.properties?.code === "string" && inScope(f.properties.code)) : [];
          (m.getSource("scope") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features: mine } as GeoData);
          setScopeCount(mine.length);
          // frame the officer's area unless they see everything
          if (mine.length > 0 && mine.length < kel.features.length) fitTo(m, mine);
        }
        setScopeLayer(!!m.getLayer("scope-outline"));
        setStatus("ready");
      });
    })();
    return () => {
      cancelled = true;
      for (const mk of markers.values()) mk.remove();
      mapRef.current?.remove();
      mapRef.current = null;
    };
    // the map is built once; labels follow the language at the next visit
  }, []);

  useEffect(() => {
    const m = mapRef.current;
    if (!m || status !== "ready" || !reports) return;
    (m.getSource("reports") as GeoJSONSource | undefined)?.setData(reports as GeoData);
  }, [reports, status]);

  const points = reports?.features ?? [];
  const props = (f: GeoFeatureCollection["features"][number]) => (f.properties ?? {}) as unknown as PointProps;

  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">{t("map.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted small" role="status" data-testid="map-summary">
        {reports ? t("map.summary", { count: points.length }) : t("loading")}
        {status === "failed" ? ` ${t("map.failed")}` : ""}
      </p>
      <div className="map-wrap big">
        <div ref={box} className="map map-big" role="region" aria-label={t("map.label")} data-testid="reports-map"
          data-ready={status === "ready" ? "true" : "false"} data-features={points.length} data-scope-features={scopeCount} data-scope-layer={scopeLayer ? "true" : "false"} data-clusters={clusters} />
      </div>
      <ul className="legend" aria-label={t("map.legend")}>
        {(["red", "yellow", "green"] as const).map((c) => <li key={c}><span className={`dot ${c}`} aria-hidden="true" />{t(`colours.${c}`)}</li>)}
        <li><span className="scope-swatch" aria-hidden="true" />{t("map.scope")}</li>
      </ul>
      <details className="card">
        <summary>{t("map.list", { count: points.length })}</summary>
        <ul className="plain map-list">
          {points.slice(0, 300).map((f) => {
            const p = props(f);
            return (
              <li key={p.ticket}>
                <a href={reportHref(p.ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(p.ticket)); }}>{p.ticket}</a>{" "}
                <span className="state"><span className={`dot ${p.colour}`} aria-hidden="true" />{p.label}</span>
              </li>
            );
          })}
        </ul>
      </details>
    </section>
  );
}

function fitTo(m: MapLibreMap, features: GeoFeatureCollection["features"]): void {
  let minX = 180, minY = 90, maxX = -180, maxY = -90;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]); minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) visit(f.geometry.coordinates);
  if (minX <= maxX) m.fitBounds([[minX, minY], [maxX, maxY]], { padding: 24, animate: false, maxZoom: 15 });
}
