/** The public API the portal uses (contract: ../shared/docs/api-contract.md). Never any reporter identity. */
import { ApiError, apiError } from "../../shared/api-error.ts";
import type { Language } from "./i18n.ts";

export type Colour = "red" | "yellow" | "green" | "grey";
export type Kind = "pengaduan" | "aspirasi" | "permintaan_informasi";
export const KINDS: Kind[] = ["pengaduan", "aspirasi", "permintaan_informasi"];

export interface Category {
  code: string;
  name: string;
  active?: boolean;
}

export interface Point {
  lat: number;
  lon: number;
}

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface Candidate {
  ticket: string;
  label: string;
  colour: Colour;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  distanceM: number | null;
  excerpt: string;
  supportCount: number;
  likely: boolean;
}

export interface TimelineItem {
  at: string;
  type: string;
  label: string;
  comment: string | null;
}

export interface PublicReport {
  ticket: string;
  state: string;
  label: string;
  colour: Colour;
  statusComment: string | null;
  kind: Kind;
  description: string;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  location: Point | null;
  supportCount: number;
  createdAt: string;
  photos: { id: string; url: string }[];
  timeline: TimelineItem[];
}

export interface Submitted {
  ticket: string;
  state: string;
  label: string;
  colour: Colour;
}

export interface Suggestion {
  code: string;
  name: string;
  confidence: number;
}

/** One card of the public list: public fields only (no reporter, no description beyond the summary). */
export interface ListedReport {
  ticket: string;
  state: string;
  label: string;
  colour: Colour;
  kind: Kind;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  summary: string;
  createdAt: string;
  updatedAt: string;
  supportCount: number;
  lat: number | null;
  lon: number | null;
}

export interface ListFilters {
  colour?: string;
  category?: string;
  kelurahan?: string;
  q?: string;
}

export interface SubscriptionView {
  ticket: string;
  status: string;
  emailMasked: string;
}

export { ApiError };

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  const body: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw apiError(res, body, "ERROR");
  return body as T;
}

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const api = {
  categories: (lang: Language) => call<{ items: Category[] }>(`/api/v1/categories?lang=${lang}`).then((r) => r.items.filter((c) => c.active !== false)),
  duplicates(q: { point: Point | null; description: string; category: string }, lang: Language) {
    const p = new URLSearchParams({ lang });
    if (q.point) {
      p.set("lat", q.point.lat.toFixed(6));
      p.set("lon", q.point.lon.toFixed(6));
    }
    if (q.description.trim()) p.set("description", q.description.trim().slice(0, 2000));
    if (q.category) p.set("category", q.category);
    return call<{ items: Candidate[] }>(`/api/v1/public/duplicates?${p}`).then((r) => r.items.filter((c) => c.likely));
  },
  submit: (form: FormData) => call<Submitted>("/api/v1/public/reports", { method: "POST", body: form }),
  report: (ticket: string, lang: Language) => call<PublicReport>(`/api/v1/public/reports/${encodeURIComponent(ticket)}?lang=${lang}`),
  support: (ticket: string) =>
    fetch(`/api/v1/public/reports/${encodeURIComponent(ticket)}/supports`, json({})).then(async (res) => {
      if (res.status === 201) return "added" as const;
      if (res.ok) return "already" as const;
      throw apiError(res, await res.json().catch(() => null), "ERROR");
    }),
  comment: (ticket: string, text: string) => call<unknown>(`/api/v1/public/reports/${encodeURIComponent(ticket)}/comments`, json({ text })),
  dispute: (ticket: string, reason: string, contact: Contact) => call<unknown>(`/api/v1/public/reports/${encodeURIComponent(ticket)}/disputes`, json({ reason, contact })),
  suggestions: (text: string, lang: Language, signal?: AbortSignal) =>
    call<{ items: Suggestion[] }>(`/api/v1/public/category-suggestions?${new URLSearchParams({ text: text.slice(0, 2000), lang })}`, { signal }).then((r) => r.items),
  list(filters: ListFilters, cursor: string | null, lang: Language, signal?: AbortSignal) {
    const p = listParams(filters);
    p.set("lang", lang);
    p.set("limit", "20");
    if (cursor) p.set("cursor", cursor);
    return call<{ items: ListedReport[]; nextCursor: string | null }>(`/api/v1/public/reports?${p}`, { signal });
  },
  geojsonUrl(filters: ListFilters, lang: Language): string {
    const p = listParams({ ...filters, q: undefined });
    p.set("lang", lang);
    return `/api/v1/public/reports.geojson?${p}`;
  },
  subscribe: (ticket: string, email: string, language: Language) =>
    call<{ status: string }>(`/api/v1/public/reports/${encodeURIComponent(ticket)}/subscriptions`, json({ email, language })),
  subscription: (token: string) => call<SubscriptionView>(`/api/v1/public/subscriptions/${encodeURIComponent(token)}`),
  confirmSubscription: (token: string) => call<unknown>(`/api/v1/public/subscriptions/${encodeURIComponent(token)}/confirm`, json({})),
  unsubscribe: (token: string) => call<unknown>(`/api/v1/public/subscriptions/${encodeURIComponent(token)}/unsubscribe`, json({})),
};

function listParams(filters: ListFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === "string" && v.trim()) p.set(k, v.trim());
  return p;
}

export interface MyReport {
  ticket: string;
  at: string;
  point: Point | null;
}

const MINE_KEY = "aspirasi.myReports";

/** The citizen's own submissions, kept only in this browser (the public list shows everyone's, this is the device's own). */
export function myReports(): MyReport[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(MINE_KEY) ?? "[]");
    return Array.isArray(v) ? (v as MyReport[]).filter((r) => typeof r?.ticket === "string") : [];
  } catch {
    return [];
  }
}

export function rememberReport(r: MyReport): void {
  try {
    localStorage.setItem(MINE_KEY, JSON.stringify([r, ...myReports().filter((m) => m.ticket !== r.ticket)].slice(0, 50)));
  } catch {
    // storage full or disabled: the ticket is still shown on screen
  }
}
