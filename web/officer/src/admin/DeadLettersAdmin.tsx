import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { adminApi, type OutboxItem } from "./admin-api.ts";
import { AdminTable, Feedback, messageOf, note, type Notice, useDateFormat } from "./common.tsx";

export function DeadLettersAdmin() {
  const { t } = useTranslation();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [ok, setOk] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const formatTime = useDateFormat(true);
  const heading = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async () => {
    try {
      setItems((await adminApi.deadLetters()).items);
    } catch (err) {
      setError(messageOf(err, t));
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function retry(m: OutboxItem) {
    setBusy(m.id);
    try {
      await adminApi.retry(m.id);
      setItems((list) => list?.filter((x) => x.id !== m.id) ?? null);
      setError(null);
      setOk(note("admin.dead.retried", { id: m.id }));
      // the row (and its button) is gone: keep the keyboard user in the section
      heading.current?.focus();
    } catch (err) {
      setOk(null);
      setError(messageOf(err, t));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <p className="muted" ref={heading} tabIndex={-1}>{t("admin.dead.intro")}</p>
      <Feedback ok={ok} error={error} testId="dead" />
      {items === null ? <p>{t("admin.loading")}</p> : items.length === 0 ? <p data-testid="dead-empty">{t("admin.dead.empty")}</p> : (
        <div className="adm-scroll">
          <p className="muted small">{t("admin.dead.count", { count: items.length })}</p>
          <AdminTable testId="dead-table" caption={t("admin.dead.title")} columns={["#", t("admin.dead.channel"), t("admin.dead.template"), t("admin.dead.error"), t("admin.dead.attempts"), t("admin.dead.time"), t("admin.actions")]}>
              {items.map((m) => (
                <tr key={m.id} data-testid="dead-row" data-id={m.id}>
                  <td data-label="#">{m.id}</td>
                  <td data-label={t("admin.dead.channel")}>{m.channel}</td>
                  <td data-label={t("admin.dead.template")}><span className="adm-code">{m.template}</span></td>
                  <td data-label={t("admin.dead.error")} className="adm-wrap">{m.lastError ?? "—"}</td>
                  <td data-label={t("admin.dead.attempts")}>{m.attempts}</td>
                  <td data-label={t("admin.dead.time")}><time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time></td>
                  <td data-label={t("admin.actions")}>
                    <button type="button" disabled={busy === m.id} onClick={() => void retry(m)} data-testid="dead-retry">
                      {t("admin.dead.retry")}<span className="sr-only"> #{m.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
          </AdminTable>
        </div>
      )}
    </>
  );
}
