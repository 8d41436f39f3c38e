/** The validator's queue: follow-ups awaiting validation, their photos and evidence flags inline, validate or reject here. */
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, type InboxItem, type ReportView, type User } from "./api.ts";
import { navigate } from "./App.tsx";
import { age, reportHref } from "./Inbox.tsx";
import { errorText, flagsFor, fmt } from "./format.ts";
import { useReportQueue } from "./hooks.ts";

const VALIDATION_QUERY = { state: "awaiting_validation", limit: "100" };

export function ValidationQueue({ user: _user }: { user: User }) {
  const { t } = useTranslation();
  const { items, error, announce, done } = useReportQueue(VALIDATION_QUERY);

  return (
    <section aria-labelledby="validation-title">
      <h1 id="validation-title">{t("validation.title")}</h1>
      <p className="ok-live" role="status" aria-live="polite" data-testid="queue-status">{announce}</p>
      {error && <p className="error" role="alert">{error}</p>}
      {items === null ? <p role="status">{t("loading")}</p> : items.length === 0 ? <p data-testid="validation-empty">{t("validation.empty")}</p> : (
        <ul className="cards" aria-label={t("validation.title")}>
          {items.map((r) => <ValidationRow key={r.ticket} item={r} onDone={done} />)}
        </ul>
      )}
    </section>
  );
}

function ValidationRow({ item, onDone }: { item: InboxItem; onDone: (ticket: string, message: string) => void }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<ReportView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [mode, setMode] = useState<"validate" | "reject_follow_up" | null>(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open || view) return;
    api.report(item.ticket, i18n.language).then(setView, (e: unknown) => setLoadError(errorText(e)));
  }, [open, view, item.ticket, i18n.language]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!mode) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { action: mode };
      if (mode === "validate" && text.trim()) body.publicComment = text.trim();
      if (mode === "reject_follow_up") body.reason = text.trim();
      await api.transition(item.ticket, body);
      onDone(item.ticket, t(mode === "validate" ? "validation.validated" : "validation.rejected", { ticket: item.ticket }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const followUp = view ? [...view.timeline].reverse().find((e) => e.type === "follow_up_submitted") : undefined;
  const photos = view?.photos.filter((p) => p.eventId && (!followUp || p.eventId === followUp.id)) ?? [];
  const panelId = `vq-${item.ticket}`;

  return (
    <li className="card queue-row" data-testid="validation-row" data-ticket={item.ticket}>
      <div className="task-head">
        <a className="ticket" href={reportHref(item.ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(item.ticket)); }}>{item.ticket}</a>
        <span className="state" data-colour={item.colour}><span className={`dot ${item.colour}`} aria-hidden="true" />{item.label}</span>
        {item.overdue && <span className="overdue">{t("inbox.overdueMark")}</span>}
        <span className="muted small">{item.holdingUnit.name} · {age(item.createdAt, t)}</span>
      </div>
      <p className="task-desc">{item.description}</p>
      <button type="button" className="secondary" aria-expanded={open} aria-controls={panelId} data-testid="validation-open" onClick={() => setOpen((o) => !o)}>
        {open ? t("validation.hide") : t("validation.show")}
      </button>
      {open && (
        <div id={panelId} className="queue-panel">
          {loadError && <p className="error" role="alert">{loadError}</p>}
          {!view && !loadError && <p role="status">{t("loading")}</p>}
          {view && (
            <>
              {followUp && (
                <div className="follow-up-summary">
                  <p className="muted small"><time dateTime={followUp.at}>{fmt(followUp.at, i18n.language)}</time>{followUp.unit ? ` · ${followUp.unit.name}` : ""}</p>
                  {followUp.note && <p>{t("form.note")}: {followUp.note}</p>}
                  {followUp.publicComment && <p>{t("form.publicComment")}: {followUp.publicComment}</p>}
                </div>
              )}
              {photos.length === 0 ? <p className="muted">{t("report.noPhotos")}</p> : (
                <ul className="photos queue-photos">
                  {photos.map((p, i) => {
                    const flags = flagsFor(p.evidenceFlags, i18n.language);
                    return (
                      <li key={p.id} data-testid="queue-photo">
                        <a href={p.url} target="_blank" rel="noreferrer"><img src={p.url} alt={`${t("report.photos")} ${i + 1}`} loading="lazy" /></a>
                        <div className="flags" data-testid="queue-flags">
                          <strong>{t("report.evidence")}:</strong>{" "}
                          {flags.length ? <ul className="plain">{flags.map((f) => <li key={f.key} className={`flag ${f.severity}`}>{f.text}</li>)}</ul> : t("report.noFlags")}
                        </div>
                      </li>
                    );
                  })}
                </ul>
              )}
              <div className="buttons">
                <button type="button" data-testid="queue-validate" aria-pressed={mode === "validate"} onClick={() => { setMode("validate"); setText(""); setError(null); }}>{t("actions.validate")}</button>
                <button type="button" className="secondary" data-testid="queue-reject" aria-pressed={mode === "reject_follow_up"} onClick={() => { setMode("reject_follow_up"); setText(""); setError(null); }}>{t("actions.reject_follow_up")}</button>
              </div>
              {mode && (
                <form className="action-form" onSubmit={(e) => void submit(e)} aria-label={t(`actions.${mode}`)} data-testid="queue-form">
                  <label>{mode === "validate" ? t("form.publicComment") : t("form.reason")}
                    <textarea data-testid="queue-text" rows={2} required={mode === "reject_follow_up"} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
                  </label>
                  {error && <p className="error" role="alert" data-testid="queue-error">{error}</p>}
                  <div className="buttons">
                    <button type="submit" data-testid="queue-submit" disabled={busy}>{busy ? t("login.busy") : t(`actions.${mode}`)}</button>
                    <button type="button" className="secondary" onClick={() => setMode(null)}>{t("form.cancel")}</button>
                  </div>
                </form>
              )}
            </>
          )}
        </div>
      )}
    </li>
  );
}
