import { canSeeReport, readScope, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { projectForOpen311, projectForPortal, projectForQlue } from "../domain/projection.ts";
import { allowedActions } from "../domain/report-lifecycle.ts";
import { STATE_COLOUR, STATE_LABEL, type Colour, type Language, type Report, type ReportState, REPORT_STATES } from "../domain/report.ts";
import { custodySegmentsFromEvents, heldTimeByUnit, slaStatus, workingDaysBetween } from "../domain/sla-clock.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { findCitizen } from "../store/citizens.store.ts";
import { findReportById, findReportByTicket, findReportVersion, listEvents, listReports, type ReportListFilter } from "../store/reports.store.ts";
import { listEvidenceFlags } from "../store/evidence.store.ts";
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
    description: report.description,
    category: category ? { code: category.code, name: language === "en" ? category.nameEn : category.nameId } : null,
    kelurahan: report.kelurahanCode ? { code: report.kelurahanCode, name: ref.regionNames.get(report.kelurahanCode) ?? report.kelurahanCode } : null,
    // The public sees the place to about 100 m, not the reporter's doorstep.
    location: report.lat !== null && report.lon !== null ? { lat: round(report.lat, 3), lon: round(report.lon, 3) } : null,
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
  const [events, uploads, citizen, evidenceFlags] = await Promise.all([
    listEvents(ctx.pool, report.id),
    listReportUploads(ctx.pool, report.id),
    report.citizenId ? findCitizen(ctx.pool, report.citizenId) : Promise.resolve(null),
    listEvidenceFlags(ctx.pool, report.id),
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
    timeline: events.map((e) => ({
      id: e.id,
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
    })),
    allowedActions: allowedActions(report, actor, ref.units, category),
  };
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

const COLOUR_STATES: Record<Colour, ReportState[]> = {
  red: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "red"),
  yellow: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "yellow"),
  green: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "green"),
  grey: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "grey"),
};

export interface ListInput {
  state?: ReportState[];
  colour?: Colour;
  category?: string;
  unit?: string;
  channel?: string;
  overdue?: boolean;
  q?: string;
  cursor?: string;
  limit?: number;
}

/** The inbox: reports the caller may see, newest first, with an opaque cursor. */
export async function listReportsForActor(ctx: AppContext, actor: Actor, input: ListInput, language: Language) {
  const ref = await ctx.reference.get();
  const scope = readScope(actor, ref.units);
  const limit = Math.min(input.limit ?? 50, 200);
  const filter: ReportListFilter = {
    state: input.state,
    colourStates: input.colour ? COLOUR_STATES[input.colour] : undefined,
    category: input.category,
    unit: input.unit,
    channel: input.channel,
    overdue: input.overdue,
    q: input.q,
    scope: scope && { unitIds: [...scope.unitIds], regionPrefix: scope.regionPrefix, assigneeUserId: scope.assigneeUserId },
    cursor: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: limit + 1,
  };
  const rows = await listReports(ctx.pool, filter);
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
