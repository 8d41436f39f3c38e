import { createHash } from "node:crypto";
import { canSeeReport, inRegion, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { allowedActions, decide, decideDispute, type TransitionCommand } from "../domain/report-lifecycle.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type Report } from "../domain/report.ts";
import { routeReport } from "../domain/routing.ts";
import { normalizeTicket } from "../domain/ticket.ts";
import { findCitizenByContact, linkCitizen, type CitizenContact } from "../store/citizens.store.ts";
import { withTransaction, type Queryable } from "../store/db.ts";
import { addSupport, findReportByTicket, insertEvents, updateReport } from "../store/reports.store.ts";
import { attachUploads, findUploads } from "../store/uploads.store.ts";
import { findUserById } from "../store/users.store.ts";
import type { AppContext } from "./context.ts";
import { checkFollowUpEvidence } from "./evidence-check.ts";
import type { Reference } from "./reference-cache.ts";
import { queueNotifications } from "./notify.ts";

export interface TransitionInput extends TransitionCommand {
  /** ticket of the original, for close with reason duplicate */
  duplicateOf?: string;
}

export function ticketOrThrow(ticket: string): string {
  const t = normalizeTicket(ticket);
  if (!t) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  return t;
}

/**
 * A route with a corrected category or place: the place is checked (a point must fall in one of
 * our kelurahan and agree with a kelurahan named with it), and without a unit named the report
 * goes where the category's rule sends it, with the rule's reason on the routing event.
 */
function routeByRule(ref: Reference, report: Report, input: TransitionInput): TransitionInput {
  let kelurahanCode = input.kelurahanCode;
  if ((input.lat === undefined) !== (input.lon === undefined)) throw new DomainError("VALIDATION_FAILED", "lat and lon go together");
  if (input.lat !== undefined && input.lon !== undefined) {
    const code = ref.kelurahanLocator.locate(input.lat, input.lon);
    if (!code || !inRegion(code, ref.deployment.provinceCode)) throw new DomainError("VALIDATION_FAILED", `the point is outside ${ref.deployment.name}`);
    if (kelurahanCode && kelurahanCode !== code) throw new DomainError("VALIDATION_FAILED", `the point lies in ${code}, not in ${kelurahanCode}`);
    kelurahanCode = code;
  }
  if (kelurahanCode && ref.units.territorialUnitFor(kelurahanCode)?.kind !== "kelurahan")
    throw new DomainError("VALIDATION_FAILED", `unknown kelurahan ${kelurahanCode}`);
  if (input.unitId) return { ...input, kelurahanCode };
  const category = input.categoryCode ? ref.categories.get(input.categoryCode) : report.categoryCode ? ref.categories.get(report.categoryCode) : undefined;
  if (input.categoryCode && !category?.active) throw new DomainError("CATEGORY_NOT_FOUND", `unknown category ${input.categoryCode}`);
  const routed = routeReport({ kind: report.kind, category: category ?? null, kelurahanCode: kelurahanCode ?? report.kelurahanCode, units: ref.units });
  if (!routed || routed.state !== "waiting")
    throw new DomainError("VALIDATION_FAILED", `name a unit: the category and place do not decide one (${routed?.reason ?? "no rule"})`);
  return { ...input, kelurahanCode, unitId: routed.unit.id, reason: input.reason ?? routed.reason };
}

/**
 * An officer moves a report through its lifecycle. The row is locked, the pure rules decide,
 * and the new state, its events and the messages it causes are written in one transaction.
 */
export async function transitionReport(ctx: AppContext, actor: Actor, ticket: string, input: TransitionInput) {
  const ref = await ctx.reference.get();
  const t = ticketOrThrow(ticket);
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t, { forUpdate: true });
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    if (!canSeeReport(actor, report, ref.units) && actor.role !== "jsc_admin")
      throw new DomainError("FORBIDDEN", "this report is outside your scope");
    const photos = input.photos ?? [];
    if (photos.length) {
      const found = await findUploads(tx, photos);
      if (found.length !== new Set(photos).size || found.some((u) => u.reportId && u.reportId !== report.id))
        throw new DomainError("VALIDATION_FAILED", "photos must be ids returned by /api/v1/uploads");
    }
    if (input.action === "route") input = routeByRule(ref, report, input);
    const assignee = input.assigneeUserId ? await findUserById(tx, input.assigneeUserId) : null;
    const duplicate = input.duplicateOf ? await findReportByTicket(tx, normalizeTicket(input.duplicateOf) ?? "") : null;
    if (input.duplicateOf && !duplicate) throw new DomainError("VALIDATION_FAILED", "duplicateOf names no known report");
    const now = ctx.now();
    const decision = decide(report, actor, input, {
      now,
      units: ref.units,
      category: report.categoryCode ? (ref.categories.get(report.categoryCode) ?? null) : null,
      newCategory: input.categoryCode ? (ref.categories.get(input.categoryCode) ?? null) : undefined,
      assignee: assignee && { id: assignee.id, role: assignee.role, unitId: assignee.unitId, active: assignee.active },
      duplicateOf: duplicate && { id: duplicate.id, ticket: duplicate.ticket, state: duplicate.state },
      deadlines: ref.deadlines,
    });
    if (!decision.ok) throw decision.error;
    const updated = await updateReport(tx, report, decision.value.patch, now);
    const eventIds = await insertEvents(tx, report.id, { userId: actor.userId, role: actor.role, citizenId: null }, decision.value.events, now);
    // Evidence integrity (issue #4): flags for the validator on the follow-up's photos, never a refusal; before attaching them.
    if (input.action === "submit_follow_up" && photos.length) await checkFollowUpEvidence(ctx, tx, report, photos);
    await attachUploads(tx, photos, report.id, eventIds[0] ?? null);
    await queueNotifications(tx, updated, eventIds[0] ?? null, decision.value.notifications);
    const category = updated.categoryCode ? (ref.categories.get(updated.categoryCode) ?? null) : null;
    return present(updated, ref.deployment.defaultLanguage, allowedActions(updated, actor, ref.units, category));
  });
}

