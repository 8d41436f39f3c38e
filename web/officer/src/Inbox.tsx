import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type Category, type InboxItem, type SavedView, type Scope, type User } from "./api.ts";
import { navigate } from "./App.tsx";
import { fmtDate } from "./format.ts";

const STATES = ["triage", "waiting", "coordination", "disposition", "in_progress", "awaiting_validation", "follow_up_rejected", "done", "closed"];
const CHANNELS = ["portal", "sms", "whatsapp", "facebook", "twitter", "email", "qlue", "lapor", "walk_in", "phone"];

export interface Filters {
  state: string; colour: string; channel: string; category: string; unit: string; overdue: boolean; q: string;
  reopened: boolean; assignee: string; kelurahan: string;
  /** from the dashboard's links: why a report is red, and a creation window (ageing buckets) */
  redReason?: string; createdAfter?: string; createdBefore?: string;
  /** "now": only reports the caller's units hold now or in the caller's area (the figures' scope) */
  held?: string;
}
/** Filters only the dashboard's links set (no form field): shown above the list with a button to drop them. */
const DASHBOARD_KEYS = ["redReason", "createdAfter", "createdBefore", "held"] as const;

export const EMPTY: Filters = { state: "", colour: "", channel: "", category: "", unit: "", overdue: false, q: "", reopened: false, assignee: "", kelurahan: "" };

/** The filters as query parameters: the same names the API takes, so the URL, a saved view and the request agree. */
export function filterEntries(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.state) out.state = f.state;
  if (f.colour) out.colour = f.colour;
  if (f.channel) out.channel = f.channel;
  if (f.category) out.category = f.category;
  if (f.unit.trim()) out.unit = f.unit.trim();
  if (f.overdue) out.overdue = "true";
  if (f.q.trim()) out.q = f.q.trim();
  if (f.reopened) out.reopened = "true";
  if (f.assignee) out.assignee = f.assignee;
  if (f.kelurahan.trim()) out.kelurahan = f.kelurahan.trim();
  for (const k of DASHBOARD_KEYS) if (f[k]) out[k] = f[k];
  return out;
}

export function filtersFrom(source: URLSearchParams | Record<string, unknown>): Filters {
  const get = (k: string): string => {
    const v = source instanceof URLSearchParams ? source.get(k) : source[k];
    return typeof v === "string" ? v : typeof v === "boolean" || typeof v === "number" ? String(v) : "";
  };
  return {
    state: get("state"), colour: get("colour"), channel: get("channel"), category: get("category"), unit: get("unit"),
    overdue: get("overdue") === "true", q: get("q"), reopened: get("reopened") === "true", assignee: get("assignee") === "me" ? "me" : "",
    kelurahan: get("kelurahan"),
    ...Object.fromEntries(DASHBOARD_KEYS.filter((k) => get(k)).map((k) => [k, get(k)])),
  };
}

function toParams(f: Filters, lang: string, cursor?: string): URLSearchParams {
  const p = new URLSearchParams(filterEntries(f));
  if (cursor) p.set("cursor", cursor);
  p.set("lang", lang);
  return p;
}

export function age(iso: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const hours = Math.max(0, (Date.now() - new Date(iso).getTime()) / 3_600_000);
  return hours < 24 ? t("inbox.hours", { count: Math.floor(hours) }) : t("inbox.days", { count: Math.floor(hours / 24) });
}

export const reportHref = (ticket: string) => `/officer/laporan/${encodeURIComponent(ticket)}`;

