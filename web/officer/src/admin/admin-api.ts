/** The administration endpoints (users, units, categories, holidays, dead letters, malformed inbound). */
import { request } from "../api.ts";

export const ROLES = ["jsc_admin", "kelurahan_officer", "ppsu_crew", "agency_officer", "validator", "supervisor", "executive"] as const;
export type Role = (typeof ROLES)[number];
export const UNIT_KINDS = ["kelurahan", "kecamatan", "kota", "province", "agency", "sub_office", "triage", "external"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const DISPUTE_POLICIES = ["reporter_only", "any_citizen", "none"] as const;
export type DisputePolicy = (typeof DISPUTE_POLICIES)[number];

export interface AdminUser { id: string; email: string; name: string; role: Role; unitId: string | null; language: string; active: boolean }
export interface NewUser { email: string; name: string; password: string; role: Role; unitId: string | null }
export interface UserPatch { name?: string; password?: string; role?: Role; unitId?: string | null; active?: boolean }

export interface AdminUnit {
  id: string;
  kind: UnitKind;
  name: string;
  shortName?: string | null;
  parentId: string | null;
  regionCode: string | null;
  supervisorUnitId?: string | null;
  hasPpsu?: boolean;
  active: boolean;
}

export type OwnerPolicy = { kind: "kelurahan" } | { kind: "agency"; agency: string } | { kind: "external"; unit: string } | { kind: "triage" };

export interface AdminCategory {
  code: string;
  nameId: string;
  nameEn: string;
  ownerPolicy: OwnerPolicy;
  slaFirstActionDays: number;
  slaResolutionDays: number;
  disputePolicy: DisputePolicy;
  disputeWindowDays: number;
  reopenEscalationThreshold: number;
  ppsuAllowed: boolean;
  active: boolean;
  keywords?: string[];
  sortOrder?: number;
}

export interface Holiday { date: string; name: string; jointLeave: boolean }

export interface OutboxItem {
  id: number;
  reportId: string | null;
  kind: string;
  channel: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
}

export interface InboundSummary {
  id: number;
  channel: string;
  contentType: string;
  status: "pending" | "processed" | "malformed";
  error: string | null;
  attempts: number;
  sizeBytes: number;
  receivedAt: string;
  processedAt: string | null;
}
export interface InboundPayload extends InboundSummary { encoding: "utf8" | "base64"; body: string; headers: Record<string, string> | null }

/** The API's PUT bodies are strict: send only the fields the schema knows. */
function unitBody(u: AdminUnit) {
  return {
    id: u.id, kind: u.kind, name: u.name, shortName: u.shortName ?? null, parentId: u.parentId ?? null, regionCode: u.regionCode ?? null,
    supervisorUnitId: u.supervisorUnitId ?? null, hasPpsu: u.hasPpsu ?? false, active: u.active,
  };
}

function categoryBody(c: AdminCategory) {
  return {
    code: c.code, nameId: c.nameId, nameEn: c.nameEn, ownerPolicy: c.ownerPolicy, slaFirstActionDays: c.slaFirstActionDays,
    slaResolutionDays: c.slaResolutionDays, disputePolicy: c.disputePolicy, disputeWindowDays: c.disputeWindowDays,
    reopenEscalationThreshold: c.reopenEscalationThreshold, ppsuAllowed: c.ppsuAllowed, active: c.active,
    ...(c.keywords ? { keywords: c.keywords } : {}), ...(c.sortOrder !== undefined ? { sortOrder: c.sortOrder } : {}),
  };
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export const adminApi = {
  me: () => request<{ actor: { userId: string; role: string; unitId: string | null } }>("GET", "/api/v1/me"),
  users: (f: { unitId?: string; role?: string }) => request<{ items: AdminUser[] }>("GET", `/api/v1/users${query(f)}`),
  createUser: (u: NewUser) => request<AdminUser>("POST", "/api/v1/users", u),
  changeUser: (id: string, patch: UserPatch) => request<AdminUser>("PATCH", `/api/v1/users/${enc(id)}`, patch),
  units: () => request<{ items: AdminUnit[] }>("GET", "/api/v1/units"),
  saveUnit: (u: AdminUnit) => request<AdminUnit>("PUT", `/api/v1/units/${enc(u.id)}`, unitBody(u)),
  categories: (lang: string) => request<{ items: AdminCategory[] }>("GET", `/api/v1/categories${query({ lang })}`),
  saveCategory: (c: AdminCategory) => request<AdminCategory>("PUT", `/api/v1/categories/${enc(c.code)}`, categoryBody(c)),
  holidays: (year: number) => request<{ items: Holiday[] }>("GET", `/api/v1/holidays${query({ year })}`),
  saveHoliday: (h: Holiday) => request<Holiday>("PUT", `/api/v1/holidays/${enc(h.date)}`, h),
  removeHoliday: (date: string) => request<null>("DELETE", `/api/v1/holidays/${enc(date)}`),
  deadLetters: () => request<{ items: OutboxItem[] }>("GET", "/api/v1/outbox?status=dead"),
  retry: (id: number) => request<{ ok: boolean }>("POST", `/api/v1/outbox/${id}/retry`),
  malformed: (f: { channel?: string; cursor?: number | null }) =>
    request<{ items: InboundSummary[]; nextCursor: number | null }>("GET", `/api/v1/inbound${query({ status: "malformed", channel: f.channel, cursor: f.cursor })}`),
  inbound: (id: number) => request<InboundPayload>("GET", `/api/v1/inbound/${id}`),
  requeue: (id: number) => request<{ ok: boolean }>("POST", `/api/v1/inbound/${id}/requeue`),
};
