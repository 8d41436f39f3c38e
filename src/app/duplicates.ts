/**
 * "Is it new" (issue #4): duplicate candidates offered before submit on the portal and to officers,
 * and an officer linking a duplicate to its original.
 *
 * Linking closes the duplicate through the lifecycle's own `close` rule (reason `duplicate`), counts
 * its reporter and supporters as supporters of the original, and notes the link on the original's
 * timeline, all in one transaction. Nothing is copied or moved: each message stays on the report it
 * arrived on, the original lists its linked duplicates with their timelines, and the reporters of
 * linked duplicates hear of the original's changes (src/store/duplicates.store.ts followerMessages).
 */
import { canSeeReport, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { publicCoordinate, scrubPublicText } from "../domain/projection.ts";
import { decide } from "../domain/report-lifecycle.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type Report } from "../domain/report.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { findCitizen } from "../store/citizens.store.ts";
import { withTransaction, type Queryable } from "../store/db.ts";
import {
  findDuplicateCandidates,
  listLinkedDuplicates,
  lockReportPair,
  moveSupportsToOriginal,
  type CandidateProbe,
  type CandidateRow,
} from "../store/duplicates.store.ts";
import { findReportById, findReportByTicket, insertEvents, listEvents, updateReport } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { queueNotifications } from "./notify.ts";
import type { Reference } from "./reference-cache.ts";
import { supporterKey, ticketOrThrow } from "./transition-report.ts";

/**
 * A candidate at or above this score is "likely the same report": the portal asks the citizen to
 * support it instead, the officer view marks it. Chosen on data/triage/duplicates-eval.json
 * (test/duplicates-eval.test.ts reports precision and recall there).
 */
export const DUPLICATE_SCORE_THRESHOLD = 0.4;

/** The text compared: enough words to recognise the problem, bounded so a long text stays cheap. */
const MAX_PROBE_TEXT = 500;
/** The public sees an excerpt of a candidate's description, like the start of its public page. */
const EXCERPT_CHARS = 160;
/** The public sees distances to 50 m, no finer than the place it sees (3 decimals, about 100 m). */
const PUBLIC_DISTANCE_STEP_M = 50;

export interface CandidateQuery {
  lat?: number;
  lon?: number;
  description?: string;
  category?: string;
  kelurahan?: string;
}

function categoryRef(ref: Reference, code: string | null, language: Language) {
  const c = code ? ref.categories.get(code) : undefined;
  return c ? { code: c.code, name: language === "en" ? c.nameEn : c.nameId } : null;
}

function kelurahanRef(ref: Reference, code: string | null) {
  return code ? { code, name: ref.regionNames.get(code) ?? code } : null;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function excerpt(text: string, language: Language): string | null {
  const clean = scrubPublicText(text.replace(/\s+/g, " "), language);
  if (!clean) return null;
  return clean.length > EXCERPT_CHARS ? `${clean.slice(0, EXCERPT_CHARS - 1).trimEnd()}…` : clean;
}

/** What anyone may see of a candidate: state, category, place to about 100 m, age, support, an excerpt. */
function publicCandidate(ref: Reference, c: CandidateRow, language: Language) {
  return {
    ticket: c.ticket,
    state: c.state,
    label: STATE_LABEL[language][c.state],
    colour: STATE_COLOUR[c.state],
    category: categoryRef(ref, c.categoryCode, language),
    kelurahan: kelurahanRef(ref, c.kelurahanCode),
    location: c.lat !== null && c.lon !== null ? { lat: publicCoordinate(c.lat), lon: publicCoordinate(c.lon) } : null,
    distanceM: c.distanceM === null ? null : Math.round(c.distanceM / PUBLIC_DISTANCE_STEP_M) * PUBLIC_DISTANCE_STEP_M,
    excerpt: excerpt(c.description, language),
    createdAt: c.createdAt.toISOString(),
    supportCount: c.supportCount,
    similarity: round(c.similarity, 2),
    score: round(c.score, 2),
    likely: c.score >= DUPLICATE_SCORE_THRESHOLD,
  };
}

function checkCategory(ref: Reference, code: string | undefined): string | null {
  if (!code) return null;
  if (!ref.categories.get(code)) throw new DomainError("CATEGORY_NOT_FOUND", `unknown category ${code}`);
  return code;
}

/**
 * The portal, before submit: reports the citizen's new one may duplicate, public fields only. One indexed
 * query; nothing is written, so it is as cheap as a status lookup.
 */
export async function publicDuplicateCandidates(ctx: AppContext, input: CandidateQuery, language: Language) {
  const ref = await ctx.reference.get();
  const categoryCode = checkCategory(ref, input.category);
  if (input.kelurahan && !ref.regionNames.has(input.kelurahan)) throw new DomainError("VALIDATION_FAILED", `unknown kelurahan ${input.kelurahan}`);
  const rows = await findDuplicateCandidates(ctx.pool, {
    lat: input.lat ?? null,
    lon: input.lon ?? null,
    description: input.description?.slice(0, MAX_PROBE_TEXT) ?? null,
    categoryCode,
    kelurahanCode: input.kelurahan ?? null,
    at: ctx.now(),
  });
  return { threshold: DUPLICATE_SCORE_THRESHOLD, items: rows.map((c) => publicCandidate(ref, c, language)) };
}

async function visibleReport(ctx: AppContext, ref: Reference, actor: Actor, ticket: string): Promise<Report> {
  const report = await findReportByTicket(ctx.pool, ticketOrThrow(ticket));
  if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  if (!canSeeReport(actor, report, ref.units)) throw new DomainError("FORBIDDEN", "this report is outside your scope");
  return report;
}

function probeOf(report: Report): CandidateProbe {
  return {
    lat: report.lat,
    lon: report.lon,
    description: report.description.slice(0, MAX_PROBE_TEXT),
    categoryCode: report.categoryCode,
    kelurahanCode: report.kelurahanCode,
    at: report.createdAt,
    excludeReportId: report.id,
  };
}

/**
 * The officer view of a report's duplicates: the candidates around it (exact distance; the full
 * description of those the officer may open), the original it was linked to, and the reports
 * linked to it with their own timelines, so merging never hides a message.
 */
export async function officerDuplicates(ctx: AppContext, actor: Actor, ticket: string, language: Language) {
  const ref = await ctx.reference.get();
  const report = await visibleReport(ctx, ref, actor, ticket);
  const [rows, linked, original] = await Promise.all([
    findDuplicateCandidates(ctx.pool, probeOf(report)),
    listLinkedDuplicates(ctx.pool, report.id),
    report.duplicateOf ? findReportById(ctx.pool, report.duplicateOf) : Promise.resolve(null),
  ]);
  const candidates = rows.map((c) => {
    const canOpen = canSeeReport(actor, c, ref.units);
    return {
      ...publicCandidate(ref, c, language),
      location: c.lat !== null && c.lon !== null ? { lat: c.lat, lon: c.lon } : null,
      distanceM: c.distanceM === null ? null : Math.round(c.distanceM),
      similarity: round(c.similarity, 3),
      score: round(c.score, 3),
      description: canOpen ? c.description : null,
      canOpen,
    };
  });
  const linkedViews = await Promise.all(linked.map(async (d) => ({
    ticket: d.ticket,
    channel: d.channel,
    createdAt: d.createdAt.toISOString(),
    /** 1 = linked to this report; 2 = linked to one of its duplicates */
    depth: d.depth,
    timeline: (await listEvents(ctx.pool, d.id)).map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      type: e.type,
      actorRole: e.actorRole,
      unit: e.unitId ? { id: e.unitId, name: ref.units.get(e.unitId)?.name ?? e.unitId } : null,
      fromState: e.fromState,
      toState: e.toState,
      note: e.note,
      publicComment: e.publicComment,
      reason: e.reason,
      data: e.data,
    })),
  })));
  return { ticket: report.ticket, threshold: DUPLICATE_SCORE_THRESHOLD, duplicateOf: original?.ticket ?? null, candidates, linked: linkedViews };
}

