import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type PublicReport } from "./api.ts";
import type { Language } from "./i18n.ts";
import { Link } from "./router.tsx";
import { SupportButton } from "./SupportButton.tsx";

type Load = { name: "loading" } | { name: "missing" } | { name: "error" } | { name: "ok"; report: PublicReport };

/** The public page of one report: state, place, public timeline; never who reported it. */
export function TrackPage({ ticket }: { ticket: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Language;
  const [load, setLoad] = useState<Load>({ name: "loading" });
  const heading = useRef<HTMLHeadingElement>(null);

  const refresh = useCallback(async () => {
    try {
      setLoad({ name: "ok", report: await api.report(ticket, lang) });
    } catch (err) {
      setLoad(err instanceof ApiError && err.status === 404 ? { name: "missing" } : { name: "error" });
    }
  }, [ticket, lang]);

  useEffect(() => {
    setLoad({ name: "loading" });
    void refresh();
  }, [refresh]);

  useEffect(() => {
    heading.current?.focus();
  }, [ticket]);

  const fmt = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });

  return (
    <>
      <p><Link to="/">← {t("backHome")}</Link></p>
      <section className="card" aria-labelledby="report-heading">
        <h1 id="report-heading" ref={heading} tabIndex={-1} className="ticket-heading">{ticket}</h1>
        <div aria-live="polite">
          {load.name === "loading" && <p>{t("loading")}</p>}
          {load.name === "missing" && <p className="error" role="alert">{t("notFound")}</p>}
          {load.name === "error" && <p className="error" role="alert">{t("error")}</p>}
          {load.name === "ok" && <ReportView report={load.report} fmt={fmt} onChanged={() => void refresh()} />}
        </div>
      </section>
      <TrackBox />
    </>
  );
}

function ReportView({ report, fmt, onChanged }: { report: PublicReport; fmt: Intl.DateTimeFormat; onChanged(): void }) {
  const [disputed, setDisputed] = useState(false);
  const { t } = useTranslation();
  return (
    <>
      <p>
        <span className={`pill big ${report.colour}`} data-testid="status-label" data-colour={report.colour}>{report.label}</span>
      </p>
      {report.statusComment && <p>{report.statusComment}</p>}
      <dl className="facts">
        <dt>{t("category")}</dt>
        <dd data-testid="category-name">{report.category?.name ?? t("noCategory")}</dd>
        <dt>{t("kelurahan")}</dt>
        <dd data-testid="kelurahan">{report.kelurahan?.name ?? "–"}</dd>
        <dt>{t("submittedAt")}</dt>
        <dd>{fmt.format(new Date(report.createdAt))}</dd>
      </dl>
      <blockquote className="description">{report.description}</blockquote>
      {report.photos.length > 0 && (
        <div className="photos" aria-label={t("photosTitle")}>
          {report.photos.map((p) => <img key={p.id} src={p.url} alt="" loading="lazy" />)}
        </div>
      )}
      <div className="row">
        <SupportButton ticket={report.ticket} onAdded={onChanged} />
        <span className="muted small">{t("supporters", { count: report.supportCount })}</span>
      </div>
      <h2>{t("timeline")}</h2>
      {report.timeline.length === 0 ? (
        <p className="muted">{t("timelineEmpty")}</p>
      ) : (
        <ol className="timeline">
          {report.timeline.map((e, i) => (
            <li key={`${e.at}-${i}`} data-testid="timeline-item">
              <time dateTime={e.at}>{fmt.format(new Date(e.at))}</time>
              <strong>{e.label}</strong>
              {e.comment && <p>{e.comment}</p>}
            </li>
          ))}
        </ol>
      )}
      <SubscribeForm ticket={report.ticket} />
      <CommentForm ticket={report.ticket} onSent={onChanged} />
      {/* kept after a dispute so its result stays readable once the report is red again */}
      {(report.state === "done" || disputed) && <DisputeForm ticket={report.ticket} onReopened={() => { setDisputed(true); onChanged(); }} />}
    </>
  );
}

