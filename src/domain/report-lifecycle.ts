import { actsFor, type Actor, type Role } from "./access-policy.ts";
import { fail, ok, type Result } from "./errors.ts";
import {
  CLOSE_REASONS,
  type Category,
  type CloseReason,
  type EventType,
  type Report,
  type ReportState,
} from "./report.ts";
import type { UnitDirectory } from "./units.ts";

/**
 * The report lifecycle of docs/domain.md as one table: for each action, the states it may start
 * from, the roles allowed, whose unit the actor must act for, the guard and the effect.
 * `decide` is the one pure function that reads it.
 */

export const ACTIONS = [
  "route",
  "take_up",
  "coordinate",
  "accept_coordination",
  "refuse_coordination",
  "dispose",
  "assign",
  "submit_follow_up",
  "validate",
  "reject_follow_up",
  "close",
  "reopen",
] as const;
export type Action = (typeof ACTIONS)[number];

export interface TransitionCommand {
  action: Action;
  /** target unit for route, coordinate, dispose */
  unitId?: string;
  note?: string;
  publicComment?: string;
  reason?: string;
  closeReason?: CloseReason;
  responsibleParty?: string;
  photos?: string[];
  assigneeUserId?: string;
  /** a category correction when routing from triage */
  categoryCode?: string;
  /** a place correction when routing: the kelurahan (checked by the use case), and the point when given */
  kelurahanCode?: string;
  lat?: number;
  lon?: number;
}

/** What the rules need to know beyond the report itself; loaded by the use case. */
export interface DecisionContext {
  now: Date;
  units: UnitDirectory;
  category: Category | null;
  /** the category named by command.categoryCode, when given */
  newCategory?: Category | null;
  /** the user named by command.assigneeUserId */
  assignee?: { id: string; role: Role; unitId: string | null; active: boolean } | null;
  /** the original report, for close with reason duplicate */
  duplicateOf?: { id: string; ticket: string; state: ReportState } | null;
  /** SLA deadlines for a category counted from an instant (the working-day clock, passed in) */
  deadlines?: (category: Category | null, from: Date) => { firstActionDueAt: Date; resolutionDueAt: Date };
}

/** A notification the use case turns into an outbox row in the same transaction. */
export type Notification =
  | { to: "citizen"; template: CitizenTemplate; params: Record<string, string | number | null> }
  | { to: "unit"; unitId: string; template: UnitTemplate; params: Record<string, string | number | null> };

export type CitizenTemplate =
  | "received"
  | "taken_up"
  | "coordinated"
  | "done"
  | "closed"
  | "dispute_accepted"
  | "reopened"
  | "status_reply"
  | "unknown_ticket";
export type UnitTemplate =
  | "new_report"
  | "report_rerouted"
  | "coordination_request"
  | "coordination_refused"
  | "disposition_received"
  | "task_assigned"
  | "follow_up_to_validate"
  | "follow_up_rejected"
  | "report_reopened"
  | "escalation"
  | "sla_breached"
  | "citizen_message";

