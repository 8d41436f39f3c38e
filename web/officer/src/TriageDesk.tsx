/**
 * The triage desk (jsc_admin): reports triage could not route by itself, each with triage's guesses
 * (top categories, place candidates, substance flags and why), routed as suggested in one click,
 * routed by a hand-picked category and kelurahan, or closed as invalid.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, type Category, type InboxItem, type ReportView, type Unit, type User } from "./api.ts";
import { navigate } from "./App.tsx";
import { age, reportHref } from "./Inbox.tsx";
import { errorText, pct } from "./format.ts";
import { categoryName, useCategories, useReportQueue } from "./hooks.ts";

let unitsCache: Promise<Unit[]> | null = null;
const loadUnits = () => (unitsCache ??= api.units().then((r) => r.items, (e: unknown) => { unitsCache = null; throw e; }));

/** kelurahan code -> name, from the kelurahan units (the reference data the server already sends). */
function useKelurahanNames(): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    loadUnits().then((units) => setNames(new Map(units.filter((u) => u.kind === "kelurahan" && u.regionCode).map((u) => [u.regionCode!, u.name]))), () => undefined);
  }, []);
  return names;
}

const TRIAGE_QUERY = { state: "triage", limit: "50" };

export function TriageDesk({ user: _user }: { user: User }) {
  const { t } = useTranslation();
  const { items, error, announce, done } = useReportQueue(TRIAGE_QUERY);
  const categories = useCategories();
  const kelurahan = useKelurahanNames();

  return (
    <section aria-labelledby="triage-title">
      <h1 id="triage-title">{t("desk.title")}</h1>
      <p className="ok-live" role="status" aria-live="polite" data-testid="desk-status">{announce}</p>
      {error && <p className="error" role="alert">{error}</p>}
      <datalist id="kelurahan-codes">
        {[...kelurahan].map(([code, name]) => <option key={code} value={code}>{name}</option>)}
      </datalist>
      {items === null ? <p role="status">{t("loading")}</p> : items.length === 0 ? <p data-testid="desk-empty">{t("desk.empty")}</p> : (
        <ul className="cards" aria-label={t("desk.title")}>
          {items.map((r) => <DeskRow key={r.ticket} item={r} categories={categories} kelurahan={kelurahan} onDone={done} />)}
        </ul>
      )}
    </section>
  );
}