/** "Follow by e-mail": the server sends a confirmation link (/langganan/{token}); nothing is sent before it is clicked. */
function SubscribeForm({ ticket }: { ticket: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState("");
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim()) return;
    setBusy(true);
    try {
      await api.subscribe(ticket, email.trim(), i18n.language === "en" ? "en" : "id");
      setEmail("");
      setMsg({ ok: true, text: t("subscribeSent") });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : t("error") });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="subform" data-testid="subscribe-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("subscribeTitle")}</h2>
      <p className="muted small" id={`${id}-hint`}>{t("subscribeHint")}</p>
      <label htmlFor={`${id}-e`}>{t("email")}</label>
      <div className="row">
        <input id={`${id}-e`} data-testid="subscribe-email" type="email" required maxLength={254} autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`${id}-hint`} className="grow" />
        <button type="submit" data-testid="subscribe-submit" disabled={busy}>{t("subscribeButton")}</button>
      </div>
      <p role="status" aria-live="polite" data-testid="subscribe-result" className={msg?.ok === false ? "error" : msg?.ok ? "ok" : ""}>{msg?.text}</p>
    </form>
  );
}

function CommentForm({ ticket, onSent }: { ticket: string; onSent(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState("");
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    try {
      await api.comment(ticket, text.trim());
      setText("");
      setMsg({ ok: true, text: t("commentSent") });
      onSent();
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : t("error") });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="subform" onSubmit={(e) => void submit(e)}>
      <h2>{t("commentTitle")}</h2>
      <label htmlFor={`${id}-c`}>{t("comment")}</label>
      <textarea id={`${id}-c`} data-testid="comment-text" rows={3} maxLength={2000} required value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="secondary" disabled={busy}>{t("commentSend")}</button>
      <p role="status" aria-live="polite" className={msg?.ok === false ? "error" : ""}>{msg?.text}</p>
    </form>
  );
}

function DisputeForm({ ticket, onReopened }: { ticket: string; onReopened(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await api.dispute(ticket, reason.trim(), { ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) });
      setMsg({ ok: true, text: t("disputeAccepted") });
      setOpen(false);
      onReopened();
    } catch (err) {
      // 409: the API says why (not done, window passed, policy)
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : t("error") });
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="subform">
      <h2>{t("disputeTitle")}</h2>
      {!open && !msg?.ok && <button type="button" className="secondary" data-testid="dispute-open" aria-expanded={false} onClick={() => setOpen(true)}>{t("disputeOpen")}</button>}
      {open && (
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor={`${id}-r`}>{t("disputeReason")}</label>
          <textarea id={`${id}-r`} data-testid="dispute-reason" rows={3} maxLength={2000} required value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          <label htmlFor={`${id}-e`}>{t("email")}</label>
          <input id={`${id}-e`} data-testid="dispute-email" type="email" maxLength={254} autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          <label htmlFor={`${id}-p`}>{t("phone")}</label>
          <input id={`${id}-p`} type="tel" maxLength={20} autoComplete="tel" value={phone} onChange={(e) => setPhone(e.target.value)} />
          <p className="muted small">{t("contactHint")}</p>
          <button type="submit" data-testid="dispute-submit" disabled={busy}>{t("disputeSubmit")}</button>
        </form>
      )}
      <p role="status" aria-live="polite" data-testid="dispute-result" className={msg?.ok === false ? "error" : ""}>{msg?.text}</p>
    </div>
  );
}

/** "Cek status": a ticket number box that opens the report's page. */
export function TrackBox() {
  const { t } = useTranslation();
  const id = useId();
  const [ticket, setTicket] = useState("");
  const go = (e: FormEvent) => {
    e.preventDefault();
    const v = ticket.trim().toUpperCase();
    if (v) window.dispatchEvent(new CustomEvent("aspirasi:track", { detail: v }));
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`} id="cek-status">
      <h2 id={`${id}-h`}>{t("trackTitle")}</h2>
      <form className="track" onSubmit={go}>
        <label htmlFor={`${id}-t`}>{t("ticketLabel")}</label>
        <div className="row">
          <input id={`${id}-t`} data-testid="track-ticket" placeholder="JKT-260412-0073" maxLength={40} required value={ticket} onChange={(e) => setTicket(e.target.value)} autoCapitalize="characters" />
          <button type="submit">{t("trackButton")}</button>
        </div>
      </form>
    </section>
  );
}
