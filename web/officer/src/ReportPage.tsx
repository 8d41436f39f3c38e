import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type ReportView, type Triage, type User } from "./api.ts";
import { ActionForm } from "./ActionForm.tsx";
import { navigate } from "./App.tsx";
import { DuplicatesPanel } from "./Duplicates.tsx";
import { ReplyForm } from "./ReplyForm.tsx";
import { flagsFor, fmt, pct } from "./format.ts";

const MapView = lazy(() => import("./MapView.tsx").then((m) => ({ default: m.MapView })));

/** The roles that answer the citizen (src/domain/access-policy.ts canReplyToCitizen; the server decides the unit). */
const REPLIERS = new Set(["jsc_admin", "kelurahan_officer", "agency_officer"]);

/** The action a link asked to open (the task list's "Kirim tindak lanjut" sends ?aksi=submit_follow_up). */
function requestedAction(): string | null {
  return new URLSearchParams(window.location.search).get("aksi");
}

type TimelineEntry = ReportView["timeline"][number];

/** An outbound message's text, channel and delivery status, whatever names the API gives them. */
function outbound(e: TimelineEntry): { text: string | null; channel: string | null; status: string | null } {
  const d = e.data ?? {};
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  return { text: str(e.text) ?? str(d.text) ?? e.publicComment, channel: str(e.channel) ?? str(d.channel), status: str(e.status) ?? str(d.status) };
}