export interface NewEvent {
  type: EventType;
  unitId: string | null;
  fromState: ReportState | null;
  toState: ReportState | null;
  fromUnitId: string | null;
  toUnitId: string | null;
  note: string | null;
  publicComment: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

export interface Decision {
  patch: Partial<Report>;
  events: NewEvent[];
  notifications: Notification[];
}

/** Whose unit the actor must act for. */
type Scope =
  /** the unit holding the report */
  | "holder"
  /** the unit holding it, or the user assigned to it */
  | "holder_or_assignee"
  /** an ancestor of (or the same unit as) the holder: validators, supervisors */
  | "above_holder"
  /** the desk: only the admin role passes */
  | "desk";

interface TransitionRule {
  action: Action;
  from: readonly ReportState[];
  roles: readonly Role[];
  scope: Scope;
  /** whether the action can apply to this report at all (e.g. a unit with nothing below it cannot dispose) */
  applicable?(report: Report, units: UnitDirectory, ctx?: Pick<DecisionContext, "category">): boolean;
  /** extra checks on the command and context; returns an error or the effect */
  apply(report: Report, cmd: TransitionCommand, ctx: DecisionContext, actor: Actor): Result<Decision>;
}

const OFFICERS: readonly Role[] = ["kelurahan_officer", "agency_officer"];

export const TRANSITIONS: readonly TransitionRule[] = [
  {
    action: "route",
    from: ["triage", "waiting"],
    roles: ["jsc_admin"],
    scope: "desk",
    apply(report, cmd, ctx) {
      const target = requireUnit(cmd.unitId, ctx);
      if (!target.ok) return target;
      if (target.value.kind === "triage") return fail("VALIDATION_FAILED", "route to a responsible unit, not the triage desk");
      if (cmd.categoryCode && !ctx.newCategory) return fail("CATEGORY_NOT_FOUND", `unknown category ${cmd.categoryCode}`);
      const patch: Partial<Report> = {
        state: "waiting",
        holdingUnitId: target.value.id,
        handoverFromUnitId: null,
        stateBeforeHandover: null,
        assigneeUserId: null,
        involvedUnitIds: addUnit(report.involvedUnitIds, target.value.id),
      };
      if (ctx.newCategory) patch.categoryCode = ctx.newCategory.code;
      if (cmd.kelurahanCode) patch.kelurahanCode = cmd.kelurahanCode;
      if (cmd.lat !== undefined && cmd.lon !== undefined) Object.assign(patch, { lat: cmd.lat, lon: cmd.lon });
      // The clock restarts at the responsible unit with the (possibly corrected) category's targets.
      if (ctx.deadlines)
        Object.assign(patch, ctx.deadlines(ctx.newCategory ?? ctx.category, ctx.now), { overdue: false, firstActionBreached: false, resolutionBreached: false });
      return ok(
        decision(patch, [
          event(report, "routed", { toState: "waiting", toUnitId: target.value.id, cmd,
            data: { category: patch.categoryCode ?? report.categoryCode, kelurahanCode: patch.kelurahanCode ?? report.kelurahanCode } }),
        ], [
          { to: "unit", unitId: target.value.id, template: "new_report", params: { ticket: report.ticket } },
          ...(report.holdingUnitId !== target.value.id && report.state === "waiting"
            ? [{ to: "unit" as const, unitId: report.holdingUnitId, template: "report_rerouted" as const, params: { ticket: report.ticket, to: target.value.name } }]
            : []),
        ]),
      );
    },
  },
  {
    action: "take_up",
    from: ["waiting", "disposition"],
    roles: OFFICERS,
    scope: "holder",
    apply(report, cmd, ctx) {
      return ok(
        decision(
          { state: "in_progress", handoverFromUnitId: null, stateBeforeHandover: null, ...firstAction(report, ctx) },
          [event(report, "taken_up", { toState: "in_progress", cmd })],
          [{ to: "citizen", template: "taken_up", params: { ticket: report.ticket, unit: unitName(ctx, report.holdingUnitId) } }],
        ),
      );
    },
  },
  {
    action: "coordinate",
    from: ["waiting", "in_progress"],
    roles: OFFICERS,
    scope: "holder",
    apply(report, cmd, ctx) {
      const target = requireUnit(cmd.unitId, ctx);
      if (!target.ok) return target;
      if (target.value.id === report.holdingUnitId) return fail("VALIDATION_FAILED", "cannot coordinate a report to the unit that holds it");
      if (target.value.kind === "triage") return fail("VALIDATION_FAILED", "the triage desk does not take coordinations");
      if (ctx.units.isWithin(target.value.id, report.holdingUnitId))
        return fail("VALIDATION_FAILED", "a unit below the holder receives a disposition, not a coordination");
      const reason = required(firstFilled(cmd.reason, cmd.note), "reason");
      if (!reason.ok) return reason;
      return ok(
        decision(
          handover(report, "coordination", target.value.id, ctx),
          [event(report, "coordinated", { toState: "coordination", toUnitId: target.value.id, cmd })],
          [
            { to: "unit", unitId: target.value.id, template: "coordination_request", params: { ticket: report.ticket, from: unitName(ctx, report.holdingUnitId) } },
            { to: "citizen", template: "coordinated", params: { ticket: report.ticket, unit: target.value.name } },
          ],
        ),
      );
    },
  },
  {
    action: "accept_coordination",
    from: ["coordination"],
    roles: OFFICERS,
    scope: "holder",
    apply(report, cmd, ctx) {
      return ok(
        decision(
          { state: "in_progress", stateBeforeHandover: null, handoverFromUnitId: null, ...firstAction(report, ctx) },
          [event(report, "coordination_accepted", { toState: "in_progress", cmd, data: { from: report.handoverFromUnitId } })],
          [{ to: "citizen", template: "taken_up", params: { ticket: report.ticket, unit: unitName(ctx, report.holdingUnitId) } }],
        ),
      );
    },
  },
  {
    action: "refuse_coordination",
    from: ["coordination", "disposition"],
    roles: OFFICERS,
    scope: "holder",
    apply(report, cmd) {
      const reason = required(cmd.reason, "reason");
      if (!reason.ok) return reason;
      const sender = report.handoverFromUnitId;
      if (!sender) return fail("INVALID_TRANSITION", "this report has no sender to return it to");
      const back = report.stateBeforeHandover ?? "waiting";
      return ok(
        decision(
          { state: back, holdingUnitId: sender, handoverFromUnitId: null, stateBeforeHandover: null, assigneeUserId: null },
          [event(report, "coordination_refused", { toState: back, toUnitId: sender, cmd })],
          [{ to: "unit", unitId: sender, template: "coordination_refused", params: { ticket: report.ticket, reason: reason.value } }],
        ),
      );
    },
  },
  {
    action: "dispose",
    from: ["waiting", "in_progress"],
    roles: ["agency_officer", "supervisor"],
    scope: "holder",
    applicable(report, units) {
      const holder = units.get(report.holdingUnitId);
      if (!holder) return false;
      if (holder.kind === "agency" || holder.kind === "sub_office") return true;
      return units.all().some((u) => u.id !== holder.id && u.active && units.isWithin(u.id, holder.id));
    },
    apply(report, cmd, ctx) {
      const target = requireUnit(cmd.unitId, ctx);
      if (!target.ok) return target;
      const holder = ctx.units.get(report.holdingUnitId);
      if (target.value.id === report.holdingUnitId) return fail("VALIDATION_FAILED", "cannot dispose a report to the unit that holds it");
      const below = ctx.units.isWithin(target.value.id, report.holdingUnitId);
      // An agency may also hand a report down to a kelurahan (PPSU) in the area it serves.
      const toKelurahan =
        target.value.kind === "kelurahan" &&
        (holder?.kind === "agency" ||
          (holder?.kind === "sub_office" && !!holder.regionCode && !!target.value.regionCode &&
            (target.value.regionCode === holder.regionCode || target.value.regionCode.startsWith(holder.regionCode + "."))));
      if (!below && !toKelurahan)
        return fail("VALIDATION_FAILED", "a disposition goes down: to a sub-office of the agency or a kelurahan it serves");
      return ok(
        decision(
          handover(report, "disposition", target.value.id, ctx),
          [event(report, "disposed", { toState: "disposition", toUnitId: target.value.id, cmd })],
          [{ to: "unit", unitId: target.value.id, template: "disposition_received", params: { ticket: report.ticket, from: unitName(ctx, report.holdingUnitId) } }],
        ),
      );
    },
  },
  {
    action: "assign",
    from: ["waiting", "disposition", "in_progress", "follow_up_rejected"],
    roles: ["kelurahan_officer", "agency_officer", "supervisor"],
    scope: "holder",
    apply(report, cmd, ctx) {
      const a = ctx.assignee;
      if (!cmd.assigneeUserId || !a || !a.active) return fail("VALIDATION_FAILED", "assignee must be an active officer");
      if (!a.unitId || !ctx.units.isWithin(a.unitId, report.holdingUnitId))
        return fail("VALIDATION_FAILED", "the assignee must belong to the unit holding the report");
      if (a.role === "ppsu_crew" && !ctx.category?.ppsuAllowed)
        return fail("VALIDATION_FAILED", "PPSU crews may not handle this category");
      if (a.role !== "ppsu_crew" && a.role !== "kelurahan_officer" && a.role !== "agency_officer")
        return fail("VALIDATION_FAILED", "only field officers and PPSU crews take assignments");
      const state: ReportState = report.state === "waiting" || report.state === "disposition" ? "in_progress" : report.state;
      return ok(
        decision(
          {
            state,
            assigneeUserId: a.id,
            // Assigning takes the report up: a pending handover is settled, as with take_up.
            ...(state !== report.state ? { handoverFromUnitId: null, stateBeforeHandover: null } : {}),
            ...firstAction(report, ctx),
          },
          [event(report, "assigned", { toState: state, cmd, data: { assigneeUserId: a.id, assigneeRole: a.role } })],
          [{ to: "unit", unitId: report.holdingUnitId, template: "task_assigned", params: { ticket: report.ticket, assigneeUserId: a.id } }],
        ),
      );
    },
  },
  {
    action: "submit_follow_up",
    from: ["in_progress", "follow_up_rejected"],
    roles: ["kelurahan_officer", "agency_officer", "ppsu_crew"],
    scope: "holder_or_assignee",
    apply(report, cmd, ctx, actor) {
      if (!cmd.photos || cmd.photos.length === 0) return fail("VALIDATION_FAILED", "a follow-up needs at least one evidence photo");
      const summary = required(firstFilled(cmd.note, cmd.publicComment), "note");
      if (!summary.ok) return summary;
      return ok(
        decision(
          { state: "awaiting_validation", followUpUnitId: report.holdingUnitId, followUpBy: actor.userId },
          [event(report, "follow_up_submitted", { toState: "awaiting_validation", cmd, data: { photos: cmd.photos } })],
          [{ to: "unit", unitId: report.holdingUnitId, template: "follow_up_to_validate", params: { ticket: report.ticket } }],
        ),
      );
    },
  },
  {
    action: "validate",
    from: ["awaiting_validation"],
    roles: ["validator", "supervisor"],
    scope: "above_holder",
    apply(report, cmd, ctx, actor) {
      if (report.followUpBy === actor.userId) return fail("FORBIDDEN", "a follow-up is validated by someone other than its author");
      return ok(
        decision(
          { state: "done", doneAt: ctx.now, overdue: false },
          [event(report, "follow_up_validated", { toState: "done", cmd })],
          [{ to: "citizen", template: "done", params: { ticket: report.ticket, summary: cmd.publicComment ?? null } }],
        ),
      );
    },
  },
  {
    action: "reject_follow_up",
    from: ["awaiting_validation"],
    roles: ["validator", "supervisor"],
    scope: "above_holder",
    apply(report, cmd, _ctx, actor) {
      if (report.followUpBy === actor.userId) return fail("FORBIDDEN", "a follow-up is validated by someone other than its author");
      const reason = required(cmd.reason, "reason");
      if (!reason.ok) return reason;
      return ok(
        decision(
          { state: "follow_up_rejected" },
          [event(report, "follow_up_rejected", { toState: "follow_up_rejected", cmd })],
          [{ to: "unit", unitId: report.holdingUnitId, template: "follow_up_rejected", params: { ticket: report.ticket, reason: reason.value } }],
        ),
      );
    },
  },
  {
    action: "close",
    from: ["triage", "waiting", "coordination", "disposition", "in_progress", "follow_up_rejected"],
    roles: OFFICERS,
    scope: "holder",
    apply(report, cmd, ctx) {
      const why = cmd.closeReason ?? (CLOSE_REASONS as readonly string[]).find((r) => r === cmd.reason);
      if (!why) return fail("VALIDATION_FAILED", `closeReason must be one of ${CLOSE_REASONS.join(", ")}`);
      const patch: Partial<Report> = { state: "closed", closeReason: why as CloseReason, closedAt: ctx.now, ...firstAction(report, ctx) };
      const data: Record<string, unknown> = { closeReason: why };
      if (why === "duplicate") {
        const original = ctx.duplicateOf;
        if (!original) return fail("VALIDATION_FAILED", "a duplicate names its original report (duplicateOf)");
        if (original.id === report.id) return fail("VALIDATION_FAILED", "a report cannot duplicate itself");
        patch.duplicateOf = original.id;
        data.duplicateOfTicket = original.ticket;
      } else if (why === "outside_jurisdiction") {
        const party = cmd.responsibleParty?.trim() || (cmd.unitId ? ctx.units.get(cmd.unitId)?.name : undefined);
        if (!party) return fail("VALIDATION_FAILED", "outside_jurisdiction names who is responsible (responsibleParty or unit)");
        patch.responsibleParty = party;
        data.responsibleParty = party;
      } else {
        const explained = required(firstFilled(cmd.publicComment, cmd.note), "publicComment");
        if (!explained.ok) return explained;
      }
      return ok(
        decision(patch, [event(report, "closed", { toState: "closed", cmd, data })], [
          { to: "citizen", template: "closed", params: { ticket: report.ticket, reason: why, responsibleParty: patch.responsibleParty ?? null, duplicateOf: (data.duplicateOfTicket as string | undefined) ?? null } },
        ]),
      );
    },
  },
  {
    action: "reopen",
    from: ["done", "closed"],
    roles: ["supervisor", "validator"],
    scope: "above_holder",
    apply(report, cmd, ctx) {
      const reason = required(cmd.reason, "reason");
      if (!reason.ok) return reason;
      return ok(reopenDecision(report, ctx, { type: "reopened", cmd, citizenTemplate: "reopened" }));
    },
  },
];

const RULES = new Map(TRANSITIONS.map((t) => [t.action, t]));

/** Which actions this actor could start on this report now (for showing only allowed buttons). */
export function allowedActions(report: Report, actor: Actor, units: UnitDirectory, category: Category | null = null): Action[] {
  return TRANSITIONS.filter(
    (t) => t.from.includes(report.state) && permitted(t, report, actor, units, category) && (t.applicable?.(report, units) ?? true),
  ).map((t) => t.action);
}

function permitted(rule: TransitionRule, report: Report, actor: Actor, units: UnitDirectory, category: Category | null): boolean {
  if (actor.role === "jsc_admin") return true;
  if (!rule.roles.includes(actor.role)) return false;
  switch (rule.scope) {
    case "desk":
      return false;
    case "holder":
      return actsFor(actor, report.holdingUnitId, units);
    case "holder_or_assignee":
      // The officer or crew assigned to the report does the work, even when it sits with a unit above theirs;
      // a PPSU crew only while the category allows PPSU (an administrator may have changed it since).
      if (actor.role === "ppsu_crew") return report.assigneeUserId === actor.userId && !!category?.ppsuAllowed;
      return report.assigneeUserId === actor.userId || actsFor(actor, report.holdingUnitId, units);
    case "above_holder":
      return actor.unitId !== null && units.isWithin(report.holdingUnitId, actor.unitId);
  }
}

/**
 * Decides an officer's transition: role, then scope (403), then state (409), then the guard.
 * A jsc_admin may perform every action; the event records the role it acted in.
 */
export function decide(report: Report, actor: Actor, cmd: TransitionCommand, ctx: DecisionContext): Result<Decision> {
  const rule = RULES.get(cmd.action);
  if (!rule) return fail("VALIDATION_FAILED", `unknown action ${cmd.action}`);
  if (!permitted(rule, report, actor, ctx.units, ctx.category))
    return fail("FORBIDDEN", `role ${actor.role} may not ${cmd.action} this report`);
  if (!rule.from.includes(report.state))
    return fail("INVALID_TRANSITION", `cannot ${cmd.action} a report in state ${report.state}`);
  if (rule.applicable && !rule.applicable(report, ctx.units))
    return fail("INVALID_TRANSITION", `${cmd.action} does not apply to this report`);
  return rule.apply(report, cmd, ctx, actor);
}

export interface DisputeInput {
  reason: string;
  /** the citizen disputing, once linked by contact; null when unknown */
  citizenId: string | null;
}

/**
 * A citizen disputes the follow-up of a done report: within the category's window, by whom its
 * policy allows. Accepted, it goes back to waiting at the unit that did the follow-up and counts
 * a reopen; repeated reopens escalate to that unit's supervisor.
 */
export function decideDispute(report: Report, input: DisputeInput, ctx: DecisionContext): Result<Decision> {
  if (report.state !== "done" || !report.doneAt) return fail("DISPUTE_NOT_ALLOWED", "only a done report can be disputed");
  const policy = ctx.category?.disputePolicy ?? "reporter_only";
  const windowDays = ctx.category?.disputeWindowDays ?? 7;
  if (policy === "none") return fail("DISPUTE_NOT_ALLOWED", "this category does not accept disputes");
  if (ctx.now.getTime() - report.doneAt.getTime() > windowDays * 86_400_000)
    return fail("DISPUTE_NOT_ALLOWED", `the dispute window of ${windowDays} days has passed`);
  if (!input.citizenId) return fail("DISPUTE_NOT_ALLOWED", "a dispute needs the citizen's contact");
  if (policy === "reporter_only" && input.citizenId !== report.citizenId)
    return fail("DISPUTE_NOT_ALLOWED", "only the reporter may dispute a report of this category");
  const reason = input.reason.trim();
  if (!reason) return fail("VALIDATION_FAILED", "a dispute needs a reason");
  return ok(
    reopenDecision(report, ctx, {
      type: "disputed",
      cmd: { action: "reopen", reason, publicComment: reason },
      citizenTemplate: "dispute_accepted",
      citizenId: input.citizenId,
    }),
  );
}

function reopenDecision(
  report: Report,
  ctx: DecisionContext,
  how: { type: "reopened" | "disputed"; cmd: TransitionCommand; citizenTemplate: CitizenTemplate; citizenId?: string },
): Decision {
  // A disputed follow-up goes back to the unit that did it; a closed report to the unit that closed it.
  const unitId = report.state === "done" ? (report.followUpUnitId ?? report.holdingUnitId) : report.holdingUnitId;
  const reopenCount = report.reopenCount + 1;
  const patch: Partial<Report> = {
    state: "waiting",
    holdingUnitId: unitId,
    reopenCount,
    doneAt: null,
    closedAt: null,
    closeReason: null,
    responsibleParty: null,
    duplicateOf: null,
    handoverFromUnitId: null,
    stateBeforeHandover: null,
    involvedUnitIds: addUnit(report.involvedUnitIds, unitId),
    overdue: false,
    resolutionBreached: false,
  };
  // A reopened report gets a fresh resolution deadline; its first action already happened.
  if (ctx.deadlines) patch.resolutionDueAt = ctx.deadlines(ctx.category, ctx.now).resolutionDueAt;
  const events: NewEvent[] = [
    event(report, how.type, { toState: "waiting", toUnitId: unitId, cmd: how.cmd, data: { reopenCount, ...(how.citizenId ? { citizenId: how.citizenId } : {}) } }),
  ];
  const notifications: Notification[] = [
    { to: "unit", unitId, template: "report_reopened", params: { ticket: report.ticket, reason: how.cmd.reason ?? null } },
    { to: "citizen", template: how.citizenTemplate, params: { ticket: report.ticket } },
  ];
  const threshold = ctx.category?.reopenEscalationThreshold ?? 2;
  if (reopenCount >= threshold) {
    const escalation = escalate({ ...report, ...patch } as Report, ctx, `reopened ${reopenCount} times`);
    Object.assign(patch, escalation.patch);
    events.push(...escalation.events);
    notifications.push(...escalation.notifications);
  }
  return { patch, events, notifications };
}

/** Escalates to the holding unit's supervisor (kelurahan -> camat -> wali kota; sub-office -> agency). */
export function escalate(report: Report, ctx: DecisionContext, why: string): Decision {
  const supervisor = ctx.units.supervisorOf(report.holdingUnitId);
  const level = report.escalationLevel + 1;
  return {
    patch: { escalationLevel: level, escalatedToUnitId: supervisor?.id ?? report.escalatedToUnitId },
    events: [
      {
        type: "escalated",
        unitId: report.holdingUnitId,
        fromState: report.state,
        toState: report.state,
        fromUnitId: report.holdingUnitId,
        toUnitId: null,
        note: why,
        publicComment: null,
        reason: why,
        data: { level, supervisorUnitId: supervisor?.id ?? null },
      },
    ],
    notifications: supervisor
      ? [{ to: "unit", unitId: supervisor.id, template: "escalation", params: { ticket: report.ticket, reason: why, level } }]
      : [],
  };
}

/**
 * The SLA sweep's rule: an open report past its first-action or resolution deadline is flagged
 * overdue, each missed target once, charged to the unit holding it when the clock ran out, and
 * escalated each time.
 */
export function decideSlaBreach(report: Report, ctx: DecisionContext & { accountableUnitId: string }): Decision | null {
  if (report.state === "done" || report.state === "closed") return null;
  const now = ctx.now.getTime();
  const firstLate = !report.firstActionBreached && !report.firstActionAt && !!report.firstActionDueAt && report.firstActionDueAt.getTime() < now;
  const resolutionLate = !report.resolutionBreached && !!report.resolutionDueAt && report.resolutionDueAt.getTime() < now;
  if (!firstLate && !resolutionLate) return null;
  const kind = resolutionLate ? "resolution" : "first_action";
  const breach: NewEvent = {
    type: "sla_breached",
    unitId: ctx.accountableUnitId,
    fromState: report.state,
    toState: report.state,
    fromUnitId: null,
    toUnitId: null,
    note: null,
    publicComment: null,
    reason: kind,
    data: { kind, accountableUnitId: ctx.accountableUnitId, dueAt: (resolutionLate ? report.resolutionDueAt : report.firstActionDueAt)?.toISOString() },
  };
  const escalation = escalate(report, ctx, `SLA ${kind} overdue`);
  return {
    patch: {
      overdue: true,
      firstActionBreached: report.firstActionBreached || firstLate,
      resolutionBreached: report.resolutionBreached || resolutionLate,
      ...escalation.patch,
    },
    events: [breach, ...escalation.events],
    notifications: [
      { to: "unit", unitId: report.holdingUnitId, template: "sla_breached", params: { ticket: report.ticket, kind } },
      ...escalation.notifications,
    ],
  };
}

// ---- helpers -------------------------------------------------------------------------------

function decision(patch: Partial<Report>, events: NewEvent[], notifications: Notification[]): Decision {
  return { patch, events, notifications };
}

function event(
  report: Report,
  type: EventType,
  opts: { toState: ReportState; toUnitId?: string; cmd: TransitionCommand; data?: Record<string, unknown> },
): NewEvent {
  return {
    type,
    unitId: report.holdingUnitId,
    fromState: report.state,
    toState: opts.toState,
    fromUnitId: report.holdingUnitId,
    toUnitId: opts.toUnitId ?? null,
    note: opts.cmd.note ?? null,
    publicComment: opts.cmd.publicComment ?? null,
    reason: opts.cmd.reason ?? null,
    data: opts.data ?? {},
  };
}

/** Coordination and disposition hand the report to another unit, remembering who sent it and from which state. */
function handover(report: Report, state: "coordination" | "disposition", toUnitId: string, ctx: DecisionContext): Partial<Report> {
  return {
    state,
    stateBeforeHandover: report.state,
    handoverFromUnitId: report.holdingUnitId,
    holdingUnitId: toUnitId,
    assigneeUserId: null,
    involvedUnitIds: addUnit(report.involvedUnitIds, toUnitId),
    ...firstAction(report, ctx),
  };
}

function firstAction(report: Report, ctx: DecisionContext): Partial<Report> {
  return report.firstActionAt ? {} : { firstActionAt: ctx.now };
}

function addUnit(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? [...ids] : [...ids, id];
}

/** The first field with text in it: a blank form field must not hide a filled one. */
function firstFilled(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}

function required(value: string | undefined, name: string): Result<string> {
  const v = value?.trim();
  return v ? ok(v) : fail("VALIDATION_FAILED", `${name} is required for this action`);
}

function requireUnit(unitId: string | undefined, ctx: DecisionContext) {
  if (!unitId) return fail("VALIDATION_FAILED", "unit is required for this action");
  const unit = ctx.units.get(unitId);
  if (!unit || !unit.active) return fail("UNIT_NOT_FOUND", `unknown or inactive unit ${unitId}`);
  return ok(unit);
}

function unitName(ctx: DecisionContext, unitId: string): string {
  return ctx.units.get(unitId)?.name ?? unitId;
}
