/** Small pieces the administration screens share: feedback regions, the unit picker, date formatting. */
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api.ts";
import type { AdminUnit } from "./admin-api.ts";

type T = (key: string, options?: Record<string, unknown>) => string;

/** The API's message (English, precise) after a translated word on what kind of failure it was. */
export function messageOf(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    const kind = t(`admin.codes.${err.code}`, { defaultValue: "" });
    return kind ? `${kind} (${err.message})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A success to say, kept as a key so it follows a change of language. */
export interface Notice { key: string; params?: Record<string, unknown> }
export const note = (key: string, params?: Record<string, unknown>): Notice => ({ key, params });

/**
 * A polite live region for successes (present before anything is said, so screen readers hear it)
 * and an alert for failures.
 */
export function Feedback({ ok, error, testId }: { ok: Notice | null; error: string | null; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <div role="status" aria-live="polite" className="adm-status" data-testid={`${testId}-status`}>
        {ok && <p className="ok">{t(ok.key, ok.params)}</p>}
      </div>
      {error && <p className="error" role="alert" data-testid={`${testId}-error`}>{t("admin.error", { message: error })}</p>}
    </>
  );
}

/** An administration list: a captioned table (caption for screen readers) with its column headers and rows. */
export function AdminTable({ testId, caption, columns, children }: { testId: string; caption: string; columns: string[]; children: ReactNode }) {
  return (
    <table className="adm-table" data-testid={testId}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

export function useDateFormat(withTime: boolean) {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(i18n.language === "en" ? "en-GB" : "id-ID", {
      dateStyle: "medium",
      ...(withTime ? { timeStyle: "short" as const } : {}),
      timeZone: withTime ? "Asia/Jakarta" : "UTC",
    });
    return (iso: string | null | undefined) => {
      if (!iso) return "—";
      const d = new Date(withTime ? iso : `${iso}T00:00:00Z`);
      return Number.isNaN(d.getTime()) ? iso : f.format(d);
    };
  }, [i18n.language, withTime]);
}

export function unitLabel(units: AdminUnit[] | Map<string, AdminUnit>, id: string | null | undefined): string {
  if (!id) return "—";
  const u = units instanceof Map ? units.get(id) : units.find((x) => x.id === id);
  return u ? u.name : id;
}

/**
 * A select of units narrowed by a search box (there are several hundred kelurahan); the chosen
 * unit stays in the list whatever the search says.
 */
export function UnitPicker({ units, value, onChange, label, testId, allowNone = false, required = false }: {
  units: AdminUnit[];
  value: string;
  onChange: (id: string) => void;
  label: string;
  testId: string;
  allowNone?: boolean;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const hint = useId();
  const matches = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const hit = needle ? units.filter((u) => u.name.toLowerCase().includes(needle) || u.id.toLowerCase().includes(needle)) : units;
    const chosen = value ? units.find((u) => u.id === value) : undefined;
    return chosen && !hit.includes(chosen) ? [chosen, ...hit] : hit;
  }, [units, q, value]);
  return (
    <div className="adm-unit-picker">
      <span id={hint} className="muted small adm-hint" aria-live="polite">{t("admin.unitPicker.matches", { count: matches.length })}</span>
      <label>{t("admin.unitPicker.search")}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby={hint} data-testid={`${testId}-search`} />
      </label>
      <label>{label}
        <select value={value} onChange={(e) => onChange(e.target.value)} required={required} data-testid={testId}>
          <option value="">{allowNone ? t("admin.unitPicker.noUnit") : t("admin.unitPicker.choose")}</option>
          {matches.map((u) => (
            <option key={u.id} value={u.id}>{`${u.name} · ${t(`admin.kinds.${u.kind}`)}${u.active ? "" : ` (${t("admin.inactive")})`}`}</option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** When a row's editor closes (saved or cancelled), focus goes back to the row's Edit button rather than to the page's start. */
export function useReturnFocus(open: boolean) {
  const button = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return button;
}
