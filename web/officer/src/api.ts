/** The officer API client: session cookie + X-CSRF-Token on every write. */
import { ApiError, apiError } from "../../shared/api-error.ts";

export type Colour = "red" | "yellow" | "green" | "grey";

export interface UnitRef { id: string; name: string; kind: string | null }
export interface Unit { id: string; kind: string; name: string; parentId: string | null; regionCode: string | null; active: boolean }
export interface Category { code: string; name: string; active?: boolean }

export interface InboxItem {
  ticket: string;
  state: string;
  label: string;
  colour: Colour;
  kind: string;
  description: string;
  category: string | null;
  channel: string;
  kelurahan: { code: string; name: string } | null;
  holdingUnit: UnitRef;
  overdue: boolean;
  reopenCount: number;
  supportCount: number;
  createdAt: string;
  resolutionDueAt: string | null;
  assigneeUserId?: string | null;
  lat?: number | null;
  lon?: number | null;
  address?: string | null;
}

export interface EvidenceFlag { code?: string; message?: string; [k: string]: unknown }

export interface ReportView {
  ticket: string;
  kind: string;
  description: string;
  state: string;
  label: string;
  colour: Colour;
  channel: string;
  lat: number | null;
  lon: number | null;
  address: string | null;
  assigneeUserId: string | null;
  supportCount: number;
  reopenCount: number;
  closeReason: string | null;
  createdAt: string;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  holdingUnit: UnitRef;
  handoverFromUnit: UnitRef | null;
  citizen: { name: string | null; email: string | null; phone: string | null; masked: boolean } | null;
  sla: {
    firstActionDueAt: string;
    resolutionDueAt: string;
    overdue: boolean;
    workingDaysOpen: number;
    heldByUnit: Array<{ unit: UnitRef; workingDays: number }>;
  };
  triage: Triage | null;
  photos: Array<{ id: string; eventId: string | null; url: string; evidenceFlags: unknown }>;
  timeline: Array<{
    id: string;
    at: string;
    type: string;
    actorRole: string | null;
    unit: UnitRef | null;
    fromState: string | null;
    toState: string | null;
    toUnit: UnitRef | null;
    note: string | null;
    publicComment: string | null;
    reason: string | null;
    data: Record<string, unknown> | null;
    /** outbound_message entries: the message that left (or waits to leave) for the citizen */
    channel?: string | null;
    text?: string | null;
    status?: string | null;
    kind?: string | null;
    template?: string | null;
    deliveredAt?: string | null;
    error?: string | null;
  }>;
  allowedActions: string[];
}

export interface PlaceGuess { kelurahanCode?: string; source?: string; evidence?: string; confidence?: number }
export interface Triage {
  place: { best: PlaceGuess | null; candidates: PlaceGuess[]; outside: { name: string | null } | null } | null;
  classification: { top: Array<{ code: string; confidence: number }>; kind: { kind: string; confidence: number }; evidence: string[] } | null;
  flags: Array<{ kind: string; reason?: string; [k: string]: unknown }>;
  automatic: boolean;
}

export interface User { id: string; name: string; role: string; unitId: string | null; email?: string }

export interface Scope { all: boolean; unitIds: string[]; regionPrefix: string | null; assigneeOnly: boolean }
export interface Me { actor: { userId: string; role: string; unitId: string | null }; user?: User; scope?: Scope }

export interface SavedView { id: string; name: string; filters: Record<string, string>; createdAt: string }
export interface ReplyTemplate { id: string; title: string; text: string }

export interface DuplicateCandidate {
  ticket: string;
  state: string;
  label: string;
  colour: Colour;
  category: { code: string; name: string } | null;
  kelurahan: { code: string; name: string } | null;
  distanceM: number | null;
  similarity: number;
  score: number;
  likely: boolean;
  description: string | null;
  excerpt: string | null;
  canOpen: boolean;
  createdAt: string;
}
export interface Duplicates {
  ticket: string;
  threshold: number;
  duplicateOf: string | null;
  candidates: DuplicateCandidate[];
  linked: Array<{ ticket: string; channel: string; createdAt: string; depth: number; timeline: ReportView["timeline"] }>;
}

