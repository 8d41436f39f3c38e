/** Answering the citizen on the channel they used: a template fills an editable text, sent as an outbound message. */
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type ReplyTemplate, type ReportView } from "./api.ts";
import { errorText } from "./format.ts";

const MAX = 1000;

export function ReplyForm({ report, onSent }: { report: ReportView; onSent: (message: string) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const [templates, setTemplates] = useState<ReplyTemplate[] | null>(null);
  const [templateId, setTemplateId] = useState("");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hidden, setHidden] = useState(false);
  const [statusOnly, setStatusOnly] = useState(false);

  useEffect(() => {
    let live = true;
    api.replyTemplates(report.ticket, i18n.language).then(
      (r) => {
        if (!live) return;
        setTemplates(r.items);
        setStatusOnly(r.statusOnly === true);
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 403) setHidden(true); // not this officer's to answer
        setTemplates([]);
      },
    );
    return () => {
      live = false;
    };
  }, [report.ticket, i18n.language]);

  const fill = (id: string) => {
    setTemplateId(id);
    const tpl = templates?.find((x) => x.id === id);
    if (tpl) setText(tpl.text.replaceAll("{ticket}", report.ticket).replaceAll("{unit}", report.holdingUnit.name));
  };

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await api.reply(report.ticket, templateId ? { text: text.trim(), templateId } : { text: text.trim() });
      setText("");
      setTemplateId("");
      await onSent(t("reply.sent"));
    } catch (err) {
      setError(err instanceof ApiError && err.code === "NO_CHANNEL" ? t("reply.noChannel")
        : err instanceof ApiError && err.status === 403 ? t("reply.forbidden") : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (hidden) return null;
  if (!report.citizen || statusOnly) {
    return (
      <section className="card" aria-labelledby="h-reply" data-testid="reply">
        <h2 id="h-reply">{t("reply.title")}</h2>
        <p className="muted" data-testid="reply-no-contact">{statusOnly ? t("reply.statusOnly", { channel: report.channel }) : t("reply.noChannel")}</p>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="h-reply" data-testid="reply">
      <h2 id="h-reply">{t("reply.title")}</h2>
      <form onSubmit={(e) => void send(e)}>
        <label>{t("reply.template")}
          <select data-testid="reply-template" value={templateId} onChange={(e) => fill(e.target.value)}>
            <option value="">{t("reply.noTemplate")}</option>
            {(templates ?? []).map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
          </select>
        </label>
        <label>{t("reply.text")}
          <textarea data-testid="reply-text" rows={4} maxLength={MAX} required value={text} onChange={(e) => setText(e.target.value)} aria-describedby="reply-hint" />
        </label>
        <p id="reply-hint" className="muted small">{t("reply.hint", { channel: report.channel, count: text.length, max: MAX })}</p>
        {error && <p className="error" role="alert" data-testid="reply-error">{error}</p>}
        <button type="submit" data-testid="reply-send" disabled={busy || !text.trim()}>{busy ? t("login.busy") : t("reply.send")}</button>
      </form>
    </section>
  );
}
