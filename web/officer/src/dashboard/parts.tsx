/** Small building blocks of the dashboard screens: a number that links to its report list, accessible bars, the unavailable state. */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { navigate } from "../App.tsx";
import { inboxHref, isUnavailable } from "./dashboard-api.ts";
import { num } from "./i18n-dashboard.ts";

/** A figure: its number links to the inbox listing exactly the reports behind it (when the query is known). */
export function NumLink({ value, query, label, testid, text }: { value: number | null | undefined; query: string | null; label: string; testid?: string; text?: string }) {
  const { t, i18n } = useTranslation();
  const shown = text ?? num(value, i18n.language);
  if (query === null) return <span className="dash-num" data-testid={testid}>{shown}</span>;
  const href = inboxHref(query);
  return (
    <a className="dash-num" href={href} data-testid={testid} aria-label={t("dash.openList", { label, value: shown })}
      onClick={(e) => { e.preventDefault(); navigate(href); }}>{shown}</a>
  );
}

export interface Bar { key: string; label: string; value: number; query: string | null; colour?: string }

/** A horizontal bar chart as a list: every bar carries its number as text (and the number is a link). */
export function Bars({ bars, label, testid }: { bars: Bar[]; label: string; testid?: string }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...bars.map((b) => b.value));
  if (bars.length === 0) return <p className="muted">{t("dash.noData")}</p>;
  return (
    <ul className="dash-bars" aria-label={label} data-testid={testid}>
      {bars.map((b) => (
        <li key={b.key} data-key={b.key}>
          <span className="dash-bar-label">{b.label}</span>
          <span className="dash-bar-track" aria-hidden="true"><span className={`dash-bar ${b.colour ?? ""}`} style={{ width: `${(b.value / max) * 100}%` }} /></span>
          <NumLink value={b.value} query={b.query} label={b.label} testid={testid ? `${testid}-${b.key}` : undefined} />
        </li>
      ))}
    </ul>
  );
}

export type Load<T> = { state: "loading" } | { state: "ok"; data: T } | { state: "unavailable" } | { state: "error"; message: string };

/** The loading / not-yet-available / error states every panel shares. */
export function Loaded<T>({ load, children }: { load: Load<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (load.state === "loading") return <p role="status">{t("loading")}</p>;
  if (load.state === "unavailable") return <p className="muted dash-unavailable" role="status" data-testid="dash-unavailable">{t("dash.unavailable")}</p>;
  if (load.state === "error") return <p className="error" role="alert">{t("dash.loadError", { message: load.message })}</p>;
  return <>{children(load.data)}</>;
}

/** Runs a loader whenever its key changes; a missing endpoint becomes "unavailable", not a crash. */
export function useLoad<T>(key: string, loader: () => Promise<T>): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const ref = useRef(loader);
  ref.current = loader;
  useEffect(() => {
    let live = true;
    setLoad({ state: "loading" });
    ref.current().then(
      (data) => live && setLoad({ state: "ok", data }),
      (err: unknown) => live && setLoad(isUnavailable(err) ? { state: "unavailable" } : { state: "error", message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return load;
}