export function Inbox({ user, scope }: { user: User; scope?: Scope | null }) {
  const { t, i18n } = useTranslation();
  const initial = filtersFrom(new URLSearchParams(window.location.search));
  const [draft, setDraft] = useState<Filters>(initial);
  const [filters, setFilters] = useState<Filters>(initial);
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [views, setViews] = useState<SavedView[] | null>(null);
  const [viewName, setViewName] = useState("");
  const [viewMsg, setViewMsg] = useState<string | null>(null);
  // on a phone the full filter form folds away behind a button; the quick chips stay
  const [showFilters, setShowFilters] = useState(() => typeof window.matchMedia !== "function" || window.matchMedia("(min-width: 48rem)").matches);

  useEffect(() => {
    api.categories(i18n.language).then((r) => setCategories(r.items), () => setCategories([]));
  }, [i18n.language]);

  const loadViews = useCallback(async () => {
    try {
      setViews((await api.views()).items);
    } catch {
      setViews([]);
    }
  }, []);
  useEffect(() => {
    void loadViews();
  }, [loadViews]);

  const load = useCallback(async (f: Filters, cursor?: string) => {
    setError(null);
    try {
      const r = await api.list(toParams(f, i18n.language, cursor));
      setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items));
      setNext(r.nextCursor);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }, [i18n.language]);

  useEffect(() => {
    void load(filters);
  }, [filters, load]);

  // the filters live in the URL: a view is a link, reload keeps it
  useEffect(() => {
    const qs = new URLSearchParams(filterEntries(filters)).toString();
    const url = window.location.pathname + (qs ? `?${qs}` : "");
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, "", url);
  }, [filters]);

  // back/forward between filter URLs
  useEffect(() => {
    const onPop = () => {
      if (!/^\/officer\/(kotak-masuk)?\/?$/.test(window.location.pathname)) return; // leaving the inbox
      const f = filtersFrom(new URLSearchParams(window.location.search));
      setDraft(f);
      setFilters(f);
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const applyNow = (f: Filters) => {
    setDraft(f);
    setFilters(f);
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft });
  };
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const chips: Array<{ id: string; on: boolean; toggle: () => Filters }> = [
    { id: "reopened", on: filters.reopened, toggle: () => ({ ...filters, reopened: !filters.reopened }) },
    { id: "mine", on: filters.assignee === "me", toggle: () => ({ ...filters, assignee: filters.assignee === "me" ? "" : "me" }) },
    ...(scope?.regionPrefix ? [{ id: "area", on: filters.kelurahan === scope.regionPrefix, toggle: () => ({ ...filters, kelurahan: filters.kelurahan === scope.regionPrefix ? "" : scope.regionPrefix! }) }] : []),
    { id: "coordination", on: filters.state === "coordination", toggle: () => ({ ...filters, state: filters.state === "coordination" ? "" : "coordination" }) },
    { id: "overdue", on: filters.overdue, toggle: () => ({ ...filters, overdue: !filters.overdue }) },
  ];

  async function saveView(e: FormEvent) {
    e.preventDefault();
    const name = viewName.trim();
    if (!name) return;
    setViewMsg(null);
    try {
      await api.saveView(name, filterEntries(filters));
      setViewName("");
      setViewMsg(t("views.saved", { name }));
      await loadViews();
    } catch (err) {
      setViewMsg(t("error", { message: err instanceof ApiError ? err.message : String(err) }));
    }
  }

  async function removeView(v: SavedView) {
    setViewMsg(null);
    try {
      await api.deleteView(v.id);
      setViewMsg(t("views.deleted", { name: v.name }));
      await loadViews();
    } catch (err) {
      setViewMsg(t("error", { message: err instanceof ApiError ? err.message : String(err) }));
    }
  }

  const currentQuery = new URLSearchParams(filterEntries(filters)).toString();

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t("inbox.title")} <small className="muted">{user.unitId ?? ""}</small></h1>
      <div className="chips" role="group" aria-label={t("inbox.quick")}>
        {chips.map((c) => (
          <button key={c.id} type="button" className={c.on ? "chip on" : "chip"} aria-pressed={c.on} data-testid={`chip-${c.id}`} onClick={() => applyNow(c.toggle())}>
            {t(`inbox.chips.${c.id}`)}
          </button>
        ))}
        <a className="chip link" href={`/officer/peta${currentQuery ? `?${currentQuery}` : ""}`} data-testid="inbox-to-map"
          onClick={(e) => { e.preventDefault(); navigate(`/officer/peta${currentQuery ? `?${currentQuery}` : ""}`); }}>{t("inbox.onMap")}</a>
        <a className="chip link" href={`/api/v1/reports.csv${currentQuery ? `?${currentQuery}` : ""}`} data-testid="inbox-csv" download>{t("inbox.csv")}</a>
      </div>
      <button type="button" className="secondary filter-toggle" aria-expanded={showFilters} aria-controls="inbox-filters" data-testid="filter-toggle" onClick={() => setShowFilters((v) => !v)}>
        {t("inbox.filters")}{Object.keys(filterEntries(filters)).length ? ` (${Object.keys(filterEntries(filters)).length})` : ""}
      </button>
      {DASHBOARD_KEYS.some((k) => filters[k]) && (
        <p className="card muted" data-testid="inbox-dashboard-filter">
          {t("inbox.fromDashboard")}: {[
            filters.redReason && t("inbox.redReason", { reason: t(`dash.red.${filters.redReason}`) }),
            filters.createdAfter && t("inbox.createdAfter", { date: fmtDate(filters.createdAfter, i18n.language) }),
            filters.createdBefore && t("inbox.createdBefore", { date: fmtDate(filters.createdBefore, i18n.language) }),
            filters.held && t("inbox.heldNow"),
          ].filter(Boolean).join(" · ")}{" "}
          <button type="button" className="secondary" data-testid="inbox-dashboard-clear"
            onClick={() => applyNow({ ...filters, redReason: undefined, createdAfter: undefined, createdBefore: undefined, held: undefined })}>
            {t("inbox.clearDashboard")}
          </button>
        </p>
      )}
      <form id="inbox-filters" className="filters card" hidden={!showFilters} onSubmit={apply} aria-label={t("inbox.filters")}>
        <label>{t("inbox.q")}<input type="search" value={draft.q} onChange={(e) => set("q", e.target.value)} data-testid="filter-q" /></label>
        <label>{t("inbox.state")}
          <select value={draft.state} onChange={(e) => set("state", e.target.value)} data-testid="filter-state">
            <option value="">{t("inbox.any")}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`states.${s}`)}</option>)}
            {draft.state && !STATES.includes(draft.state) && <option value={draft.state}>{draft.state.split(",").map((s) => t(`states.${s}`, { defaultValue: s })).join(", ")}</option>}
          </select>
        </label>
        <label>{t("inbox.colour")}
          <select value={draft.colour} onChange={(e) => set("colour", e.target.value)} data-testid="filter-colour">
            <option value="">{t("inbox.any")}</option>
            {(["red", "yellow", "green", "grey"] as const).map((c) => <option key={c} value={c}>{t(`colours.${c}`)}</option>)}
          </select>
        </label>
        <label>{t("inbox.channel")}
          <select value={draft.channel} onChange={(e) => set("channel", e.target.value)} data-testid="filter-channel">
            <option value="">{t("inbox.any")}</option>
            {CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>{t("inbox.category")}
          <select value={draft.category} onChange={(e) => set("category", e.target.value)} data-testid="filter-category">
            <option value="">{t("inbox.any")}</option>
            {categories.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
          </select>
        </label>
        <label>{t("inbox.unit")}<input value={draft.unit} onChange={(e) => set("unit", e.target.value)} placeholder="kel-31.71.01.1001" data-testid="filter-unit" /></label>
        <label>{t("inbox.kelurahanCode")}<input value={draft.kelurahan} onChange={(e) => set("kelurahan", e.target.value)} placeholder="31.71.01" inputMode="decimal" pattern="\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?" data-testid="filter-kelurahan" /></label>
        <label className="check"><input type="checkbox" checked={draft.overdue} onChange={(e) => set("overdue", e.target.checked)} data-testid="filter-overdue" />{t("inbox.overdue")}</label>
        <label className="check"><input type="checkbox" checked={draft.reopened} onChange={(e) => set("reopened", e.target.checked)} data-testid="filter-reopened" />{t("inbox.chips.reopened")}</label>
        <label className="check"><input type="checkbox" checked={draft.assignee === "me"} onChange={(e) => set("assignee", e.target.checked ? "me" : "")} data-testid="filter-mine" />{t("inbox.chips.mine")}</label>
        <div className="buttons filter-buttons">
          <button type="submit" data-testid="filter-apply">{t("inbox.apply")}</button>
          <button type="button" className="secondary" onClick={() => applyNow(EMPTY)}>{t("inbox.reset")}</button>
        </div>
      </form>

      <details className="card views" data-testid="views">
        <summary>{t("views.title")}{views && views.length > 0 ? ` (${views.length})` : ""}</summary>
        {views && views.length > 0 ? (
          <ul className="view-list">
            {views.map((v) => (
              <li key={v.id} data-testid="saved-view" data-name={v.name}>
                <button type="button" className="secondary" data-testid="view-apply" onClick={() => { applyNow(filtersFrom(v.filters)); setViewMsg(t("views.applied", { name: v.name })); }}>{v.name}</button>
                <button type="button" className="secondary danger" data-testid="view-delete" aria-label={t("views.delete", { name: v.name })} onClick={() => void removeView(v)}>✕</button>
              </li>
            ))}
          </ul>
        ) : <p className="muted">{t("views.none")}</p>}
        <form className="view-save" onSubmit={(e) => void saveView(e)}>
          <label>{t("views.name")}<input data-testid="view-name" required maxLength={80} value={viewName} onChange={(e) => setViewName(e.target.value)} /></label>
          <button type="submit" data-testid="view-save">{t("views.save")}</button>
        </form>
      </details>
      <p className="sr-status" role="status" aria-live="polite" data-testid="view-status">{viewMsg ?? ""}</p>

      {error && <p className="error" role="alert">{error}</p>}
      {items === null ? <p role="status">{t("loading")}</p> : items.length === 0 ? <p role="status">{t("inbox.empty")}</p> : (
        <>
          <p className="muted" role="status">{t("inbox.count", { count: items.length })}</p>
          <ul className="inbox" aria-label={t("inbox.title")}>
            {items.map((r) => (
              <li key={r.ticket} className="row" data-testid="inbox-row" data-ticket={r.ticket}>
                <a href={reportHref(r.ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(r.ticket)); }}>
                  <span className="ticket">{r.ticket}</span>
                  <span className="state" data-testid="state-label" data-colour={r.colour}><span className={`dot ${r.colour}`} aria-hidden="true" />{r.label}</span>
                  {r.overdue && <span className="overdue">{t("inbox.overdueMark")}</span>}
                  {r.reopenCount > 0 && <span className="tag">{t("inbox.reopenedMark", { count: r.reopenCount })}</span>}
                  {r.assigneeUserId === user.id && <span className="tag">{t("inbox.chips.mine")}</span>}
                  <span className="desc">{r.description}</span>
                  <span className="meta">
                    <span>{(r.category && categories.find((c) => c.code === r.category)?.name) ?? r.category ?? "—"}</span>
                    <span>{r.kelurahan?.name ?? "—"}</span>
                    <span>{r.holdingUnit.name}</span>
                    <span>{age(r.createdAt, t)}</span>
                    <span>{r.channel}</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
          {next && <button type="button" onClick={() => void load(filters, next)}>{t("inbox.more")}</button>}
        </>
      )}
    </section>
  );
}
