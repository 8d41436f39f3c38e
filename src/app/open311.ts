/**
 * Open311 GeoReport v2: services from the categories, requests posted by client applications (one more
 * channel, "open311", through the same intake as every other channel), and the public view of requests and
 * their updates (mySociety's servicerequestupdates). Only publicly listed reports are ever shown, and never a
 * reporter's identity.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { open311Updates, parseOpen311Date, serviceOf, type Open311Service } from "../domain/open311.ts";
import { projectForOpen311, publicCoordinate, scrubPublicText } from "../domain/projection.ts";
import { STATE_LABEL, type Category, type Language, type Report } from "../domain/report.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import {
  eventPhotosOfReports,
  findActiveApiKey,
  findTicketByToken,
  insertApiKey,
  insertToken,
  listApiKeys,
  listOpen311Reports,
  listReportsWithEventsBetween,
  revokeApiKey,
  ticketsByIds,
} from "../store/open311.store.ts";
import { withTransaction } from "../store/db.ts";
import { queueMedia } from "../store/media.store.ts";
import { findReportById, listEvents, listEventsOfReports } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { allowOpen311Post } from "./rate-limits.ts";
import type { Reference } from "./reference-cache.ts";
import { intakeReport } from "./submit-report.ts";

const DAY_MS = 86_400_000;
/** The spec's default and widest window of requested_datetime. */
const WINDOW_DAYS = 90;
export const OPEN311_PAGE_SIZE_MAX = 200;
const OPEN311_PAGE_SIZE_DEFAULT = 50;
const UPDATES_MAX = 1000;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Keys from OPEN311_API_KEYS (comma-separated). */
export function parseEnvKeys(value: string | undefined): string[] {
  return (value ?? "").split(",").map((k) => k.trim()).filter((k) => k.length > 0);
}

function groupOf(ref: Reference, category: Category, language: Language): string {
  const p = category.ownerPolicy;
  switch (p.kind) {
    case "agency":
      return ref.units.get(p.agency)?.name ?? p.agency;
    case "external":
      return ref.units.get(p.unit)?.name ?? p.unit;
    case "kelurahan":
      return language === "en" ? "Kelurahan (PPSU)" : "Kelurahan (PPSU)";
    case "triage":
      return ref.units.triageUnit()?.name ?? (language === "en" ? "Triage desk" : "Meja triase");
  }
}

/** GET services: every active category. */
export async function open311Services(ctx: AppContext, language: Language): Promise<Open311Service[]> {
  const ref = await ctx.reference.get();
  return [...ref.categories.values()].filter((c) => c.active).map((c) => serviceOf(c, language, groupOf(ref, c, language)));
}

/** GET services/{code}: the service definition (we ask for no extra attributes). */
export async function open311ServiceDefinition(ctx: AppContext, code: string) {
  const ref = await ctx.reference.get();
  const c = ref.categories.get(code);
  if (!c || !c.active) throw new DomainError("NOT_FOUND", `unknown service_code ${code}`);
  return { service_code: c.code, attributes: [] as unknown[] };
}

/** The client behind an api_key: an OPEN311_API_KEYS entry (`env-<n>`) or an issued, unrevoked key (`key-<id>`). */
export async function open311Client(ctx: AppContext, envKeys: readonly string[], apiKey: string | undefined): Promise<string> {
  if (apiKey === undefined || apiKey.trim() === "") throw new DomainError("FORBIDDEN", "api_key is required");
  const digest = Buffer.from(sha256(apiKey), "hex");
  const envIndex = envKeys.findIndex((k) => timingSafeEqual(Buffer.from(sha256(k), "hex"), digest));
  if (envIndex >= 0) return `env-${envIndex + 1}`;
  const id = await findActiveApiKey(ctx.pool, digest.toString("hex"));
  if (!id) throw new DomainError("FORBIDDEN", "invalid api_key");
  return `key-${id}`;
}

const text = (fields: Record<string, string>, name: string, max: number): string | null => {
  const v = fields[name];
  if (v === undefined) return null;
  const t = v.trim();
  if (t === "") return null;
  if (t.length > max) throw new DomainError("VALIDATION_FAILED", `${name} is longer than ${max} characters`);
  return t;
};

function coordinate(fields: Record<string, string>, name: string, min: number, max: number): number | null {
  const t = text(fields, name, 40);
  if (t === null) return null;
  const v = Number(t);
  if (!/^[+-]?\d+(\.\d+)?$/.test(t) || !Number.isFinite(v) || v < min || v > max) throw new DomainError("VALIDATION_FAILED", `${name} must be a number between ${min} and ${max}`);
  return v;
}

