/** A report's duplicate candidates (similarity, distance), marking it a duplicate of one, and the reports linked to it. */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type Duplicates, type ReportView } from "./api.ts";
import { navigate } from "./App.tsx";
import { reportHref } from "./Inbox.tsx";
import { errorText, fmt } from "./format.ts";

const TicketLink = ({ ticket }: { ticket: string }) => (
  <a className="ticket" href={reportHref(ticket)} onClick={(e) => { e.preventDefault(); navigate(reportHref(ticket)); }}>{ticket}</a>
);

export function DuplicatesPanel({ report, onChanged }: { report: ReportView; onChanged: (message: string) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<Duplicates | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setData(await api.duplicates(report.ticket, i18n.language));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? null : errorText(err));
    }
  }, [report.ticket, i18n.language]);

  useEffect(() => {
    void load();
  }, [load, report.state]);

  const canMark = report.allowedActions.includes("close") && !data?.duplicateOf;

  async function mark(e: FormEvent, original: string) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.markDuplicate(report.ticket, original, note.trim() || undefined);
      setConfirming(null);
      setNote("");
      await onChanged(t("dup.marked", { ticket: original }));
      await load();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="h-dups" data-testid="duplicates">
      <h2 id="h-dups">{t("dup.title")}</h2>
      {error && <p className="error" role="alert" data-testid="dup-error">{error}</p>}
      {!data && !error && <p className="muted small">{t("loading")}</p>}
      {data?.duplicateOf && <p className="ok" data-testid="dup-of">{t("dup.isDuplicateOf")} <TicketLink ticket={data.duplicateOf} /></p>}
      {data && (
        <>
          <h3>{t("dup.candidates")}</h3>
          {data.candidates.length === 0 ? <p className="muted">{t("dup.none")}</p> : (
            <ul className="dup-list">
              {data.candidates.map((c) => (
                <li key={c.ticket} data-testid="dup-candidate" data-ticket={c.ticket}>
                  <div className="task-head">
                    {c.canOpen ? <TicketLink ticket={c.ticket} /> : <span className="ticket">{c.ticket}</span>}
                    <span className="state"><span className={`dot ${c.colour}`} aria-hidden="true" />{c.label}</span>
                    {c.likely && <span className="tag likely">{t("dup.likely")}</span>}
                  </div>
                  <p className="small">
                    {t("dup.similarity", { value: Math.round(c.similarity * 100) })}
                    {c.distanceM !== null && <> · {t("dup.distance", { value: c.distanceM })}</>}
                    {c.kelurahan && <> · {c.kelurahan.name}</>}
                    {c.category && <> · {c.category.name}</>}
                  </p>
                  {(c.description ?? c.excerpt) && <p className="muted small dup-text">{c.description ?? c.excerpt}</p>}
                  {canMark && confirming !== c.ticket && (
                    <button type="button" className="secondary" data-testid="dup-mark" onClick={() => { setConfirming(c.ticket); setNote(""); }}>
                      {t("dup.mark", { ticket: c.ticket })}
                    </button>
                  )}
                  {canMark && confirming === c.ticket && (
                    <form className="action-form" onSubmit={(e) => void mark(e, c.ticket)} aria-label={t("dup.mark", { ticket: c.ticket })}>
                      <p>{t("dup.confirm", { ticket: report.ticket, original: c.ticket })}</p>
                      <label>{t("form.note")}<textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} autoFocus /></label>
                      <div className="buttons">
                        <button type="submit" data-testid="dup-confirm" disabled={busy}>{busy ? t("login.busy") : t("dup.confirmButton")}</button>
                        <button type="button" className="secondary" onClick={() => setConfirming(null)}>{t("form.cancel")}</button>
                      </div>
                    </form>
                  )}
                </li>
              ))}
            </ul>
          )}
          {data.linked.length > 0 && (
            <>
              <h3>{t("dup.linked")}</h3>
              <ul className="dup-list" data-testid="dup-linked">
                {data.linked.map((d) => (
                  <li key={d.ticket} data-testid="dup-linked-item" data-ticket={d.ticket}>
                    <details>
                      <summary><span className="ticket">{d.ticket}</span> · {d.channel} · {fmt(d.createdAt, i18n.language)}{d.depth > 1 ? ` · ${t("dup.indirect")}` : ""}</summary>
                      <ol className="timeline small">
                        {d.timeline.map((e) => <li key={e.id}><time dateTime={e.at}>{fmt(e.at, i18n.language)}</time> {t(`events.${e.type}`, { defaultValue: e.type })}{e.publicComment ? `: ${e.publicComment}` : ""}</li>)}
                      </ol>
                    </details>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