export interface MapConfig { centerLat?: number; centerLon?: number; zoom?: number; tileUrl?: string | null; tileAttribution?: string | null }
export interface GeoFeatureCollection { type: "FeatureCollection"; features: Array<{ type: "Feature"; properties: Record<string, unknown> | null; geometry: { type: string; coordinates: unknown } }> }

export { ApiError };

const CSRF_KEY = "aspirasi.csrf";

export function setCsrf(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

function csrf(): string {
  const stored = sessionStorage.getItem(CSRF_KEY);
  if (stored) return stored;
  const m = /(?:^|;\s*)aspirasi_csrf=([^;]+)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : "";
}

/** The one fetch wrapper (JSON or FormData body, CSRF header on writes); the admin client reuses it. */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["x-csrf-token"] = csrf();
  const res = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw apiError(res, json, "HTTP_" + res.status);
  return json as T;
}

export const api = {
  me: () => request<Me>("GET", "/api/v1/me"),
  login: (email: string, password: string) => request<{ user: User; csrfToken: string }>("POST", "/api/v1/auth/login", { email, password }),
  logout: () => request<unknown>("POST", "/api/v1/auth/logout"),
  list: (params: URLSearchParams) => request<{ items: InboxItem[]; nextCursor: string | null }>("GET", `/api/v1/reports?${params.toString()}`),
  report: (ticket: string, lang: string) => request<ReportView>("GET", `/api/v1/reports/${encodeURIComponent(ticket)}?lang=${lang}`),
  transition: (ticket: string, body: Record<string, unknown>) => request<{ state: string }>("POST", `/api/v1/reports/${encodeURIComponent(ticket)}/transitions`, body),
  units: () => request<{ items: Unit[] }>("GET", "/api/v1/units"),
  categories: (lang: string) => request<{ items: Category[] }>("GET", `/api/v1/categories?lang=${lang}`),
  officersOf: (unitId: string) => request<{ items: User[] }>("GET", `/api/v1/units/${encodeURIComponent(unitId)}/officers`),
  geojson: (params: URLSearchParams) => request<GeoFeatureCollection>("GET", `/api/v1/reports.geojson?${params.toString()}`),
  kelurahanGeojson: () => request<GeoFeatureCollection>("GET", "/api/v1/public/kelurahan.geojson"),
  config: () => request<{ map?: MapConfig | null }>("GET", "/api/v1/config"),
  views: () => request<{ items: SavedView[] }>("GET", "/api/v1/views"),
  saveView: (name: string, filters: Record<string, string>) => request<SavedView>("POST", "/api/v1/views", { name, filters }),
  deleteView: (id: string) => request<unknown>("DELETE", `/api/v1/views/${encodeURIComponent(id)}`),
  replyTemplates: (ticket: string, lang: string) => request<{ items: ReplyTemplate[]; statusOnly?: boolean }>("GET", `/api/v1/reports/${encodeURIComponent(ticket)}/reply-templates?lang=${lang}`),
  reply: (ticket: string, body: { text: string; templateId?: string }) => request<unknown>("POST", `/api/v1/reports/${encodeURIComponent(ticket)}/replies`, body),
  duplicates: (ticket: string, lang: string) => request<Duplicates>("GET", `/api/v1/reports/${encodeURIComponent(ticket)}/duplicates?lang=${lang}`),
  markDuplicate: (ticket: string, original: string, note?: string) => request<unknown>("POST", `/api/v1/reports/${encodeURIComponent(ticket)}/duplicate-of`, note ? { ticket: original, note } : { ticket: original }),
  upload: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<{ id: string }>("POST", "/api/v1/uploads", form);
  },
};