export interface Open311PostResult {
  token: string;
  service_request_id: string;
  service_notice: string;
  account_id: null;
}

/**
 * POST requests: a new report on the "open311" channel through the common intake (placed, triaged, routed; the
 * citizen linked by e-mail or phone). The answer carries the ticket at once and a token the client may keep.
 */
export async function open311PostRequest(
  ctx: AppContext, envKeys: readonly string[], fields: Record<string, string>, language: Language, photos: Buffer[] = [],
): Promise<Open311PostResult[]> {
  const client = await open311Client(ctx, envKeys, fields.api_key);
  await allowOpen311Post(ctx, client);
  const code = text(fields, "service_code", 64);
  if (!code) throw new DomainError("VALIDATION_FAILED", "service_code is required");
  const ref = await ctx.reference.get();
  const category = ref.categories.get(code);
  if (!category || !category.active) throw new DomainError("NOT_FOUND", `unknown service_code ${code}`);
  const lat = coordinate(fields, "lat", -90, 90);
  const lon = coordinate(fields, "long", -180, 180);
  if ((lat === null) !== (lon === null)) throw new DomainError("VALIDATION_FAILED", "lat and long go together");
  const address = text(fields, "address_string", 500);
  if (lat === null && address === null) throw new DomainError("VALIDATION_FAILED", "a location is required: lat and long, or address_string");
  const description = text(fields, "description", 4000);
  const email = text(fields, "email", 254);
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new DomainError("VALIDATION_FAILED", "email is not an e-mail address");
  const phone = text(fields, "phone", 40);
  if (phone !== null && !/^\+?[\d\s().-]{6,40}$/.test(phone)) throw new DomainError("VALIDATION_FAILED", "phone is not a phone number");
  const name = [text(fields, "first_name", 100), text(fields, "last_name", 100)].filter(Boolean).join(" ") || null;
  const mediaUrl = text(fields, "media_url", 2000);
  if (mediaUrl !== null && !/^https?:\/\/\S+$/i.test(mediaUrl)) throw new DomainError("VALIDATION_FAILED", "media_url must be an http(s) URL");

  const token = randomBytes(16).toString("hex");
  // The report, its token and the queued media link commit together.
  const created = await withTransaction(ctx.pool, async (tx) => {
    const intake = await intakeReport(ctx, tx, {
      description: description ?? (language === "en" ? category.nameEn : category.nameId),
      kind: "pengaduan",
      kindGiven: true,
      lat,
      lon,
      address,
      category: category.code,
      contact: email || phone || name ? { name, email, phone } : null,
      channel: "open311",
      channelRef: `${client}:${token}`,
      language,
      photos,
      eventData: { open311: { client, token, mediaUrl } },
    });
    await insertToken(tx, { token, reportId: intake.reportId, client });
    // The client's media link becomes a photo like a channel's attachment: the worker fetches it (public
    // addresses only, size and type checked, EXIF stripped); the link stays on the created event either way.
    if (mediaUrl) {
      await queueMedia(tx, [{ reportId: intake.reportId, eventId: intake.eventId, channel: "open311", url: mediaUrl, data: null, contentType: null, filename: null }], ctx.now());
    }
    return { ticket: intake.ticket, label: STATE_LABEL[intake.language][intake.state] };
  });
  return [{
    token,
    service_request_id: created.ticket,
    service_notice: language === "en"
      ? `Report ${created.ticket} received; status: ${created.label}.`
      : `Laporan ${created.ticket} diterima; status: ${created.label}.`,
    account_id: null,
  }];
}

export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string | null;
  service_name: string | null;
  service_code: string | null;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

function photoUrl(ctx: AppContext, id: string | null): string | null {
  return id ? `${ctx.publicBaseUrl}/api/v1/public/photos/${id}` : null;
}