/**
 * The key the duplicate's reporter is counted under as a supporter: the same key the portal's
 * support button uses for an e-mail address (so one person is counted once either way), else the
 * citizen, else (an anonymous report) the duplicate itself.
 */
async function reporterSupportKey(q: Queryable, duplicate: Report, original: Report): Promise<string | null> {
  if (!duplicate.citizenId) return `duplicate:${duplicate.id}`;
  if (duplicate.citizenId === original.citizenId) return null;
  const citizen = await findCitizen(q, duplicate.citizenId);
  return citizen?.email ? supporterKey(citizen.email) : `citizen:${duplicate.citizenId}`;
}

export interface LinkInput {
  /** the original's ticket */
  original: string;
  note?: string;
  publicComment?: string;
}

/**
 * An officer links a duplicate to its original. The lifecycle decides (role, scope, state: a
 * closed or done report is not closed again); the original must not be closed. One transaction:
 * the duplicate closed with its event and its reporter's message naming the original, the
 * original's supporters counted, and an event on the original naming the duplicate.
 */
export async function linkDuplicate(ctx: AppContext, actor: Actor, ticket: string, input: LinkInput) {
  const ref = await ctx.reference.get();
  const duplicateTicket = ticketOrThrow(ticket);
  const originalTicket = normalizeTicket(input.original);
  if (!originalTicket) throw new DomainError("VALIDATION_FAILED", "ticket must be a ticket number such as JKT-260412-0073");
  if (originalTicket === duplicateTicket) throw new DomainError("VALIDATION_FAILED", "a report cannot duplicate itself");
  return withTransaction(ctx.pool, async (tx) => {
    const locked = await lockReportPair(tx, [duplicateTicket, originalTicket]);
    const duplicate = locked.get(duplicateTicket);
    const original = locked.get(originalTicket);
    if (!duplicate) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    if (!original) throw new DomainError("REPORT_NOT_FOUND", `no report with ticket ${originalTicket}`);
    if (!canSeeReport(actor, duplicate, ref.units)) throw new DomainError("FORBIDDEN", "this report is outside your scope");
    if (original.state === "closed")
      throw new DomainError("CONFLICT", original.duplicateOf ? `${original.ticket} is itself a linked duplicate; link to its original` : `${original.ticket} is closed`);
    const now = ctx.now();
    const decision = decide(duplicate, actor, { action: "close", closeReason: "duplicate", note: input.note, publicComment: input.publicComment }, {
      now,
      units: ref.units,
      category: duplicate.categoryCode ? (ref.categories.get(duplicate.categoryCode) ?? null) : null,
      duplicateOf: { id: original.id, ticket: original.ticket, state: original.state },
      deadlines: ref.deadlines,
    });
    if (!decision.ok) throw decision.error;
    const closed = await updateReport(tx, duplicate, decision.value.patch, now);
    const actorRef = { userId: actor.userId, role: actor.role, citizenId: null };
    const eventIds = await insertEvents(tx, duplicate.id, actorRef, decision.value.events, now);
    await queueNotifications(tx, closed, eventIds[0] ?? null, decision.value.notifications);
    const added = await moveSupportsToOriginal(tx, duplicate.id, original.id, await reporterSupportKey(tx, duplicate, original));
    await insertEvents(tx, original.id, actorRef, [{
      type: "supported", unitId: original.holdingUnitId, fromState: original.state, toState: original.state, fromUnitId: null, toUnitId: null,
      note: `Laporan ${duplicate.ticket} ditautkan sebagai duplikat`, publicComment: null, reason: "duplicate_linked",
      data: { duplicateTicket: duplicate.ticket, duplicateReportId: duplicate.id, supportersAdded: added },
    }], now);
    return {
      ticket: closed.ticket,
      state: closed.state,
      label: STATE_LABEL[ref.deployment.defaultLanguage][closed.state],
      colour: STATE_COLOUR[closed.state],
      duplicateOf: { ticket: original.ticket, supportCount: original.supportCount + added },
      supportersAdded: added,
    };
  });
}
