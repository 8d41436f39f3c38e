import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, type InboundPayload, type InboundSummary } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, useDateFormat } from "./common.tsx";

export function InboundAdmin() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState("");
  const [channel, setChannel] = useState("");
  const [items, setItems] = useState<InboundSummary[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [open, setOpen] = useState<InboundPayload | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formatTime = useDateFormat(true);
  const intro = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async (ch: string, cursor?: number) => {
    try {
      const r = await adminApi.malformed({ channel: ch.trim() || undefined, cursor });
      setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items));
      setNext(r.nextCursor);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, []);
  useEffect(() => void load(channel), [channel, load]);

  async function view(p: InboundSummary) {
    if (open?.id === p.id) {
      setOpen(null);
      return;
    }
    setBusy(p.id);
    try {
      setOpen(await adminApi.inbound(p.id));
      setError(null);
    } catch (err) {
      setError(messageOf(err, t));
    } finally {
      setBusy(null);
    }
  }

  async function requeue(p: InboundSummary) {
    setBusy(p.id);
    try {
      await adminApi.requeue(p.id);
      setItems((list) => list?.filter((x) => x.id !== p.id) ?? null);
      if (open?.id === p.id) setOpen(null);
      setError(null);
      setOk(note("admin.inbound.requeued", { id: p.id }));
      intro.current?.focus();
    } catch (err) {
      setOk(null);
      setError(messageOf(err, t));
    } finally {
      setBusy(null);
    }
  }

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setChannel(draft);
  };

  return (
    <>
      <p className="muted" ref={intro} tabIndex={-1}>{t("admin.inbound.intro")}</p>
      <form className="card adm-filters" onSubmit={apply} role="search">
        <label>{t("admin.inbound.channel")}
          <input type="search" value={draft} placeholder={t("admin.inbound.channelHint")} onChange={(e) => setDraft(e.target.value)} data-testid="inbound-channel" />
        </label>
        <div className="buttons">
          <button type="submit" data-testid="inbound-apply">{t("admin.users.apply")}</button>
        </div>
      </form>
      <Feedback ok={ok} error={error} testId="inbound" />
      {items === null ? <p>{t("admin.loading")}</p> : items.length === 0 ? <p data-testid="inbound-empty">{t("admin.inbound.empty")}</p> : (
        <div className="adm-scroll">
          <p className="muted small">{t("admin.inbound.count", { count: items.length })}</p>
          <AdminTable testId="inbound-table" caption={t("admin.inbound.title")} columns={["#", t("admin.inbound.channel"), t("admin.inbound.error"), t("admin.inbound.received"), t("admin.inbound.size"), t("admin.actions")]}>
              {items.map((p) => (
                <InboundRow key={p.id} p={p} open={open?.id === p.id ? open : null} busy={busy === p.id} time={formatTime(p.receivedAt)}
                  onView={() => void view(p)} onRequeue={() => void requeue(p)} />
              ))}
          </AdminTable>
          {next && <button type="button" className="secondary" onClick={() => void load(channel, next)}>{t("admin.more")}</button>}
        </div>
      )}
    </>
  );
}

function InboundRow({ p, open, busy, time, onView, onRequeue }: {
  p: InboundSummary;
  open: InboundPayload | null;
  busy: boolean;
  time: string;
  onView: () => void;
  onRequeue: () => void;
}) {
  const { t } = useTranslation();
  const bodyId = `inbound-body-${p.id}`;
  return (
    <>
      <tr data-testid="inbound-row" data-id={p.id}>
        <td data-label="#">{p.id}</td>
        <td data-label={t("admin.inbound.channel")}>{p.channel}</td>
        <td data-label={t("admin.inbound.error")} className="adm-wrap" data-testid="inbound-error">{p.error ?? "—"}</td>
        <td data-label={t("admin.inbound.received")}><time dateTime={p.receivedAt}>{time}</time></td>
        <td data-label={t("admin.inbound.size")}>{t("admin.inbound.bytes", { count: p.sizeBytes })}</td>
        <td data-label={t("admin.actions")}>
          <div className="buttons">
            <button type="button" className="secondary" disabled={busy} aria-expanded={!!open} aria-controls={open ? bodyId : undefined} onClick={onView} data-testid="inbound-view">
              {open ? t("admin.inbound.hide") : t("admin.inbound.view")}<span className="sr-only"> #{p.id}</span>
            </button>
            <button type="button" disabled={busy} onClick={onRequeue} data-testid="inbound-requeue">
              {t("admin.inbound.requeue")}<span className="sr-only"> #{p.id}</span>
            </button>
          </div>
        </td>
      </tr>
      {open && (
        <tr className="adm-edit-row">
          <td colSpan={6} id={bodyId}>
            <h3>{t("admin.inbound.body", { id: p.id })}</h3>
            <p className="muted small">{t("admin.inbound.contentType")}: <span className="adm-code">{open.contentType}</span></p>
            {open.encoding === "base64" && <p className="muted small">{t("admin.inbound.base64")}</p>}
            <pre className="adm-pre" data-testid="inbound-body" tabIndex={0} aria-label={t("admin.inbound.body", { id: p.id })}>{open.body}</pre>
            {open.headers && Object.keys(open.headers).length > 0 && (
              <details>
                <summary>{t("admin.inbound.headers")}</summary>
                <pre className="adm-pre">{Object.entries(open.headers).map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>
              </details>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
