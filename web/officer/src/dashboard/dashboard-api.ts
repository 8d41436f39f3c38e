/**
 * The dashboard's API client (GET /api/v1/stats/*, /api/v1/summary): thin wrappers over the shared
 * `request`. A 404 or 501 means the endpoint is not deployed yet: callers show "belum tersedia".
 */
import { ApiError, request } from "../api.ts";

export interface Totals { red: number; yellow: number; green: number; grey: number; total: number }
export interface RedBreakdown { waiting: number; reopened: number; coordination: number; disposition: number; triage: number }
export interface Overview {
  totals: Totals;
  red: RedBreakdown;
  ageing: Array<{ bucket: string; open: number }>;
  sla: { onTime: number; late: number; compliance: number | null };
  rates: { reopen: number | null; followUpRejection: number | null };
  channels: Array<{ channel: string; count: number; link?: string | null }>;
  categories: Array<{ code: string; name: string; count: number; link?: string | null }>;
  overdue: { count: number };
  /** per figure, the query string for GET /api/v1/reports listing exactly the reports behind it */
  links?: Record<string, unknown>;
}
export interface AreaRow { code: string; name: string; red: number; yellow: number; green: number; grey: number; total: number; redBreakdown?: Partial<RedBreakdown>; link?: string }
export interface TrendPoint { period: string; created?: number; resolved?: number; red?: number; [k: string]: unknown }
export interface RankingRow {
  rank?: number | null;
  unit: { id: string; name: string; kind?: string | null } | string;
  volume: number;
  resolvedOnTimeRate: number | null;
  medianHeldWorkingDays: number | null;
  reopenRate: number | null;
  score: number | null;
  reason?: string | { id?: string; en?: string } | null;
}
export interface Rankings { method: { id: string; en: string } | string; minVolume: number; items: RankingRow[]; unranked: RankingRow[] }
export type Summary = Record<string, unknown>;

export type StatsFilters = Record<string, string>;

const qs = (p: Record<string, string | undefined>): string => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) out.set(k, v);
  const s = out.toString();
  return s ? `?${s}` : "";
};

/** True when the endpoint does not exist (yet): the screen says so instead of failing. */
export const isUnavailable = (err: unknown): boolean => err instanceof ApiError && (err.status === 404 || err.status === 501);

export const statsApi = {
  overview: (f: StatsFilters) => request<Overview>("GET", `/api/v1/stats/overview${qs(f)}`),
  areas: (level: string, f: StatsFilters) => request<{ items: AreaRow[] }>("GET", `/api/v1/stats/areas${qs({ ...f, level })}`),
  trend: (interval: string, f: StatsFilters) => request<{ items?: TrendPoint[]; points?: TrendPoint[]; series?: TrendPoint[] }>("GET", `/api/v1/stats/trend${qs({ ...f, interval })}`),
  rankings: (kind: string, minVolume?: string) => request<Rankings>("GET", `/api/v1/stats/rankings${qs({ kind, minVolume })}`),
  summary: (period: string, date: string, lang: string) => request<Summary>("GET", `/api/v1/summary${qs({ period, date, lang })}`),
};

export const summaryPdfHref = (period: string, date: string, lang: string) => `/api/v1/summary.pdf${qs({ period, date, lang })}`;
export const csvHref = (query: string) => `/api/v1/reports.csv${query ? `?${query}` : ""}`;

/**
 * A figure's link into the inbox: the API gives a query string (or an object of parameters) per figure,
 * possibly nested (links.red.coordination); null when the API gives none.
 */
export function linkQuery(links: Record<string, unknown> | undefined, ...path: string[]): string | null {
  let at: unknown = links;
  for (const k of path) {
    if (!at || typeof at !== "object") return null;
    at = (at as Record<string, unknown>)[k];
  }
  if (typeof at === "string") return at.replace(/^\?/, "").replace(/^\/api\/v1\/reports\?/, "");
  if (at && typeof at === "object" && !Array.isArray(at)) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(at as Record<string, unknown>)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
    return p.toString();
  }
  return null;
}

export const inboxHref = (query: string) => `/officer/kotak-masuk${query ? `?${query}` : ""}`;