async function present(ctx: AppContext, ref: Reference, report: Report, photoId: string | null, language: Language): Promise<Open311Request> {
  const events = await listEvents(ctx.pool, report.id);
  const duplicate = report.duplicateOf ? await findReportById(ctx.pool, report.duplicateOf) : null;
  const p = projectForOpen311({ report, events, units: (id) => ref.units.get(id), duplicateOfTicket: duplicate?.ticket ?? null, language });
  const category = report.categoryCode ? ref.categories.get(report.categoryCode) : undefined;
  return {
    service_request_id: report.ticket,
    status: p.status,
    status_notes: p.status_notes,
    service_name: category ? (language === "en" ? category.nameEn : category.nameId) : null,
    service_code: category?.code ?? null,
    // What the citizen wrote, without the contact details they may have put in it.
    description: scrubPublicText(report.description, language) ?? "",
    agency_responsible: ref.units.get(report.holdingUnitId)?.name ?? null,
    service_notice: null,
    requested_datetime: report.createdAt.toISOString(),
    updated_datetime: report.updatedAt.toISOString(),
    expected_datetime: p.status === "open" && report.resolutionDueAt ? report.resolutionDueAt.toISOString() : null,
    address: scrubPublicText(report.address, language),
    // About 100 m, as on the public map: the place, not the reporter's doorstep.
    lat: publicCoordinate(report.lat),
    long: publicCoordinate(report.lon),
    media_url: photoUrl(ctx, photoId),
  };
}

export interface Open311RequestQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
  page?: string;
  page_size?: string;
  updated_after?: string;
  updated_before?: string;
}

function dateParam(query: Record<string, string | undefined>, name: string): Date | undefined {
  const v = query[name];
  if (v === undefined || v === "") return undefined;
  const d = parseOpen311Date(v);
  if (!d) throw new DomainError("VALIDATION_FAILED", `${name} must be an ISO 8601 date-time`);
  return d;
}

function intParam(query: Record<string, string | undefined>, name: string, min: number, max: number, fallback: number): number {
  const v = query[name];
  if (v === undefined || v === "") return fallback;
  if (!/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) throw new DomainError("VALIDATION_FAILED", `${name} must be an integer from ${min} to ${max}`);
  return Number(v);
}

function tickets(list: string): string[] {
  const parts = list.split(",").map((t) => t.trim()).filter(Boolean);
  if (parts.length === 0 || parts.length > 100) throw new DomainError("VALIDATION_FAILED", "service_request_id takes 1 to 100 comma-separated ids");
  return parts.map((t) => normalizeTicket(t) ?? t.slice(0, 40));
}

/**
 * GET requests: newest first. `service_request_id` (comma-separated) overrides every other filter, as the spec
 * says; otherwise requested_datetime lies in [start_date, end_date] (default: the last 90 days, at most 90 days
 * wide), with service_code, status, mySociety's updated_after/updated_before, and page/page_size.
 */
