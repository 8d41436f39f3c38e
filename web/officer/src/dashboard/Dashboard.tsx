/**
 * Dasbor: the figures of the reports in the reader's scope (everything for executives and JSC admins),
 * the red breakdown in plain words, ageing, SLA, rates, channel and category mix, the trend and a
 * choropleth by area. Every number links to the inbox listing the reports behind it.
 */
import { lazy, Suspense, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { User } from "../api.ts";
import { useCategories } from "../hooks.ts";
import { linkQuery, statsApi, type Overview, type StatsFilters, type TrendPoint } from "./dashboard-api.ts";
import { num, rate } from "./i18n-dashboard.ts";
import { Bars, Loaded, NumLink, useLoad } from "./parts.tsx";
import "./dashboard.css";

const AreaMap = lazy(() => import("./AreaMap.tsx").then((m) => ({ default: m.AreaMap })));

const CHANNELS = ["portal", "sms", "whatsapp", "facebook", "twitter", "email", "qlue", "lapor", "walk_in", "phone"];
const FILTER_KEYS = ["kota", "kecamatan", "kelurahan", "category", "channel", "from", "to"] as const;
const RED_KEYS = ["waiting", "reopened", "coordination", "disposition", "triage"] as const;
const COLOURS = ["red", "yellow", "green", "grey"] as const;

function filtersFromUrl(): StatsFilters {
  const p = new URLSearchParams(window.location.search);
  const out: StatsFilters = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The inbox's own filters for the dashboard's filters (used only when the API gives no link for a figure). */
function baseQuery(f: StatsFilters): URLSearchParams {
  const p = new URLSearchParams();
  const area = f.kelurahan || f.kecamatan || f.kota;
  if (area) p.set("kelurahan", area);
  if (f.category) p.set("category", f.category);
  if (f.channel) p.set("channel", f.channel);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  return p;
}
function withParams(f: StatsFilters, extra: Record<string, string>): string {
  const p = baseQuery(f);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

/** The API's link for a figure (links.red.coordination, links["red.coordination"] or links.redCoordination). */
function link(o: Overview, group: string, key: string | null, fallback: string | null): string | null {
  const l = o.links;
  if (l) {
    const found = (key === null ? linkQuery(l, group) : linkQuery(l, group, key) ?? linkQuery(l, `${group}.${key}`) ?? (key ? linkQuery(l, group + key[0]!.toUpperCase() + key.slice(1)) : null));
    if (found !== null) return found;
  }
  return fallback;
}

const FALLBACK_RED: Record<(typeof RED_KEYS)[number], Record<string, string>> = {
  waiting: { colour: "red", state: "waiting" },
  reopened: { colour: "red", reopened: "true" },
  coordination: { colour: "red", state: "coordination" },
  disposition: { colour: "red", state: "disposition" },
  triage: { colour: "red", state: "triage" },
};

export function Dashboard({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const categories = useCategories();
  const [filters, setFilters] = useState<StatsFilters>(filtersFromUrl);
  const [draft, setDraft] = useState<StatsFilters>(filters);
  const [interval, setTrendInterval] = useState("week");
  const key = new URLSearchParams(filters).toString();
  const overview = useLoad(`${key}|${lang}`, () => statsApi.overview({ ...filters, lang }));
  const trend = useLoad(`${key}|${interval}`, () => statsApi.trend(interval, filters));
  const seesAll = user.role === "executive" || user.role === "jsc_admin";

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const clean: StatsFilters = {};
    for (const [k, v] of Object.entries(draft)) if (v.trim()) clean[k] = v.trim();
    setFilters(clean);
    const qs = new URLSearchParams(clean).toString();
    window.history.replaceState(null, "", window.location.pathname + (qs ? `?${qs}` : ""));
  };
  const reset = () => {
    setDraft({});
    setFilters({});
    window.history.replaceState(null, "", window.location.pathname);
  };
  const set = (k: string, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section aria-labelledby="dash-title" className="dash">
      <h1 id="dash-title">{t("dash.title")}</h1>
      {!seesAll && <p className="muted small">{t("dash.scopeNote")}</p>}
      <details className="card dash-filters-box" open={typeof window.matchMedia !== "function" || window.matchMedia("(min-width: 48rem)").matches}>
        <summary>{t("dash.filters")}{key ? ` (${Object.keys(filters).length})` : ""}</summary>
        <form className="filters" onSubmit={apply} aria-label={t("dash.filters")} data-testid="dash-filters">
          <label>{t("dash.kota")}<input value={draft.kota ?? ""} onChange={(e) => set("kota", e.target.value)} placeholder="31.71" pattern="\d{2}\.\d{2}" inputMode="decimal" data-testid="dash-kota" /></label>
          <label>{t("dash.kecamatan")}<input value={draft.kecamatan ?? ""} onChange={(e) => set("kecamatan", e.target.value)} placeholder="31.71.01" pattern="\d{2}\.\d{2}\.\d{2}" inputMode="decimal" /></label>
          <label>{t("dash.kelurahan")}<input value={draft.kelurahan ?? ""} onChange={(e) => set("kelurahan", e.target.value)} placeholder="31.71.01.1001" pattern="\d{2}\.\d{2}\.\d{2}\.\d{4}" inputMode="decimal" /></label>
          <label>{t("dash.category")}
            <select value={draft.category ?? ""} onChange={(e) => set("category", e.target.value)}>
              <option value="">{t("dash.any")}</option>
              {categories.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
            </select>
          </label>
          <label>{t("dash.channel")}
            <select value={draft.channel ?? ""} onChange={(e) => set("channel", e.target.value)}>
              <option value="">{t("dash.any")}</option>
              {CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <label>{t("dash.from")}<input type="date" value={draft.from ?? ""} onChange={(e) => set("from", e.target.value)} /></label>
          <label>{t("dash.to")}<input type="date" value={draft.to ?? ""} onChange={(e) => set("to", e.target.value)} /></label>
          <div className="buttons filter-buttons">
            <button type="submit" data-testid="dash-apply">{t("dash.apply")}</button>
            <button type="button" className="secondary" onClick={reset}>{t("dash.reset")}</button>
          </div>
          <p className="muted small dash-period-note">{t("dash.periodNote")}</p>
        </form>
      </details>

      <div aria-live="polite" aria-busy={overview.state === "loading"}>
        <Loaded load={overview}>
          {(o) => <OverviewPanels o={o} filters={filters} />}
        </Loaded>
      </div>

      <section className="card" aria-labelledby="dash-trend-title">
        <div className="dash-head">
          <h2 id="dash-trend-title">{t("dash.trend")}</h2>
          <div className="dash-seg" role="group" aria-label={t("dash.interval")}>
            {["day", "week", "month"].map((i) => (
              <button key={i} type="button" className="secondary" aria-pressed={interval === i} onClick={() => setTrendInterval(i)} data-testid={`dash-interval-${i}`}>{t(`dash.${i}`)}</button>
            ))}
          </div>
        </div>
        <Loaded load={trend}>{(d) => <Trend points={d.items ?? d.points ?? d.series ?? []} lang={lang} />}</Loaded>
      </section>

      <Suspense fallback={<p role="status">{t("loading")}</p>}>
        <AreaMap filters={filters} />
      </Suspense>
    </section>
  );
}

function OverviewPanels({ o, filters }: { o: Overview; filters: StatsFilters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const redTotal = o.totals.red;
  return (
    <div data-testid="dash-overview">
      <section className="card" aria-labelledby="dash-totals-title">
        <h2 id="dash-totals-title">{t("dash.totals")}</h2>
        <ul className="dash-tiles">
          {COLOURS.map((c) => (
            <li key={c} className={`dash-tile ${c}`} data-testid={`dash-total-${c}`}>
              <span className="dash-tile-label"><span className={`dot ${c}`} aria-hidden="true" />{t(`colours.${c}`)}</span>
              <NumLink value={o.totals[c]} label={t(`colours.${c}`)} query={link(o, "totals", c, withParams(filters, { colour: c }))} testid={`dash-total-${c}-link`} />
            </li>
          ))}
          <li className="dash-tile" data-testid="dash-total-all">
            <span className="dash-tile-label">{t("dash.total")}</span>
            <NumLink value={o.totals.total} label={t("dash.total")} query={link(o, "totals", "total", withParams(filters, {}))} />
          </li>
        </ul>
      </section>

      <section className="card dash-red" aria-labelledby="dash-red-title" data-testid="dash-red">
        <h2 id="dash-red-title"><span className="dot red" aria-hidden="true" /> {t("dash.redTitle")}</h2>
        <p className="muted small">{t("dash.redIntro")}</p>
        <ul className="dash-red-list">
          {RED_KEYS.map((k) => (
            <li key={k} data-testid={`dash-red-${k}`} data-key={k} className={k === "waiting" || k === "reopened" ? "worst" : undefined}>
              <NumLink value={o.red[k]} label={t(`dash.red.${k}`)} query={link(o, "red", k, withParams(filters, FALLBACK_RED[k]))} testid={`dash-red-${k}-link`} />
              <span className="dash-red-label">{t(`dash.red.${k}`)}</span>
              <span className="dash-bar-track" aria-hidden="true"><span className="dash-bar red" style={{ width: `${redTotal ? (o.red[k] / redTotal) * 100 : 0}%` }} /></span>
            </li>
          ))}
        </ul>
      </section>

      <div className="dash-grid">
        <section className="card" aria-labelledby="dash-sla-title">
          <h2 id="dash-sla-title">{t("dash.sla")}</h2>
          <dl className="dash-facts">
            <div><dt>{t("dash.compliance")}</dt><dd className="dash-big" data-testid="dash-sla-compliance">{rate(o.sla.compliance, lang)}</dd></div>
            <div><dt>{t("dash.onTime")}</dt><dd><NumLink value={o.sla.onTime} label={t("dash.onTime")} query={link(o, "sla", "onTime", null)} /></dd></div>
            <div><dt>{t("dash.late")}</dt><dd><NumLink value={o.sla.late} label={t("dash.late")} query={link(o, "sla", "late", null)} /></dd></div>
            <div><dt>{t("dash.overdue")}</dt><dd className="dash-big"><NumLink value={o.overdue.count} label={t("dash.overdue")} query={link(o, "overdue", null, withParams(filters, { overdue: "true" }))} testid="dash-overdue" /></dd></div>
          </dl>
        </section>
        <section className="card" aria-labelledby="dash-rates-title">
          <h2 id="dash-rates-title">{t("dash.rates")}</h2>
          <dl className="dash-facts">
            <div><dt>{t("dash.reopenRate")}</dt><dd className="dash-big"><NumLink value={null} text={rate(o.rates.reopen, lang)} label={t("dash.reopenRate")} query={link(o, "rates", "reopen", null)} testid="dash-rate-reopen" /></dd></div>
            <div><dt>{t("dash.followUpRejection")}</dt><dd className="dash-big"><NumLink value={null} text={rate(o.rates.followUpRejection, lang)} label={t("dash.followUpRejection")} query={link(o, "rates", "followUpRejection", null)} /></dd></div>
          </dl>
        </section>
        <section className="card" aria-labelledby="dash-ageing-title">
          <h2 id="dash-ageing-title">{t("dash.ageing")}</h2>
          <Bars label={t("dash.ageing")} testid="dash-ageing" bars={o.ageing.map((a) => ({ key: a.bucket, label: t(`dash.buckets.${a.bucket}`, { defaultValue: a.bucket }), value: a.open, query: link(o, "ageing", a.bucket, null) }))} />
        </section>
        <section className="card" aria-labelledby="dash-channels-title">
          <h2 id="dash-channels-title">{t("dash.channels")}</h2>
          <Bars label={t("dash.channels")} testid="dash-channels" bars={o.channels.map((c) => ({ key: c.channel, label: c.channel, value: c.count, query: c.link !== undefined ? c.link : link(o, "channels", c.channel, withParams(filters, { channel: c.channel })) }))} />
        </section>
        <section className="card" aria-labelledby="dash-categories-title">
          <h2 id="dash-categories-title">{t("dash.categories")}</h2>
          <Bars label={t("dash.categories")} testid="dash-categories" bars={o.categories.map((c) => ({ key: c.code, label: c.name || c.code, value: c.count, query: c.link !== undefined ? c.link : c.code ? link(o, "categories", c.code, withParams(filters, { category: c.code })) : null }))} />
        </section>
      </div>
    </div>
  );
}

const SERIES_COLOURS: Record<string, string> = { created: "#0b57a4", done: "#2e7d32", closed: "#757575", slaBreached: "#c62828", resolved: "#2e7d32", red: "#c62828", total: "#0b57a4" };

/** The trend as grouped SVG bars with the same numbers in a table (the accessible alternative). */
function Trend({ points, lang }: { points: TrendPoint[]; lang: string }) {
  const { t } = useTranslation();
  const series = useMemo(() => {
    const keys = new Set<string>();
    for (const p of points) for (const [k, v] of Object.entries(p)) if (k !== "period" && k !== "from" && k !== "to" && k !== "start" && typeof v === "number") keys.add(k);
    const preferred = ["created", "done", "closed", "slaBreached"].filter((k) => keys.has(k));
    return preferred.length > 0 ? preferred : [...keys].slice(0, 4);
  }, [points]);
  if (points.length === 0 || series.length === 0) return <p className="muted">{t("dash.noData")}</p>;
  const periodOf = (p: TrendPoint) => String(p.period ?? p.start ?? p.from ?? "");
  const max = Math.max(1, ...points.flatMap((p) => series.map((s) => Number(p[s] ?? 0))));
  const W = 640, H = 180, pad = 24;
  const groupW = (W - pad) / points.length;
  const barW = Math.max(2, (groupW - 4) / series.length);
  const name = (s: string) => t(`dash.series.${s}`, { defaultValue: s });
  return (
    <>
      <svg className="dash-trend" viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={t("dash.trendChart", { series: series.map(name).join(", ") })} data-testid="dash-trend-chart">
        <line x1={pad} y1={H} x2={W} y2={H} stroke="#8a8f96" />
        {points.map((p, i) => series.map((s, j) => {
          const v = Number(p[s] ?? 0);
          const h = (v / max) * (H - 10);
          return <rect key={`${i}-${s}`} x={pad + i * groupW + 2 + j * barW} y={H - h} width={barW - 1} height={h} fill={SERIES_COLOURS[s] ?? "#5b6168"}><title>{`${periodOf(p)} · ${name(s)}: ${num(v, lang)}`}</title></rect>;
        }))}
        <text x={2} y={12} fontSize="11" fill="#5b6168">{num(max, lang)}</text>
        <text x={pad} y={H + 15} fontSize="11" fill="#5b6168">{periodOf(points[0]!)}</text>
        <text x={W} y={H + 15} fontSize="11" fill="#5b6168" textAnchor="end">{periodOf(points[points.length - 1]!)}</text>
      </svg>
      <ul className="legend">{series.map((s) => <li key={s}><span className="dash-swatch" style={{ background: SERIES_COLOURS[s] ?? "#5b6168" }} aria-hidden="true" />{name(s)}</li>)}</ul>
      <details>
        <summary>{t("dash.trendTable")}</summary>
        <div className="dash-scroll">
          <table className="dash-table" data-testid="dash-trend-table">
            <thead><tr><th scope="col">{t("dash.period")}</th>{series.map((s) => <th key={s} scope="col">{name(s)}</th>)}</tr></thead>
            <tbody>{points.map((p, i) => <tr key={i}><th scope="row">{periodOf(p)}</th>{series.map((s) => <td key={s}>{num(Number(p[s] ?? 0), lang)}</td>)}</tr>)}</tbody>
          </table>
        </div>
      </details>
    </>
  );
}
