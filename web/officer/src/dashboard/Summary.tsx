/** Ringkasan: the weekly or monthly summary's figures, its PDF, and a print-friendly page. */
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { statsApi, summaryPdfHref } from "./dashboard-api.ts";
import { num, rate } from "./i18n-dashboard.ts";
import { Loaded, useLoad } from "./parts.tsx";
import "./dashboard.css";

const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10); // Jakarta's date

/** A summary value in the reader's words: numbers in the locale, rates (keys ending in Rate / compliance) as percentages. */
function Value({ k, v, lang }: { k: string; v: unknown; lang: string }) {
  const { t } = useTranslation();
  if (typeof v === "number") return <>{/rate$|compliance|share/i.test(k) && v <= 1 ? rate(v, lang) : num(v, lang)}</>;
  if (typeof v === "string" || typeof v === "boolean") return <>{String(v)}</>;
  if (v === null || v === undefined) return <>—</>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <>—</>;
    return (
      <ul className="plain">
        {v.slice(0, 20).map((item, i) => (
          <li key={i}>{item && typeof item === "object" ? Object.entries(item as Record<string, unknown>).filter(([, x]) => typeof x !== "object").map(([kk, x]) => (typeof x === "number" ? `${t(`dash.series.${kk}`, { defaultValue: kk })}: ${num(x, lang)}` : String(x))).join(" · ") : String(item)}</li>
        ))}
      </ul>
    );
  }
  const o = v as Record<string, unknown>;
  if (typeof o.id === "string" && typeof o.en === "string") return <>{lang === "en" ? o.en : o.id}</>;
  return <Figures data={o} lang={lang} nested />;
}

function Figures({ data, lang, nested }: { data: Record<string, unknown>; lang: string; nested?: boolean }) {
  const { t } = useTranslation();
  const entries = Object.entries(data).filter(([k]) => k !== "links" && k !== "lang");
  return (
    <dl className={nested ? "facts compact" : "facts sum-facts"}>
      {entries.map(([k, v]) => (
        <div className="pair" key={k}>
          <dt>{t(`sum.keys.${k}`, { defaultValue: t(`dash.red.${k}`, { defaultValue: t(`dash.${k}`, { defaultValue: k }) }) })}</dt>
          <dd data-key={k}><Value k={k} v={v} lang={lang} /></dd>
        </div>
      ))}
    </dl>
  );
}

export function Summary() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [period, setPeriod] = useState("week");
  const [date, setDate] = useState(today);
  const [shown, setShown] = useState({ period: "week", date: today() });
  const load = useLoad(`${shown.period}|${shown.date}|${lang}`, () => statsApi.summary(shown.period, shown.date, lang));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown({ period, date });
  };

  return (
    <section aria-labelledby="sum-title" className="dash summary-page">
      <h1 id="sum-title">{t("sum.title")}</h1>
      <form className="card sum-form no-print" onSubmit={submit} aria-label={t("sum.period")}>
        <fieldset>
          <legend>{t("sum.period")}</legend>
          <label className="check"><input type="radio" name="period" value="week" checked={period === "week"} onChange={() => setPeriod("week")} data-testid="sum-week" />{t("sum.week")}</label>
          <label className="check"><input type="radio" name="period" value="month" checked={period === "month"} onChange={() => setPeriod("month")} data-testid="sum-month" />{t("sum.month")}</label>
        </fieldset>
        <label>{t("sum.date")}<input type="date" value={date} required onChange={(e) => setDate(e.target.value)} data-testid="sum-date" /></label>
        <div className="buttons">
          <button type="submit" data-testid="sum-show">{t("sum.show")}</button>
          <a className="button" href={summaryPdfHref(shown.period, shown.date, lang)} data-testid="sum-pdf" download>{t("sum.pdf")}</a>
          <button type="button" className="secondary" onClick={() => window.print()}>{t("sum.print")}</button>
        </div>
      </form>
      <div aria-live="polite" data-testid="sum-body">
        <Loaded load={load}>
          {(d) => <SummaryBody d={d as SummaryShape} lang={lang} />}
        </Loaded>
      </div>
    </section>
  );
}

interface Named { code?: string | null; name?: string | null; count: number }
interface SummaryShape {
  period?: string; firstDay?: string; lastDay?: string;
  created?: number; done?: number; closed?: number;
  openAtEnd?: { red: number; yellow: number; total: number };
  redBreakdown?: Record<string, number>;
  sla?: { onTime: number; late: number; noDeadline?: number; complianceRate: number | null };
  oldestOpen?: Array<{ ticket: string; label: string; colour: string; createdAt: string; unit?: { name: string } | null; kelurahan?: { name: string } | null; overdue?: boolean }>;
  topCategories?: Named[];
  channels?: Array<{ channel: string; count: number }>;
  overdueUnits?: Array<{ unit: { name: string } | null; count: number }>;
  [k: string]: unknown;
}