export function ReportPage({ ticket, user }: { ticket: string; user: User }) {
  const { t, i18n } = useTranslation();
  const [report, setReport] = useState<ReportView | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [action, setAction] = useState<string | null>(requestedAction());
  const [flash, setFlash] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setReport(await api.report(ticket, i18n.language));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? { status: err.status, message: err.message } : { status: 0, message: String(err) });
    }
  }, [ticket, i18n.language]);

  useEffect(() => {
    void load();
  }, [load]);

  const back = <a href="/officer/" onClick={(e) => { e.preventDefault(); navigate("/officer/"); }}>{t("report.back")}</a>;

  if (error) {
    return (
      <section>
        {back}
        <p className="error" role="alert" data-testid="report-error">
          {error.status === 403 ? t("report.forbidden") : error.status === 404 ? t("report.notFound") : t("error", { message: error.message })}
        </p>
      </section>
    );
  }
  if (!report) return <p role="status">{t("loading")}</p>;

  return (
    <article aria-labelledby="report-title" data-testid="report-page">
      {back}
      <h1 id="report-title">
        <span data-testid="report-ticket">{report.ticket}</span>{" "}
        <span className="state big" data-testid="state-label" data-colour={report.colour}><span className={`dot ${report.colour}`} aria-hidden="true" />{report.label}</span>
        {report.sla.overdue && <span className="overdue">{t("report.overdue")}</span>}
      </h1>
      <div aria-live="polite" role="status" data-testid="report-status">{flash && <p className="ok">{flash}</p>}</div>
      <div className="grid">
        <div className="col">
          <section className="card" aria-labelledby="h-desc">
            <h2 id="h-desc">{t("report.description")}</h2>
            <p className="pre">{report.description}</p>
            <dl className="facts">
              <dt>{t("report.category")}</dt><dd>{report.category?.name ?? "—"}</dd>
              <dt>{t("report.kelurahan")}</dt><dd>{report.kelurahan ? `${report.kelurahan.name} (${report.kelurahan.code})` : "—"}</dd>
              <dt>{t("report.holder")}</dt><dd data-testid="holding-unit" data-unit={report.holdingUnit.id}>{report.holdingUnit.name}</dd>
              <dt>{t("report.channel")}</dt><dd>{report.channel}</dd>
              {report.citizen && (<><dt>{t("report.citizen")}</dt><dd>{[report.citizen.name, report.citizen.email, report.citizen.phone].filter(Boolean).join(" · ") || "—"}</dd></>)}
              <dt>{t("report.support")}</dt><dd>{report.supportCount}</dd>
              {report.reopenCount > 0 && (<><dt>{t("report.reopened")}</dt><dd>{report.reopenCount}×</dd></>)}
            </dl>
          </section>

          <section className="card" aria-labelledby="h-actions">
            <h2 id="h-actions">{t("report.actions")}</h2>
            {report.allowedActions.length === 0 ? <p className="muted">{t("report.noActions")}</p> : (
              <div className="buttons wrap">
                {report.allowedActions.map((a) => (
                  <button key={a} type="button" data-testid={`action-${a}`} aria-pressed={action === a} className={action === a ? "active" : ""} onClick={() => { setAction(action === a ? null : a); setFlash(null); }}>
                    {t(`actions.${a}`)}
                  </button>
                ))}
              </div>
            )}
            {action && report.allowedActions.includes(action) && (
              <ActionForm key={action} action={action} report={report} user={user} onCancel={() => setAction(null)}
                onDone={async () => {
                  setAction(null);
                  setFlash(t("report.done"));
                  if (requestedAction()) window.history.replaceState(null, "", window.location.pathname); // a reload must not reopen the form
                  await load();
                }} />
            )}
          </section>

          {REPLIERS.has(user.role) && <ReplyForm report={report} onSent={async (m) => { setFlash(m); await load(); }} />}

          <section className="card" aria-labelledby="h-timeline">
            <h2 id="h-timeline">{t("report.timeline")}</h2>
            <ol className="timeline" data-testid="timeline">
              {report.timeline.map((e) => (
                <li key={e.id} data-event={e.type}>
                  <time dateTime={e.at}>{fmt(e.at, i18n.language)}</time>{" "}
                  <strong>{t(`events.${e.type}`, { defaultValue: e.type })}</strong>
                  {e.unit && <> · {e.unit.name}</>}
                  {e.toUnit && e.toUnit.id !== e.unit?.id && <> {t("to")} {e.toUnit.name}</>}
                  {e.actorRole && <span className="muted"> ({e.actorRole})</span>}
                  {e.reason && <div>{t("form.reason")}: {/^[a-z_]+$/.test(e.reason) ? t(`reasons.${e.reason}`, { defaultValue: e.reason }) : e.reason}</div>}
                  {e.type === "officer_reply" ? e.note && <div className="pre reply-text">{e.note}</div>
                    : e.note && e.note !== e.reason && <div className="muted">{t("form.note")}: {e.note}</div>}
                  {e.type === "outbound_message" ? <OutboundLine entry={e} /> : e.publicComment && <div>{t("form.publicComment")}: {e.publicComment}</div>}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <div className="col">
          <section className="card" aria-labelledby="h-sla">
            <h2 id="h-sla">{t("report.sla")}</h2>
            <dl className="facts" data-testid="sla">
              <dt>{t("report.firstDue")}</dt><dd>{fmt(report.sla.firstActionDueAt, i18n.language)}</dd>
              <dt>{t("report.resolutionDue")}</dt><dd>{fmt(report.sla.resolutionDueAt, i18n.language)}</dd>
              <dt>{t("report.overdue")}</dt><dd>{report.sla.overdue ? t("report.overdue") : t("report.onTime")}</dd>
              <dt>{t("report.workingDays")}</dt><dd>{report.sla.workingDaysOpen}</dd>
            </dl>
            <h3>{t("report.held")}</h3>
            <ul className="plain">
              {report.sla.heldByUnit.map((h) => <li key={h.unit.id}>{h.unit.name}: {h.workingDays}</li>)}
            </ul>
          </section>

          <section className="card" aria-labelledby="h-map">
            <h2 id="h-map">{t("report.map")}</h2>
            {report.lat !== null && report.lon !== null
              ? <Suspense fallback={<p role="status">{t("loading")}</p>}><MapView lat={report.lat} lon={report.lon} /></Suspense>
              : <p className="muted">{t("report.noLocation")}</p>}
            {report.address && <p>{report.address}</p>}
          </section>

          <section className="card" aria-labelledby="h-photos">
            <h2 id="h-photos">{t("report.photos")}</h2>
            {report.photos.length === 0 ? <p className="muted">{t("report.noPhotos")}</p> : (
              <ul className="photos">
                {report.photos.map((p, i) => {
                  const flags = flagsFor(p.evidenceFlags, i18n.language);
                  return (
                    <li key={p.id} data-testid="photo">
                      <a href={p.url} target="_blank" rel="noreferrer"><img src={p.url} alt={`${t("report.photos")} ${i + 1}`} loading="lazy" /></a>
                      {p.eventId && (
                        <div className="flags" data-testid="evidence-flags">
                          <strong>{t("report.evidence")}:</strong>{" "}
                          {flags.length ? (
                            <ul className="plain">{flags.map((f) => <li key={f.key} className={`flag ${f.severity}`}>{f.text}</li>)}</ul>
                          ) : t("report.noFlags")}
                        </div>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>

          <DuplicatesPanel report={report} onChanged={async (m) => { setFlash(m); await load(); }} />

          {report.triage && (
            <section className="card" aria-labelledby="h-triage">
              <h2 id="h-triage">{t("report.triage")}</h2>
              <TriageView triage={report.triage} />
            </section>
          )}
        </div>
      </div>
    </article>
  );
}

function OutboundLine({ entry }: { entry: TimelineEntry }) {
  const { t } = useTranslation();
  const o = outbound(entry);
  return (
    <div className="outbound" data-testid="outbound">
      {o.channel && <span className="tag">{o.channel}</span>}
      {o.status && <span className={`tag status-${o.status}`} data-testid="outbound-status" data-status={o.status}>{t(`reply.status.${o.status}`, { defaultValue: o.status })}</span>}
      {o.text && <div className="pre">{o.text}</div>}
    </div>
  );
}

function TriageView({ triage }: { triage: Triage }) {
  const { t } = useTranslation();
  const place = triage.place;
  const cls = triage.classification;
  return (
    <dl className="facts" data-testid="triage">
      <dt>{t("triage.automatic")}</dt><dd>{triage.automatic ? t("triage.yes") : t("triage.no")}</dd>
      <dt>{t("triage.place")}</dt>
      <dd>
        {place?.best ? `${place.best.kelurahanCode ?? "?"} · ${place.best.source ?? ""}${pct(place.best.confidence)}` : "—"}
        {place?.candidates.length ? <div className="muted small">{place.candidates.map((c) => `${c.kelurahanCode ?? "?"}${pct(c.confidence)}`).join(", ")}</div> : null}
        {place?.outside && <div className="muted small">{t("triage.outside")}: {place.outside.name ?? "?"}</div>}
      </dd>
      <dt>{t("triage.categories")}</dt>
      <dd>{cls?.top.length ? cls.top.map((g) => `${g.code}${pct(g.confidence)}`).join(", ") : "—"}</dd>
      {cls && (<><dt>{t("triage.kind")}</dt><dd>{cls.kind.kind}{pct(cls.kind.confidence)}</dd></>)}
      {cls?.evidence.length ? (<><dt>{t("triage.words")}</dt><dd>{cls.evidence.join(", ")}</dd></>) : null}
      <dt>{t("triage.flags")}</dt>
      <dd>{triage.flags.length ? triage.flags.map((f) => f.reason ? `${f.kind}: ${f.reason}` : f.kind).join("; ") : "—"}</dd>
    </dl>
  );
}
