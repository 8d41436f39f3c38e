import { canSeeReport, readScope, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { projectForOpen311, projectForPortal, projectForQlue, publicCoordinate, scrubPublicText } from "../domain/projection.ts";
import { allowedActions } from "../domain/report-lifecycle.ts";
import { COLOUR_STATES, STATE_COLOUR, STATE_LABEL, type Colour, type Language, type Report, type ReportEvent, type ReportState } from "../domain/report.ts";
import { custodySegmentsFromEvents, heldTimeByUnit, slaStatus, workingDaysBetween } from "../domain/sla-clock.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { findCitizen } from "../store/citizens.store.ts";
import { findReportById, findReportByTicket, findReportVersion, listEvents, listReportPoints, listReports, type ReportListFilter } from "../store/reports.store.ts";
import { listEvidenceFlags } from "../store/evidence.store.ts";
import { findUserById } from "../store/users.store.ts";
import { listOutbox, type OutboxRow } from "../store/outbox.store.ts";
import { renderCitizenMessage } from "../domain/message-templates.ts";
import type { CitizenTemplate } from "../domain/report-lifecycle.ts";
import { listReportUploads } from "../store/uploads.store.ts";
import type { AppContext } from "./context.ts";
import type { Reference } from "./reference-cache.ts";

async function loadByTicket(ctx: AppContext, ticket: string): Promise<Report> {
  const t = normalizeTicket(ticket);
  const report = t ? await findReportByTicket(ctx.pool, t) : null;
  if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  return report;
}

function unitLookup(ref: Reference) {
  return (id: string) => ref.units.get(id);
}

/**
 * The public view of a report: state, colour, place and the public timeline; never an identity.
 * Views are cached per process and reused while the report's version and the reference data are
 * unchanged, so a status lookup is one primary-key read.
 */
export async function getPublicReport(ctx: AppContext, ticket: string, language: Language): Promise<PublicReportView> {
  const ref = await ctx.reference.get();
  const t = normalizeTicket(ticket);
  const head = t ? await findReportVersion(ctx.pool, t) : null;
  if (!head) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  const key = `${t}|${language}`;
  const stamp = `${head.version}|${ctx.reference.loadedVersion}`;
  const cached = ctx.publicViews.get(key);
  if (cached && cached.stamp === stamp) return cached.view as PublicReportView;
  const view = await buildPublicReport(ctx, ref, t!, language);
  ctx.publicViews.set(key, { stamp, view });
  return view;
}

export type PublicReportView = Awaited<ReturnType<typeof buildPublicReport>>;

async function buildPublicReport(ctx: AppContext, ref: Reference, ticket: string, language: Language) {
  const report = await loadByTicket(ctx, ticket);
  const events = await listEvents(ctx.pool, report.id);
  const duplicate = report.duplicateOf ? await findReportById(ctx.pool, report.duplicateOf) : null;
  const portal = projectForPortal({ report, events, units: unitLookup(ref), duplicateOfTicket: duplicate?.ticket ?? null, language });
  const category = report.categoryCode ? ref.categories.get(report.categoryCode) : undefined;
  const photos = (await listReportUploads(ctx.pool, report.id)).map((u) => ({ id: u.id, url: `/api/v1/public/photos/${u.id}` }));
  return {
    ticket: report.ticket,
    state: report.state,
    label: portal.label,
    colour: portal.colour,
    redReason: portal.redReason,
    statusComment: portal.statusComment,
    kind: report.kind,
    // What the citizen wrote, without the contact details they may have put in it.
    description: scrubPublicText(report.description, language) ?? "",
    category: category ? { code: category.code, name: language === "en" ? category.nameEn : category.nameId } : null,
    kelurahan: report.kelurahanCode ? { code: report.kelurahanCode, name: ref.regionNames.get(report.kelurahanCode) ?? report.kelurahanCode } : null,
    // The public sees the place to about 100 m, not the reporter's doorstep.
    location: report.lat !== null && report.lon !== null ? { lat: publicCoordinate(report.lat), lon: publicCoordinate(report.lon) } : null,
    holdingUnit: ref.units.get(report.holdingUnitId)?.name ?? null,
    supportCount: report.supportCount,
    reopenCount: report.reopenCount,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
    photos,
    timeline: portal.publicTimeline,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Masks an identity for field roles: "budi@example.com" -> "b***@example.com", "+628123456789" -> "+62812*****89". */
export function maskContact(value: string | null): string | null {
  if (!value) return value;
  const at = value.indexOf("@");
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length > 7 ? `${value.slice(0, 6)}${"*".repeat(value.length - 8)}${value.slice(-2)}` : "***";
}

/** The officer's view: everything about the report the caller's scope allows, with the SLA clock. */
export async function getOfficerReport(ctx: AppContext, actor: Actor, ticket: string, language: Language) {
  const ref = await ctx.reference.get();
  const report = await loadByTicket(ctx, ticket);
  if (!canSeeReport(actor, report, ref.units)) throw new DomainError("FORBIDDEN", "this report is outside your scope");
  const [events, uploads, citizen, evidenceFlags, outbox] = await Promise.all([
    listEvents(ctx.pool, report.id),
    listReportUploads(ctx.pool, report.id),
    report.citizenId ? findCitizen(ctx.pool, report.citizenId) : Promise.resolve(null),
    listEvidenceFlags(ctx.pool, report.id),
    listOutbox(ctx.pool, { reportId: report.id, limit: OUTBOUND_ON_TIMELINE }),
  ]);
  const now = ctx.now();
  const category = report.categoryCode ? (ref.categories.get(report.categoryCode) ?? null) : null;
  const endAt = report.doneAt ?? report.closedAt ?? null;
  const sla = slaStatus(ref.calendar, {
    createdAt: report.createdAt,
    firstActionAt: report.firstActionAt,
    doneOrClosedAt: endAt,
    firstActionDays: category?.slaFirstActionDays ?? ref.deployment.triageSla?.firstActionDays ?? 1,
    resolutionDays: category?.slaResolutionDays ?? ref.deployment.triageSla?.resolutionDays ?? 5,
  }, now);
  const held = heldTimeByUnit(ref.calendar, custodySegmentsFromEvents(events), endAt ?? now);
  const fullIdentity = actor.role === "jsc_admin";
  const shownOutbox = new Set<unknown>(outbox.map((o) => o.id));
  const input = { report, events, units: unitLookup(ref), language };
  return {
    ...pick(report),
    label: STATE_LABEL[language][report.state],
    colour: STATE_COLOUR[report.state],
    category: category ? { code: category.code, name: language === "en" ? category.nameEn : category.nameId } : null,
    kelurahan: report.kelurahanCode ? { code: report.kelurahanCode, name: ref.regionNames.get(report.kelurahanCode) ?? report.kelurahanCode } : null,
    holdingUnit: unitRef(ref, report.holdingUnitId),
    handoverFromUnit: report.handoverFromUnitId ? unitRef(ref, report.handoverFromUnitId) : null,
    citizen: citizen && {
      name: fullIdentity ? citizen.name : citizen.name ? `${citizen.name[0]}***` : null,
      email: fullIdentity ? citizen.email : maskContact(citizen.email),
      phone: fullIdentity ? citizen.phone : maskContact(citizen.phone),
      masked: !fullIdentity,
    },
    sla: {
      firstActionDueAt: report.firstActionDueAt?.toISOString() ?? sla.firstActionDueAt.toISOString(),
      resolutionDueAt: report.resolutionDueAt?.toISOString() ?? sla.resolutionDueAt.toISOString(),
      overdue: report.overdue,
      workingDaysOpen: round(workingDaysBetween(ref.calendar, report.createdAt, endAt ?? now), 2),
      heldByUnit: [...held.entries()].map(([unitId, ms]) => ({ unit: unitRef(ref, unitId), workingDays: round(ms / 86_400_000, 2) })),
    },
    // Triage's guesses, candidates and flags: why it was routed, or what the desk should look at.
    triage: report.triage,
    partnerDeadlines: report.partnerDeadlines,
    projections: { portal: projectForPortal(input).label, qlue: projectForQlue(input), open311: projectForOpen311(input) },
    // evidenceFlags (issue #4): null = never follow-up evidence, [] = checked and clean; officers only.
    photos: uploads.map((u) => ({ id: u.id, eventId: u.eventId, url: `/api/v1/uploads/${u.id}`, publicUrl: `/api/v1/public/photos/${u.id}`, exif: u.exif, evidenceFlags: evidenceFlags.get(u.id) ?? null })),
    // A delivered message is one entry: its outbound entry (text and delivery status), not also its message_out event.
    timeline: withOutbound(events.filter((e) => !(e.type === "message_out" && shownOutbox.has(e.data.outboxId as number))).map((e) => ({
      id: e.id as number | string,
      at: e.createdAt.toISOString(),
      type: e.type,
      actorUserId: e.actorUserId,
      actorRole: e.actorRole,
      unit: e.unitId ? unitRef(ref, e.unitId) : null,
      fromState: e.fromState,
      toState: e.toState,
      toUnit: e.toUnitId ? unitRef(ref, e.toUnitId) : null,
      note: e.note,
      publicComment: e.publicComment,
      reason: e.reason,
      data: e.data,
    })), outboundEntries(outbox, events, citizen?.language ?? "id", fullIdentity)),
    allowedActions: allowedActions(report, actor, ref.units, category),
  };
}

/** The newest outbound messages a report's officer view lists. */
const OUTBOUND_ON_TIMELINE = 500;

/**
 * Every message that left (or waits to leave) for a report, as timeline entries: its channel, template,
 * text and delivery status. The text is the one sent (recorded on the message_out event of the delivery)
 * or, before delivery, the template rendered in the citizen's language. Recipients are never shown; the
 * delivery error (which may quote an address or number) only to roles that see identities in full.
 */
function outboundEntries(outbox: OutboxRow[], events: ReportEvent[], language: Language, fullIdentity: boolean) {
  const sentText = new Map<number, string>();
  for (const e of events) if (e.type === "message_out" && typeof e.data.outboxId === "number" && typeof e.data.text === "string") sentText.set(e.data.outboxId, e.data.text);
  return outbox.map((row) => ({
    id: `outbox-${row.id}`,
    at: row.createdAt.toISOString(),
    type: "outbound_message" as const,
    outboxId: row.id,
    kind: row.kind,
    channel: row.channel,
    template: row.template,
    params: row.payload,
    text: sentText.get(row.id) ?? (row.kind === "citizen_message" ? renderSafely(row.template, row.payload, language) : null),
    status: row.status,
    attempts: row.attempts,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    error: fullIdentity ? row.lastError : null,
    // The event fields, empty, so every timeline entry has the same keys.
    actorUserId: null,
    actorRole: null,
    unit: null,
    fromState: null,
    toState: null,
    toUnit: null,
    note: null,
    publicComment: null,
    reason: null,
    data: null,
  }));
}

function renderSafely(template: string, payload: Record<string, unknown>, language: Language): string | null {
  try {
    return renderCitizenMessage(template as CitizenTemplate, payload as Record<string, string>, language);
  } catch {
    return null;
  }
}

/** Events and outbound messages in one timeline, oldest first (an event before a message of the same instant). */
function withOutbound<E extends { at: string }, M extends { at: string }>(events: E[], messages: M[]): Array<E | M> {
  const all: Array<{ entry: E | M; n: number }> = [...events, ...messages].map((entry, n) => ({ entry, n }));
  all.sort((a, b) => a.entry.at.localeCompare(b.entry.at) || a.n - b.n);
  return all.map((x) => x.entry);
}

function unitRef(ref: Reference, id: string) {
  const u = ref.units.get(id);
  return { id, name: u?.name ?? id, kind: u?.kind ?? null };
}

function pick(r: Report) {
  return {
    ticket: r.ticket,
    kind: r.kind,
    description: r.description,
    state: r.state,
    channel: r.channel,
    lat: r.lat,
    lon: r.lon,
    address: r.address,
    assigneeUserId: r.assigneeUserId,
    supportCount: r.supportCount,
    reopenCount: r.reopenCount,
    escalationLevel: r.escalationLevel,
    closeReason: r.closeReason,
    responsibleParty: r.responsibleParty,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface ListInput {
  state?: ReportState[];
  colour?: Colour;
  category?: string;
  unit?: string;
  channel?: string;
  overdue?: boolean;
  /** reopened at least once (true) or never (false) */
  reopened?: boolean;
  /** "me" or an officer's id: reports assigned to them (still within the caller's scope) */
  assignee?: string;
  /** a kelurahan code or a prefix of whole segments */
  kelurahan?: string;
  q?: string;
  redReason?: "waiting" | "reopened" | "coordination" | "disposition" | "triage";
  /** "now": held now by the caller's units or in the caller's area */
  held?: "now";
  createdAfter?: string;
  createdBefore?: string;
  cursor?: string;
  limit?: number;
}

/** The inbox's filters and the caller's read scope, as the store's filter (the list, the map and the CSV export). */
export function inboxFilter(actor: Actor, ref: Reference, input: Omit<ListInput, "cursor" | "limit">): Omit<ReportListFilter, "limit" | "cursor"> {
  const scope = readScope(actor, ref.units);
  return {
    state: input.state,
    colourStates: input.colour ? COLOUR_STATES[input.colour] : undefined,
    category: input.category,
    unit: input.unit,
    channel: input.channel,
    overdue: input.overdue,
    reopened: input.reopened,
    assigneeUserId: input.assignee === "me" ? actor.userId : input.assignee,
    kelurahan: input.kelurahan,
    q: input.q,
    redReason: input.redReason,
    createdAfter: input.createdAfter ? new Date(input.createdAfter) : undefined,
    createdBefore: input.createdBefore ? new Date(input.createdBefore) : undefined,
    scope: scope && { unitIds: [...scope.unitIds], regionPrefix: scope.regionPrefix, assigneeUserId: scope.assigneeUserId },
    heldBy: input.held === "now" && scope ? { unitIds: [...scope.unitIds], regionPrefix: scope.regionPrefix } : undefined,
  };
}

function listFilter(actor: Actor, ref: Reference, input: ListInput, limit: number): ReportListFilter {
  return { ...inboxFilter(actor, ref, input), cursor: input.cursor ? decodeCursor(input.cursor) : undefined, limit };
}

/** The inbox: reports the caller may see, newest first, with an opaque cursor. */
export async function listReportsForActor(ctx: AppContext, actor: Actor, input: ListInput, language: Language) {
  const ref = await ctx.reference.get();
  const limit = Math.min(input.limit ?? 50, 200);
  const rows = await listReports(ctx.pool, listFilter(actor, ref, input, limit + 1));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      ticket: r.ticket,
      state: r.state,
      label: STATE_LABEL[language][r.state],
      colour: STATE_COLOUR[r.state],
      kind: r.kind,
      description: r.description.length > 200 ? r.description.slice(0, 200) + "…" : r.description,
      category: r.categoryCode,
      channel: r.channel,
      kelurahan: r.kelurahanCode ? { code: r.kelurahanCode, name: ref.regionNames.get(r.kelurahanCode) ?? r.kelurahanCode } : null,
      holdingUnit: unitRef(ref, r.holdingUnitId),
      assigneeUserId: r.assigneeUserId,
      inCoordination: r.state === "coordination",
      overdue: r.overdue,
      reopenCount: r.reopenCount,
      supportCount: r.supportCount,
      lat: r.lat,
      lon: r.lon,
      createdAt: r.createdAt.toISOString(),
      resolutionDueAt: r.resolutionDueAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/**
 * Who the caller is and what they may read, for the workspace (the map draws the officer's area):
 * all = every report; else the units whose reports they see, the region whose located reports they
 * see (a Kemendagri prefix), and assigneeOnly when they see nothing but their own tasks (PPSU crews).
 */
export async function officerProfile(ctx: AppContext, actor: Actor) {
  const [ref, user] = await Promise.all([ctx.reference.get(), findUserById(ctx.pool, actor.userId)]);
  const scope = readScope(actor, ref.units);
  return {
    actor,
    user: { id: actor.userId, name: user?.name ?? null, email: user?.email ?? null, role: actor.role, unitId: actor.unitId, language: user?.language ?? "id" },
    unit: actor.unitId ? unitRef(ref, actor.unitId) : null,
    scope: {
      all: scope === null,
      unitIds: scope ? [...scope.unitIds].sort() : [],
      regionPrefix: scope?.regionPrefix ?? null,
      assigneeOnly: scope !== null && scope.unitIds.size === 0 && scope.regionPrefix === null,
    },
  };
}

/** At most this many points on the map: the newest of the filter. */
export const MAP_POINTS_LIMIT = 5000;

/**
 * The inbox's filters as a GeoJSON FeatureCollection of points for the officers' clustered map: the
 * newest located reports the caller may see, at their exact coordinates (officers only).
 */
export async function reportPointsForActor(ctx: AppContext, actor: Actor, input: Omit<ListInput, "cursor" | "limit">, language: Language) {
  const ref = await ctx.reference.get();
  const points = await listReportPoints(ctx.pool, listFilter(actor, ref, input, MAP_POINTS_LIMIT));
  return {
    type: "FeatureCollection" as const,
    features: points.map((r) => ({
      type: "Feature" as const,
      geometry: { type: "Point" as const, coordinates: [r.lon, r.lat] },
      properties: { ticket: r.ticket, colour: STATE_COLOUR[r.state], label: STATE_LABEL[language][r.state], state: r.state, category: r.categoryCode },
    })),
    truncated: points.length === MAP_POINTS_LIMIT,
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const createdAt = new Date(at);
    const year = createdAt.getUTCFullYear();
    if (Number.isNaN(year) || year < 2000 || year > 2200 || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error("bad cursor");
    return { createdAt, id };
  } catch {
    throw new DomainError("VALIDATION_FAILED", "invalid cursor");
  }
}