const RED = ["waiting", "reopened", "coordination", "disposition", "triage"];

/** The summary as H4's /api/v1/summary sends it; anything unexpected falls back to a plain list of figures. */
function SummaryBody({ d, lang }: { d: SummaryShape; lang: string }) {
  const { t } = useTranslation();
  if (d.created === undefined || !d.openAtEnd) {
    return <section className="card" data-testid="sum-figures"><h2>{t("sum.figures")}</h2><Figures data={d} lang={lang} /></section>;
  }
  const locale = lang === "en" ? "en-GB" : "id-ID";
  const day = (iso?: string) => (iso ? new Date(`${iso}T00:00:00+07:00`).toLocaleDateString(locale, { dateStyle: "long", timeZone: "Asia/Jakarta" }) : "");
  return (
    <>
      <p className="sum-period" data-testid="sum-period">{t(`sum.${d.period === "month" ? "month" : "week"}`)}: {day(d.firstDay)} – {day(d.lastDay)}</p>
      <section className="card" aria-labelledby="sum-figures-title" data-testid="sum-figures">
        <h2 id="sum-figures-title">{t("sum.figures")}</h2>
        <dl className="dash-facts">
          <div><dt>{t("sum.created")}</dt><dd className="dash-big" data-testid="sum-created">{num(d.created, lang)}</dd></div>
          <div><dt>{t("sum.done")}</dt><dd className="dash-big">{num(d.done, lang)}</dd></div>
          <div><dt>{t("sum.closed")}</dt><dd className="dash-big">{num(d.closed, lang)}</dd></div>
          <div><dt>{t("sum.openRed")}</dt><dd className="dash-big" data-testid="sum-open-red">{num(d.openAtEnd.red, lang)}</dd></div>
          <div><dt>{t("sum.openYellow")}</dt><dd className="dash-big">{num(d.openAtEnd.yellow, lang)}</dd></div>
          {d.sla && <div><dt>{t("dash.compliance")}</dt><dd className="dash-big" data-testid="sum-compliance">{d.sla.complianceRate === null ? "—" : rate(d.sla.complianceRate / 100, lang)}</dd></div>}
          {d.sla && <div><dt>{t("dash.onTime")} / {t("dash.late")}</dt><dd className="dash-big">{num(d.sla.onTime, lang)} / {num(d.sla.late, lang)}</dd></div>}
        </dl>
      </section>
      {d.redBreakdown && (
        <section className="card dash-red" aria-labelledby="sum-red-title">
          <h2 id="sum-red-title">{t("dash.redTitle")}</h2>
          <dl className="dash-facts" data-testid="sum-red">
            {RED.map((k) => <div key={k}><dt>{t(`dash.red.${k}`)}</dt><dd className="dash-big" data-key={k}>{num(d.redBreakdown?.[k] ?? 0, lang)}</dd></div>)}
          </dl>
        </section>
      )}
      <div className="dash-grid">
        {d.topCategories && (
          <section className="card" aria-labelledby="sum-cat-title"><h2 id="sum-cat-title">{t("dash.categories")}</h2>
            <ul className="plain">{d.topCategories.map((c, i) => <li key={c.code ?? i}>{c.name || c.code || t("sum.uncategorised")}: {num(c.count, lang)}</li>)}</ul>
          </section>
        )}
        {d.channels && (
          <section className="card" aria-labelledby="sum-ch-title"><h2 id="sum-ch-title">{t("dash.channels")}</h2>
            <ul className="plain">{d.channels.map((c) => <li key={c.channel}>{c.channel}: {num(c.count, lang)}</li>)}</ul>
          </section>
        )}
        {d.overdueUnits && (
          <section className="card" aria-labelledby="sum-ou-title"><h2 id="sum-ou-title">{t("sum.overdueUnits")}</h2>
            {d.overdueUnits.length === 0 ? <p className="muted">{t("dash.noData")}</p> : <ul className="plain">{d.overdueUnits.map((u, i) => <li key={i}>{u.unit?.name ?? "—"}: {num(u.count, lang)}</li>)}</ul>}
          </section>
        )}
      </div>
      {d.oldestOpen && d.oldestOpen.length > 0 && (
        <section className="card" aria-labelledby="sum-old-title"><h2 id="sum-old-title">{t("sum.oldestOpen")}</h2>
          <ul className="plain">
            {d.oldestOpen.map((o) => (
              <li key={o.ticket}><a className="ticket" href={`/officer/laporan/${encodeURIComponent(o.ticket)}`}>{o.ticket}</a> <span className="state"><span className={`dot ${o.colour}`} aria-hidden="true" />{o.label}</span> · {o.unit?.name ?? ""}{o.kelurahan ? ` · ${o.kelurahan.name}` : ""} · {new Date(o.createdAt).toLocaleDateString(locale, { timeZone: "Asia/Jakarta" })}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
