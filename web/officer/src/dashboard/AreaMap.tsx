/**
 * The choropleth: areas coloured by their share of red reports, on the shipped kelurahan polygons
 * (kecamatan and kota are their kelurahan grouped by code prefix). Clicking an area, or its row in the
 * table (the keyboard route), shows its numbers and a link to its report list. Loaded on demand.
 */
import { Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type StyleSpecification } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type GeoFeatureCollection } from "../api.ts";
import { statsApi, type AreaRow, type StatsFilters } from "./dashboard-api.ts";
import { num, rate } from "./i18n-dashboard.ts";
import { Loaded, NumLink, useLoad } from "./parts.tsx";

setWorkerUrl(workerUrl);

type GeoData = Exclude<Parameters<GeoJSONSource["setData"]>[0], string>;
const LEVELS = ["kota", "kecamatan", "kelurahan"] as const;
type Level = (typeof LEVELS)[number];
const PREFIX: Record<Level, number> = { kota: 5, kecamatan: 8, kelurahan: 13 };
/** share of red -> colour (legend steps) */
const STEPS: Array<[number, string]> = [[0, "#f1f4f7"], [0.1, "#fcd9cf"], [0.25, "#f4a48f"], [0.5, "#e06650"], [0.75, "#b3261e"]];
const NO_DATA = "#dfe3e8";

const shareOf = (a: AreaRow) => (a.total > 0 ? a.red / a.total : 0);
function colourOf(a: AreaRow | undefined): string {
  if (!a || a.total === 0) return NO_DATA;
  let c = STEPS[0]![1];
  for (const [min, colour] of STEPS) if (shareOf(a) >= min) c = colour;
  return c;
}