function DeskRow({ item, categories, kelurahan, onDone }: {
  item: InboxItem; categories: Category[]; kelurahan: Map<string, string>; onDone: (ticket: string, message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<ReportView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<"manual" | "invalid" | null>(null);
  const [category, setCategory] = useState("");
  const [kel, setKel] = useState("");
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Each card reads its report (triage's guesses, the routing reason) once it comes near the screen: a desk of 50
  // reports asks for the few in view, not for all 50 at once.
  const row = useRef<HTMLLIElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = row.current;
    if (near || !el) return;
    if (typeof IntersectionObserver === "undefined") {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setNear(true);
        io.disconnect();
      }
    }, { rootMargin: "300px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);

  useEffect(() => {
    if (!near) return;
    api.report(item.ticket, i18n.language).then(setView, (e: unknown) => setLoadError(errorText(e)));
  }, [near, item.ticket, i18n.language]);

  const triage = view?.triage ?? null;
  const suggestion = useMemo(() => {
    const cat = triage?.classification?.top[0]?.code ?? view?.category?.code ?? null;
    const place = triage?.place?.best?.kelurahanCode ?? triage?.place?.candidates[0]?.kelurahanCode ?? view?.kelurahan?.code ?? null;
    return { category: cat, kelurahan: place };
  }, [triage, view]);

  useEffect(() => {
    setCategory(suggestion.category ?? "");
    setKel(suggestion.kelurahan ?? "");
  }, [suggestion]);

  const kelName = (code: string | null | undefined) => (code ? `${kelurahan.get(code) ?? code} (${code})` : "—");

  async function run(body: Record<string, unknown>, message: string) {
    setBusy(true);
    setError(null);
    try {
      await api.transition(item.ticket, body);
      onDone(item.ticket, message);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const route = (cat: string | null, code: string | null) => {
    const body: Record<string, unknown> = { action: "route" };
    if (cat) body.category = cat;
    if (code) body.kelurahan = code;
    return run(body, t("desk.routed", { ticket: item.ticket }));
  };

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    void route(category || null, kel.trim() || null);
  };
  const submitInvalid = (e: FormEvent) => {
    e.preventDefault();
    void run({ action: "close", closeReason: "invalid", publicComment: comment.trim() }, t("desk.closed", { ticket: item.ticket }));
  };

  const canSuggest = !!suggestion.category && !!suggestion.kelurahan;

  return (
    <li ref={row} className="card queue-row" data-testid="desk-row" data-ticket={item.ticket}>
      <div className="task-head">
        <a className="ticket" href={reportHref(item.ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(item.ticket)); }}>{item.ticket}</a>
        <span className="state" data-colour={item.colour}><span className={`dot ${item.colour}`} aria-hidden="true" />{item.label}</span>
        <span className="muted small">{item.channel} · {age(item.createdAt, t)}</span>
      </div>
      <p className="task-desc pre">{item.description}</p>
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {!view && !loadError && <p className="muted small">{t("loading")}</p>}
      {view && (
        <dl className="facts compact" data-testid="desk-suggestion">
          <dt>{t("triage.categories")}</dt>
          <dd>{triage?.classification?.top.length
            ? <ul className="plain">{triage.classification.top.map((g) => <li key={g.code}>{categoryName(categories, g.code)}{pct(g.confidence)}</li>)}</ul>
            : "—"}</dd>
          <dt>{t("triage.place")}</dt>
          <dd>
            {triage?.place?.best && <div>{kelName(triage.place.best.kelurahanCode)}{triage.place.best.source ? ` · ${triage.place.best.source}` : ""}{pct(triage.place.best.confidence)}</div>}
            {triage?.place?.candidates.length
              ? <ul className="plain">{triage.place.candidates.map((c, i) => <li key={`${c.kelurahanCode ?? "?"}${i}`}>{kelName(c.kelurahanCode)}{c.source ? ` · ${c.source}` : ""}{pct(c.confidence)}{c.evidence ? ` “${c.evidence}”` : ""}</li>)}</ul>
              : triage?.place?.best ? null : kelName(view.kelurahan?.code)}
            {triage?.place?.outside && <div className="muted small">{t("triage.outside")}: {triage.place.outside.name ?? "?"}</div>}
          </dd>
          <dt>{t("triage.flags")}</dt>
          <dd>{triage?.flags.length
            ? <ul className="plain">{triage.flags.map((f, i) => <li key={`${f.kind}${i}`} className="flag medium">{t(`desk.flag.${f.kind}`, { defaultValue: f.kind })}{f.reason ? `: ${f.reason}` : ""}</li>)}</ul>
            : t("report.noFlags")}</dd>
          {view.timeline[0]?.reason && (<><dt>{t("desk.why")}</dt><dd>{view.timeline[0].reason}</dd></>)}
        </dl>
      )}
      {view && (
        <div className="buttons">
          <button type="button" data-testid="desk-route-suggested" disabled={!canSuggest || busy}
            onClick={() => void route(suggestion.category, suggestion.kelurahan)}>
            {canSuggest ? t("desk.routeSuggested", { category: categoryName(categories, suggestion.category), kelurahan: kelurahan.get(suggestion.kelurahan!) ?? suggestion.kelurahan }) : t("desk.noSuggestion")}
          </button>
          <button type="button" className="secondary" aria-pressed={mode === "manual"} data-testid="desk-manual" onClick={() => setMode(mode === "manual" ? null : "manual")}>{t("desk.manual")}</button>
          <button type="button" className="secondary" aria-pressed={mode === "invalid"} data-testid="desk-invalid" onClick={() => setMode(mode === "invalid" ? null : "invalid")}>{t("desk.invalid")}</button>
        </div>
      )}
      {mode === "manual" && (
        <form className="action-form" onSubmit={submitManual} aria-label={t("desk.manual")}>
          <label>{t("form.category")}
            <select data-testid="desk-category" value={category} onChange={(e) => setCategory(e.target.value)} required>
              <option value="">—</option>
              {categories.filter((c) => c.active !== false).map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
            </select>
          </label>
          <label>{t("form.kelurahanCode")}
            <input data-testid="desk-kelurahan" list="kelurahan-codes" value={kel} pattern="\d{2}\.\d{2}\.\d{2}\.\d{4}" onChange={(e) => setKel(e.target.value)} />
          </label>
          {kel && kelurahan.get(kel) && <p className="muted small">{kelurahan.get(kel)}</p>}
          <button type="submit" data-testid="desk-route-manual" disabled={busy}>{t("actions.route")}</button>
        </form>
      )}
      {mode === "invalid" && (
        <form className="action-form" onSubmit={submitInvalid} aria-label={t("desk.invalid")}>
          <label>{t("desk.invalidWhy")}
            <textarea data-testid="desk-invalid-comment" rows={2} required value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <button type="submit" data-testid="desk-close" disabled={busy}>{t("actions.close")}</button>
        </form>
      )}
      {error && <p className="error" role="alert" data-testid="desk-error">{error}</p>}
    </li>
  );
}
