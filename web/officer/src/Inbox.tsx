import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type Category, type InboxItem, type User } from "./api.ts";
import { navigate } from "./App.tsx";

const STATES = ["triage", "waiting", "coordination", "disposition", "in_progress", "awaiting_validation", "follow_up_rejected", "done", "closed"];
const CHANNELS = ["portal", "sms", "whatsapp", "facebook", "twitter", "email", "qlue", "lapor", "walk_in", "phone"];

interface Filters { state: string; colour: string; channel: string; category: string; unit: string; overdue: boolean; q: string }
const EMPTY: Filters = { state: "", colour: "", channel: "", category: "", unit: "", overdue: false, q: "" };

function toParams(f: Filters, lang: string, cursor?: string): URLSearchParams {
  const p = new URLSearchParams();
  if (f.state) p.set("state", f.state);
  if (f.colour) p.set("colour", f.colour);
  if (f.channel) p.set("channel", f.channel);
  if (f.category) p.set("category", f.category);
  if (f.unit.trim()) p.set("unit", f.unit.trim());
  if (f.overdue) p.set("overdue", "true");
  if (f.q.trim()) p.set("q", f.q.trim());
  if (cursor) p.set("cursor", cursor);
  p.set("lang", lang);
  return p;
}

export function age(iso: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const hours = Math.max(0, (Date.now() - new Date(iso).getTime()) / 3_600_000);
  return hours < 24 ? t("inbox.hours", { count: Math.floor(hours) }) : t("inbox.days", { count: Math.floor(hours / 24) });
}

export function Inbox({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);

  useEffect(() => {
    api.categories(i18n.language).then((r) => setCategories(r.items), () => setCategories([]));
  }, [i18n.language]);

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

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft });
  };
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t("inbox.title")} <small className="muted">{user.unitId ?? ""}</small></h1>
      <form className="filters card" onSubmit={apply} aria-label={t("inbox.filters")}>
        <label>{t("inbox.q")}<input type="search" value={draft.q} onChange={(e) => set("q", e.target.value)} data-testid="filter-q" /></label>
        <label>{t("inbox.state")}
          <select value={draft.state} onChange={(e) => set("state", e.target.value)} data-testid="filter-state">
            <option value="">{t("inbox.any")}</option>
            {STATES.map((s) => <option key={s} value={s}>{t(`states.${s}`)}</option>)}
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
        <label className="check"><input type="checkbox" checked={draft.overdue} onChange={(e) => set("overdue", e.target.checked)} data-testid="filter-overdue" />{t("inbox.overdue")}</label>
        <div className="buttons filter-buttons">
          <button type="submit" data-testid="filter-apply">{t("inbox.apply")}</button>
          <button type="button" className="secondary" onClick={() => { setDraft(EMPTY); setFilters(EMPTY); }}>{t("inbox.reset")}</button>
        </div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {items === null ? <p role="status">{t("loading")}</p> : items.length === 0 ? <p role="status">{t("inbox.empty")}</p> : (
        <>
          <p className="muted" role="status">{t("inbox.count", { count: items.length })}</p>
          <ul className="inbox" aria-label={t("inbox.title")}>
            {items.map((r) => (
              <li key={r.ticket} className="row" data-testid="inbox-row" data-ticket={r.ticket}>
                <a href={`/officer/laporan/${encodeURIComponent(r.ticket)}`} onClick={(e) => { e.preventDefault(); navigate(`/officer/laporan/${encodeURIComponent(r.ticket)}`); }}>
                  <span className="ticket">{r.ticket}</span>
                  <span className="state" data-testid="state-label" data-colour={r.colour}><span className={`dot ${r.colour}`} aria-hidden="true" />{r.label}</span>
                  {r.overdue && <span className="overdue">{t("inbox.overdueMark")}</span>}
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