export function AreaMap({ filters }: { filters: StatsFilters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [level, setLevel] = useState<Level>("kecamatan");
  const [selected, setSelected] = useState<string | null>(null);
  const areas = useLoad(`${level}|${new URLSearchParams(filters).toString()}`, () => statsApi.areas(level, filters));
  const [geo, setGeo] = useState<GeoFeatureCollection | null>(null);
  const [mapState, setMapState] = useState<"loading" | "ready" | "failed">("loading");
  const [drawn, setDrawn] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const byCode = useMemo(() => new Map((areas.state === "ok" ? areas.data.items : []).map((a) => [a.code, a])), [areas]);

  useEffect(() => {
    api.kelurahanGeojson().then(setGeo, () => setMapState("failed"));
  }, []);

  useEffect(() => {
    if (!box.current) return;
    const style: StyleSpecification = {
      version: 8,
      sources: { areas: { type: "geojson", data: { type: "FeatureCollection", features: [] } } },
      layers: [
        { id: "bg", type: "background", paint: { "background-color": "#eef3f7" } },
        { id: "area-fill", type: "fill", source: "areas", paint: { "fill-color": ["get", "fill"], "fill-opacity": 0.9 } },
        { id: "area-line", type: "line", source: "areas", paint: { "line-color": "#ffffff", "line-width": 0.5 } },
        { id: "area-selected", type: "line", source: "areas", filter: ["==", ["get", "selected"], true], paint: { "line-color": "#0b57a4", "line-width": 2.5 } },
      ],
    };
    let m: MapLibreMap;
    try {
      m = new MapLibreMap({ container: box.current, style, center: [106.8456, -6.2], zoom: 10, attributionControl: false, dragRotate: false, pitchWithRotate: false });
    } catch {
      setMapState("failed");
      return;
    }
    mapRef.current = m;
    m.addControl(new NavigationControl({ showCompass: false }), "top-right");
    m.on("error", () => undefined);
    m.on("load", () => setMapState("ready"));
    const container = box.current;
    m.on("idle", () => container.setAttribute("data-idle", "true"));
    m.on("dataloading", () => container.setAttribute("data-idle", "false"));
    m.on("click", "area-fill", (e) => {
      const code = e.features?.[0]?.properties?.area;
      if (typeof code === "string") setSelected(code);
    });
    m.on("mouseenter", "area-fill", () => (m.getCanvas().style.cursor = "pointer"));
    m.on("mouseleave", "area-fill", () => (m.getCanvas().style.cursor = ""));
    return () => {
      m.remove();
      mapRef.current = null;
    };
  }, []);

  // colour every kelurahan polygon by the figures of the area (at the chosen level) it belongs to
  useEffect(() => {
    const m = mapRef.current;
    if (!m || mapState !== "ready" || !geo) return;
    const features = geo.features.map((f) => {
      const code = typeof f.properties?.code === "string" ? f.properties.code : "";
      const area = code.slice(0, PREFIX[level]);
      return { ...f, properties: { ...(f.properties ?? {}), area, fill: colourOf(byCode.get(area)), selected: area === selected } };
    });
    (m.getSource("areas") as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features } as GeoData);
    setDrawn(features.length);
  }, [geo, byCode, level, selected, mapState]);

  const chosen = selected ? byCode.get(selected) : undefined;
  const rows = areas.state === "ok" ? [...areas.data.items].sort((a, b) => shareOf(b) - shareOf(a) || b.red - a.red) : [];

  return (
    <section className="card" aria-labelledby="dash-map-title">
      <div className="dash-head">
        <h2 id="dash-map-title">{t("dash.map")}</h2>
        <div className="dash-seg" role="group" aria-label={t("dash.level")}>
          {LEVELS.map((l) => (
            <button key={l} type="button" className="secondary" aria-pressed={level === l} data-testid={`dash-level-${l}`} onClick={() => { setLevel(l); setSelected(null); }}>{t(`dash.levels.${l}`)}</button>
          ))}
        </div>
      </div>
      <div ref={box} className="map dash-map" role="region" aria-label={t("dash.mapLabel")} data-testid="dash-map" data-ready={mapState === "ready" ? "true" : "false"} data-features={drawn} />
      {mapState === "failed" && <p className="muted small">{t("dash.noMap")}</p>}
      <ul className="legend" aria-label={t("dash.legend")}>
        {STEPS.map(([min, colour], i) => (
          <li key={min}><span className="dash-swatch" style={{ background: colour }} aria-hidden="true" />{rate(min, lang)}{i < STEPS.length - 1 ? `–${rate(STEPS[i + 1]![0], lang)}` : "+"}</li>
        ))}
        <li><span className="dash-swatch" style={{ background: NO_DATA }} aria-hidden="true" />{t("dash.noData")}</li>
      </ul>
      <div aria-live="polite" data-testid="dash-area-detail">
        {chosen ? (
          <div className="dash-area">
            <h3>{chosen.name} <small className="muted">{chosen.code}</small></h3>
            <p>
              <span className="dot red" aria-hidden="true" /> {t("colours.red")}: <NumLink value={chosen.red} label={`${chosen.name} ${t("colours.red")}`} query={`kelurahan=${chosen.code}&colour=red`} />
              {" · "}{t("dash.redShare")}: {rate(shareOf(chosen), lang)}
              {" · "}{t("dash.total")}: <NumLink value={chosen.total} label={chosen.name} query={chosen.link ?? `kelurahan=${chosen.code}`} testid="dash-area-total" />
            </p>
            {chosen.redBreakdown && (
              <ul className="legend">
                {(["waiting", "reopened", "coordination", "disposition", "triage"] as const).map((k) => (
                  <li key={k}>{t(`dash.red.${k}`)}: <NumLink value={chosen.redBreakdown?.[k] ?? 0} label={`${chosen.name} ${t(`dash.red.${k}`)}`} query={`${chosen.link ?? `kelurahan=${chosen.code}`}&redReason=${k}`} /></li>
                ))}
              </ul>
            )}
          </div>
        ) : <p className="muted small">{t("dash.selectArea")}</p>}
      </div>
      <details>
        <summary>{t("dash.areaTable")}</summary>
        <Loaded load={areas}>
          {() => (
            <div className="dash-scroll">
              <table className="dash-table" data-testid="dash-area-table">
                <thead><tr><th scope="col">{t("dash.area")}</th><th scope="col">{t("colours.red")}</th><th scope="col">{t("colours.yellow")}</th><th scope="col">{t("colours.green")}</th><th scope="col">{t("dash.total")}</th><th scope="col">{t("dash.redShare")}</th></tr></thead>
                <tbody>
                  {rows.map((a) => (
                    <tr key={a.code}>
                      <th scope="row"><button type="button" className="linkish" data-testid="dash-area-pick" data-code={a.code} onClick={() => setSelected(a.code)} aria-pressed={selected === a.code}>{a.name}</button></th>
                      <td>{num(a.red, lang)}</td><td>{num(a.yellow, lang)}</td><td>{num(a.green, lang)}</td>
                      <td><NumLink value={a.total} label={a.name} query={a.link ?? `kelurahan=${a.code}`} /></td>
                      <td>{rate(shareOf(a), lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </details>
    </section>
  );
}
