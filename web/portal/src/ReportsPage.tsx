/**
 * /laporan: every public report on a clustered map and as a list, with filters and "load more".
 * Public fields only (the API never sends a reporter). Loaded on demand, the map again separately.
 */
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, type Category, type Colour, type ListedReport, type ListFilters } from "./api.ts";
import type { Language } from "./i18n.ts";
import { kelurahanCode, kelurahanNames, type KelurahanName } from "./kelurahan.ts";
import { Link } from "./router.tsx";

const ReportsMap = lazy(() => import("./ReportsMap.tsx"));

const COLOURS: Colour[] = ["red", "yellow", "green", "grey"];

type ListState = { name: "loading" } | { name: "error" } | { name: "ok"; items: ListedReport[]; nextCursor: string | null; more: boolean };

export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Language;
  const id = useId();
  const [categories, setCategories] = useState<Category[]>([]);
  const [names, setNames] = useState<KelurahanName[]>([]);
  // The filters live in the address too (/laporan?colour=red&kelurahan=31.71.01.1001), so a filtered list can be shared.
  const [filters, setFilters] = useState<ListFilters>(filtersFromUrl);
  const [draft, setDraft] = useState({ colour: filters.colour ?? "", category: filters.category ?? "", kelurahan: filters.kelurahan ?? "", q: filters.q ?? "" });
  const [placeError, setPlaceError] = useState<string | null>(null);
  const [list, setList] = useState<ListState>({ name: "loading" });
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    void kelurahanNames().then((all) => {
      setNames(all);
      // a code from the address is shown by its name
      setDraft((d) => ({ ...d, kelurahan: all.find((n) => n.code === d.kelurahan)?.label ?? d.kelurahan }));
    });
  }, []);

  useEffect(() => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v) p.set(k, v);
    const url = `${window.location.pathname}${p.size ? `?${p}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, "", url);
  }, [filters]);

  useEffect(() => {
    let live = true;
    api.categories(lang).then((c) => live && setCategories(c), () => undefined);
    return () => {
      live = false;
    };
  }, [lang]);

  useEffect(() => {
    const abort = new AbortController();
    setList({ name: "loading" });
    api.list(filters, null, lang, abort.signal).then(
      (r) => setList({ name: "ok", items: r.items, nextCursor: r.nextCursor, more: false }),
      () => !abort.signal.aborted && setList({ name: "error" }),
    );
    return () => abort.abort();
  }, [filters, lang]);

  async function more() {
    if (list.name !== "ok" || !list.nextCursor) return;
    setList({ ...list, more: true });
    try {
      const r = await api.list(filters, list.nextCursor, lang);
      setList({ name: "ok", items: [...list.items, ...r.items.filter((i) => !list.items.some((x) => x.ticket === i.ticket))], nextCursor: r.nextCursor, more: false });
    } catch {
      setList({ ...list, more: false });
    }
  }

  function apply(next = draft, e?: FormEvent) {
    e?.preventDefault();
    const place = next.kelurahan.trim();
    const code = place ? kelurahanCode(names, place) : null;
    if (place && !code) {
      setPlaceError(t("filterKelurahanUnknown", { name: place }));
      return;
    }
    setPlaceError(null);
    setFilters({ colour: next.colour || undefined, category: next.category || undefined, kelurahan: code ?? undefined, q: next.q.trim() || undefined });
  }

  function reset() {
    const empty = { colour: "", category: "", kelurahan: "", q: "" };
    setDraft(empty);
    apply(empty);
  }

  /** A select applies at once; the text fields on "Apply" (or Enter). */
  function pick(field: "colour" | "category", value: string) {
    const next = { ...draft, [field]: value };
    setDraft(next);
    apply(next);
  }

  const mapFilters = useMemo(() => ({ colour: filters.colour, category: filters.category, kelurahan: filters.kelurahan }), [filters]);
  const fmt = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", { dateStyle: "medium", timeZone: "Asia/Jakarta" });

  return (
    <>
      <section className="intro">
        <h1 ref={heading} tabIndex={-1} className="plain-focus">{t("listTitle")}</h1>
        <p className="muted">{t("listIntro")}</p>
      </section>

      <section className="card" aria-labelledby={`${id}-f`}>
        <h2 id={`${id}-f`}>{t("filtersTitle")}</h2>
        <form className="filters" onSubmit={(e) => apply(draft, e)} data-testid="list-filters">
          <div>
            <label htmlFor={`${id}-colour`}>{t("filterColour")}</label>
            <select id={`${id}-colour`} data-testid="filter-colour" value={draft.colour} onChange={(e) => pick("colour", e.target.value)}>
              <option value="">{t("filterAll")}</option>
              {COLOURS.map((c) => <option key={c} value={c}>{t(`colour_${c}`)}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-cat`}>{t("filterCategory")}</label>
            <select id={`${id}-cat`} data-testid="filter-category" value={draft.category} onChange={(e) => pick("category", e.target.value)}>
              <option value="">{t("filterAll")}</option>
              {categories.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor={`${id}-kel`}>{t("filterKelurahan")}</label>
            <input id={`${id}-kel`} data-testid="filter-kelurahan" list={`${id}-kel-list`} autoComplete="off" value={draft.kelurahan} onChange={(e) => setDraft({ ...draft, kelurahan: e.target.value })} aria-describedby={`${id}-kel-hint`} aria-invalid={placeError ? true : undefined} />
            <datalist id={`${id}-kel-list`}>
              {names.map((n) => <option key={n.code} value={n.label} />)}
            </datalist>
            <small id={`${id}-kel-hint`} className={placeError ? "error" : "muted"} role={placeError ? "alert" : undefined}>{placeError ?? t("filterKelurahanHint")}</small>
          </div>
          <div>
            <label htmlFor={`${id}-q`}>{t("filterText")}</label>
            <input id={`${id}-q`} data-testid="filter-q" type="search" maxLength={100} value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
          </div>
          <p className="actions span">
            <button type="submit" data-testid="filter-apply">{t("filterApply")}</button>
            <button type="button" className="secondary" onClick={reset}>{t("filterReset")}</button>
          </p>
        </form>
      </section>

      <section className="card map-card" aria-label={t("listMapLabel")}>
        <p className="small muted">{t("listMapHint")}</p>
        <Suspense fallback={<div className="map list-map"><p className="map-note">{t("mapLoading")}</p></div>}>
          <ReportsMap filters={mapFilters} lang={lang} />
        </Suspense>
        <Legend />
      </section>

      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`} className="visually-hidden">{t("listTitle")}</h2>
        <p role="status" aria-live="polite" className="small muted" data-testid="list-status">
          {list.name === "loading" && t("loading")}
          {list.name === "error" && <span className="error">{t("error")}</span>}
          {list.name === "ok" && (list.items.length === 0 ? t("listEmpty") : t("listCount", { count: list.items.length }))}
        </p>
        {list.name === "ok" && (
          <>
            <ul className="report-list">
              {list.items.map((r) => (
                <li key={r.ticket} className="card report-card" data-testid="public-report" data-ticket={r.ticket} data-colour={r.colour}>
                  <p className="report-card-head">
                    <span className={`pill ${r.colour}`}>{r.label}</span>
                    <Link to={`/laporan/${encodeURIComponent(r.ticket)}`} className="report-ticket">{r.ticket}</Link>
                  </p>
                  <p className="report-meta small">
                    {[r.category?.name ?? t("noCategory"), r.kelurahan?.name].filter(Boolean).join(" · ")}
                  </p>
                  <p className="report-summary">{r.summary}</p>
                  <p className="small muted">
                    <time dateTime={r.createdAt}>{fmt.format(new Date(r.createdAt))}</time> · {t("supporters", { count: r.supportCount })}
                  </p>
                  <Link to={`/laporan/${encodeURIComponent(r.ticket)}`} className="small" aria-label={`${t("openTicket")} ${r.ticket}`}>{t("openTicket")} →</Link>
                </li>
              ))}
            </ul>
            {list.nextCursor && (
              <button type="button" className="secondary wide" data-testid="list-more" disabled={list.more} onClick={() => void more()}>
                {list.more ? t("loading") : t("listMore")}
              </button>
            )}
          </>
        )}
      </section>
    </>
  );
}

const FILTER_KEYS = ["colour", "category", "kelurahan", "q"] as const;

function filtersFromUrl(): ListFilters {
  const p = new URLSearchParams(window.location.search);
  const out: ListFilters = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k)?.trim();
    if (v) out[k] = v.slice(0, 100);
  }
  if (out.colour && !(COLOURS as string[]).includes(out.colour)) delete out.colour;
  return out;
}

function Legend() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="legend" role="group" aria-labelledby={`${id}-l`} data-testid="legend">
      <h2 id={`${id}-l`} className="legend-title">{t("legendTitle")}</h2>
      <ul>
        {COLOURS.map((c) => (
          <li key={c}><span className={`dot ${c}`} aria-hidden="true" /> {t(`legend_${c}`)}</li>
        ))}
      </ul>
    </div>
  );
}
