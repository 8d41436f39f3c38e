import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError, type SubscriptionView } from "./api.ts";
import { Link } from "./router.tsx";

type Load = { name: "loading" } | { name: "missing" } | { name: "error" } | { name: "ok"; sub: SubscriptionView };

/** /langganan/{token}: the link from the confirmation e-mail; confirm with one button, or stop. */
export default function SubscriptionPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const [load, setLoad] = useState<Load>({ name: "loading" });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const refresh = useCallback(async () => {
    try {
      setLoad({ name: "ok", sub: await api.subscription(token) });
    } catch (err) {
      setLoad(err instanceof ApiError && (err.status === 404 || err.status === 410) ? { name: "missing" } : { name: "error" });
    }
  }, [token]);

  useEffect(() => {
    void refresh();
    heading.current?.focus();
  }, [refresh]);

  async function act(action: "confirm" | "unsubscribe") {
    setBusy(true);
    try {
      await (action === "confirm" ? api.confirmSubscription(token) : api.unsubscribe(token));
      setMsg({ ok: true, text: t(action === "confirm" ? "subConfirmed" : "subUnsubscribed") });
      await refresh();
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : t("error") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p><Link to="/">← {t("backHome")}</Link></p>
      <section className="card" aria-labelledby="sub-heading">
        <h1 id="sub-heading" ref={heading} tabIndex={-1} className="ticket-heading">{t("subTitle")}</h1>
        {load.name === "loading" && <p role="status">{t("loading")}</p>}
        {load.name === "missing" && <p className="error" role="alert" data-testid="subscription-missing">{t("subMissing")}</p>}
        {load.name === "error" && <p className="error" role="alert">{t("error")}</p>}
        {load.name === "ok" && (
          <div data-testid="subscription" data-status={load.sub.status}>
            <p>{t("subFor", { ticket: load.sub.ticket, email: load.sub.emailMasked })}</p>
            <dl className="facts">
              <dt>{t("ticketLabel")}</dt>
              <dd><Link to={`/laporan/${encodeURIComponent(load.sub.ticket)}`} data-testid="subscription-ticket">{load.sub.ticket}</Link></dd>
              <dt>{t("email")}</dt>
              <dd>{load.sub.emailMasked}</dd>
              <dt>{t("subStatus")}</dt>
              <dd data-testid="subscription-status">{t(`sub_${load.sub.status}`, { defaultValue: load.sub.status })}</dd>
            </dl>
            <p className="actions">
              {load.sub.status === "pending" && (
                <button type="button" data-testid="subscription-confirm" disabled={busy} onClick={() => void act("confirm")}>{t("subConfirm")}</button>
              )}
              {load.sub.status !== "unsubscribed" && (
                <button type="button" className="secondary" data-testid="subscription-unsubscribe" disabled={busy} onClick={() => void act("unsubscribe")}>{t("subUnsubscribe")}</button>
              )}
            </p>
          </div>
        )}
        <p role="status" aria-live="polite" data-testid="subscription-result" className={msg?.ok === false ? "error" : msg?.ok ? "ok" : ""}>{msg?.text}</p>
      </section>
    </>
  );
}
