import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";

maplibregl.setWorkerUrl(workerUrl);

/** MapLibre (this module is imported lazily, so MapLibre stays out of the first load), loaded only when a report with a point is opened. No external tiles (the CSP allows none): a plain background and the marker. */
export function MapView({ lat, lon }: { lat: number; lon: number }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let cleanup: (() => void) | undefined;
    try {
      if (!ref.current) return;
      const map = new maplibregl.Map({
        container: ref.current,
        style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#e8eef2" } }] },
        center: [lon, lat],
        zoom: 15,
        attributionControl: false,
      });
      map.on("error", () => setFailed(true));
      new maplibregl.Marker({ color: "#c62828" }).setLngLat([lon, lat]).addTo(map);
      cleanup = () => map.remove();
    } catch {
      setFailed(true);
    }
    return () => cleanup?.();
  }, [lat, lon]);

  return (
    <div>
      <div ref={ref} className="map" role="img" aria-label={t("report.mapLabel", { lat: lat.toFixed(5), lon: lon.toFixed(5) })} data-testid="report-map" />
      {failed && <p className="muted" data-testid="map-failed">{t("report.mapFallback", { lat, lon })}</p>}
      <p className="muted small">{lat.toFixed(5)}, {lon.toFixed(5)}</p>
    </div>
  );
}
