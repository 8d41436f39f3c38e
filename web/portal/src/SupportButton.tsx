import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "./api.ts";

export function SupportButton({ ticket, onAdded }: { ticket: string; onAdded?(): void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<"idle" | "busy" | "added" | "already" | "error">("idle");
  async function support() {
    setState("busy");
    try {
      const r = await api.support(ticket);
      setState(r);
      if (r === "added") onAdded?.();
    } catch {
      setState("error");
    }
  }
  const done = state === "added" || state === "already";
  return (
    <div className="support">
      <button type="button" className="secondary" data-testid="support" onClick={() => void support()} disabled={state === "busy" || done}>{t("support")}</button>
      <span role="status" aria-live="polite" className="small">
        {state === "added" && t("supported")}
        {state === "already" && t("alreadySupported")}
        {state === "error" && t("error")}
      </span>
    </div>
  );
}