export async function open311Requests(ctx: AppContext, query: Open311RequestQuery, language: Language): Promise<Open311Request[]> {
  const q = query as Record<string, string | undefined>;
  const ref = await ctx.reference.get();
  const pageSize = intParam(q, "page_size", 1, OPEN311_PAGE_SIZE_MAX, OPEN311_PAGE_SIZE_DEFAULT);
  const page = intParam(q, "page", 1, 100_000, 1);
  let rows;
  if (query.service_request_id !== undefined && query.service_request_id !== "") {
    rows = await listOpen311Reports(ctx.pool, { tickets: tickets(query.service_request_id), limit: 100, offset: 0 });
  } else {
    if (query.status !== undefined && query.status !== "" && query.status !== "open" && query.status !== "closed")
      throw new DomainError("VALIDATION_FAILED", "status must be open or closed");
    if (query.service_code && !ref.categories.has(query.service_code)) throw new DomainError("NOT_FOUND", `unknown service_code ${query.service_code}`);
    const start = dateParam(q, "start_date");
    const end = dateParam(q, "end_date");
    const to = end ?? (start ? new Date(start.getTime() + WINDOW_DAYS * DAY_MS) : ctx.now());
    const from = start ?? new Date(to.getTime() - WINDOW_DAYS * DAY_MS);
    if (from > to) throw new DomainError("VALIDATION_FAILED", "start_date is after end_date");
    if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) throw new DomainError("VALIDATION_FAILED", `start_date and end_date may not span more than ${WINDOW_DAYS} days`);
    rows = await listOpen311Reports(ctx.pool, {
      category: query.service_code || undefined,
      from,
      to,
      status: (query.status || undefined) as "open" | "closed" | undefined,
      updatedAfter: dateParam(q, "updated_after"),
      updatedBefore: dateParam(q, "updated_before"),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
  }
  const out: Open311Request[] = [];
  for (const r of rows) out.push(await present(ctx, ref, r.report, r.photoId, language));
  return out;
}

/** GET requests/{id}: one publicly listed request; any other ticket is not found. */
export async function open311Request(ctx: AppContext, id: string, language: Language): Promise<Open311Request[]> {
  const ticket = normalizeTicket(id);
  const found = ticket ? await open311Requests(ctx, { service_request_id: ticket }, language) : [];
  if (found.length === 0) throw new DomainError("NOT_FOUND", `no service request ${id}`);
  return found;
}

/** GET tokens/{token}: the request a posted token became. */
export async function open311Token(ctx: AppContext, token: string): Promise<Array<{ service_request_id: string; token: string }>> {
  const ticket = /^[0-9a-f]{32}$/.test(token) ? await findTicketByToken(ctx.pool, token) : null;
  if (!ticket) throw new DomainError("NOT_FOUND", `no token ${token.slice(0, 64)}`);
  return [{ service_request_id: ticket, token }];
}

export interface Open311UpdateView {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string;
  media_url: string | null;
}

/** mySociety's servicerequestupdates: updates of publicly listed requests in [start_date, end_date], oldest first. */
export async function open311ServiceRequestUpdates(ctx: AppContext, query: { start_date?: string; end_date?: string }, language: Language): Promise<Open311UpdateView[]> {
  const q = query as Record<string, string | undefined>;
  const ref = await ctx.reference.get();
  const given = dateParam(q, "start_date");
  const end = dateParam(q, "end_date") ?? (given ? new Date(given.getTime() + WINDOW_DAYS * DAY_MS) : ctx.now());
  const start = given ?? new Date(end.getTime() - WINDOW_DAYS * DAY_MS);
  if (start > end) throw new DomainError("VALIDATION_FAILED", "start_date is after end_date");
  const reports = await listReportsWithEventsBetween(ctx.pool, start, end, UPDATES_MAX);
  // three queries for the whole page, not three per report
  const ids = reports.map((r) => r.id);
  const [eventsOf, photosOf, originals] = await Promise.all([
    listEventsOfReports(ctx.pool, ids),
    eventPhotosOfReports(ctx.pool, ids),
    ticketsByIds(ctx.pool, reports.flatMap((r) => (r.duplicateOf ? [r.duplicateOf] : []))),
  ]);
  const out: Open311UpdateView[] = [];
  for (const report of reports) {
    const events = eventsOf.get(report.id) ?? [];
    const photos = photosOf.get(report.id) ?? new Map<number, string>();
    const duplicateOfTicket = report.duplicateOf ? (originals.get(report.duplicateOf) ?? null) : null;
    for (const u of open311Updates({ report, events, units: (id) => ref.units.get(id), duplicateOfTicket, language })) {
      if (u.at < start || u.at > end) continue;
      out.push({
        update_id: String(u.eventId),
        service_request_id: report.ticket,
        status: u.status,
        updated_datetime: u.at.toISOString(),
        description: u.description,
        media_url: photoUrl(ctx, photos.get(u.eventId) ?? null),
      });
    }
  }
  return out.sort((a, b) => a.updated_datetime.localeCompare(b.updated_datetime) || Number(a.update_id) - Number(b.update_id)).slice(0, UPDATES_MAX);
}

// ---------------------------------------------------------------------------------------------
// Keys issued by administrators

function requireAdmin(actor: Actor): void {
  if (actor.role !== "jsc_admin") throw new DomainError("FORBIDDEN", "only administrators manage Open311 keys");
}

const presentKey = (k: { id: string; name: string; createdAt: Date; revokedAt: Date | null }) => ({
  id: k.id, name: k.name, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null,
});

export async function open311KeysForAdmin(ctx: AppContext, actor: Actor) {
  requireAdmin(actor);
  return { items: (await listApiKeys(ctx.pool)).map(presentKey) };
}

/** Issues a key for a client application: the key is answered once, only its SHA-256 digest is kept. */
export async function issueOpen311Key(ctx: AppContext, actor: Actor, name: string) {
  requireAdmin(actor);
  const key = `o311_${randomBytes(24).toString("base64url")}`;
  const row = await insertApiKey(ctx.pool, { id: ctx.newId(), name: name.trim(), keyHash: sha256(key), createdByUserId: actor.userId });
  return { ...presentKey(row), key };
}

export async function revokeOpen311Key(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  requireAdmin(actor);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || !(await revokeApiKey(ctx.pool, id, ctx.now())))
    throw new DomainError("NOT_FOUND", "no such key");
}
