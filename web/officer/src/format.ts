/** Small display helpers shared by the report page and the queues. */

export function fmt(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang === "en" ? "en-GB" : "id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" });
}

export function fmtDate(iso: string, lang: string): string {
  return new Date(iso).toLocaleDateString(lang === "en" ? "en-GB" : "id-ID", { dateStyle: "medium", timeZone: "Asia/Jakarta" });
}

export const pct = (c: number | undefined) => (c === undefined ? "" : ` (${Math.round(c * 100)}%)`);

export interface FlagView { key: string; text: string; severity: string }

/** Evidence flags as the API sends them (strings or {code, message, severity}) in the reader's language. */
export function flagsFor(flags: unknown, lang: string): FlagView[] {
  if (!Array.isArray(flags)) return [];
  return flags.map((f: unknown, i) => {
    if (typeof f === "string") return { key: String(i), text: f, severity: "info" };
    const o = (f ?? {}) as { code?: string; message?: string | Record<string, string>; severity?: string };
    const msg = typeof o.message === "string" ? o.message : (o.message?.[lang] ?? o.message?.id ?? o.code ?? "");
    return { key: `${o.code ?? ""}${i}`, text: msg, severity: o.severity ?? "info" };
  });
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