function present(report: { ticket: string; state: keyof typeof STATE_COLOUR; holdingUnitId: string }, language: Language, actions?: string[]) {
  return {
    ticket: report.ticket,
    state: report.state,
    label: STATE_LABEL[language][report.state],
    colour: STATE_COLOUR[report.state],
    holdingUnitId: report.holdingUnitId,
    ...(actions ? { allowedActions: actions } : {}),
  };
}

/** A citizen disputes the follow-up of a done report (Balai Warga, or a low rating from a channel). */
export async function disputeReport(ctx: AppContext, ticket: string, input: { reason: string; contact: CitizenContact; channel?: string }) {
  const ref = await ctx.reference.get();
  const t = ticketOrThrow(ticket);
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t, { forUpdate: true });
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    const category = report.categoryCode ? (ref.categories.get(report.categoryCode) ?? null) : null;
    // Only the reporter may dispute some categories: link the contact without creating a citizen then.
    const citizenId = category?.disputePolicy === "any_citizen" ? await linkCitizen(tx, input.contact, ctx.newId) : await findCitizenByContact(tx, input.contact);
    const updated = await applyDispute(ctx, tx, report, citizenId, input.reason, input.channel ?? "portal");
    return present(updated, ref.deployment.defaultLanguage);
  });
}

/**
 * A dispute inside the caller's transaction (the report row is locked by the caller): the rules
 * decide, and the reopen, its events and messages are written. Throws the rule's error when refused.
 */
export async function applyDispute(ctx: AppContext, tx: Queryable, report: Report, citizenId: string | null, reason: string, channel: string): Promise<Report> {
  const ref = await ctx.reference.get();
  const category = report.categoryCode ? (ref.categories.get(report.categoryCode) ?? null) : null;
  const now = ctx.now();
  const decision = decideDispute(report, { reason, citizenId }, { now, units: ref.units, category, deadlines: ref.deadlines });
  if (!decision.ok) throw decision.error;
  const updated = await updateReport(tx, report, decision.value.patch, now);
  const eventIds = await insertEvents(tx, report.id, { userId: null, role: "citizen", citizenId }, decision.value.events.map((e) =>
    e.type === "disputed" ? { ...e, data: { ...e.data, channel } } : e), now);
  await queueNotifications(tx, updated, eventIds[0] ?? null, decision.value.notifications);
  return updated;
}

/**
 * The key a supporter is counted under (an e-mail address, a phone number, or the portal's
 * ip|user-agent fallback): one person is counted once whichever way they support.
 */
export function supporterKey(who: string): string {
  return createHash("sha256").update(who.trim().toLowerCase()).digest("hex");
}

/** "I have this problem too": one +1 per supporter. */
export async function supportReport(ctx: AppContext, ticket: string, key: string) {
  const t = ticketOrThrow(ticket);
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t, { forUpdate: true });
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    if (report.state === "closed") throw new DomainError("CONFLICT", "a closed report takes no more support");
    const added = await addSupport(tx, report.id, key);
    if (added) {
      await insertEvents(tx, report.id, { userId: null, role: "citizen", citizenId: null }, [
        { type: "supported", unitId: report.holdingUnitId, fromState: report.state, toState: report.state, fromUnitId: null, toUnitId: null,
          note: null, publicComment: null, reason: null, data: {} },
      ], ctx.now());
    }
    return { ticket: report.ticket, supportCount: report.supportCount + (added ? 1 : 0), added };
  });
}
