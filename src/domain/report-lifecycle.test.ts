import { describe, expect, it } from "vitest";
import { ROLES, type Actor, type Role } from "./access-policy.ts";
import type { ErrorCode, Result } from "./errors.ts";
import {
  ACTIONS,
  TRANSITIONS,
  allowedActions,
  decide,
  decideDispute,
  decideSlaBreach,
  escalate,
  type Action,
  type Decision,
  type DecisionContext,
  type TransitionCommand,
} from "./report-lifecycle.ts";
import {
  CLOSE_REASONS,
  REPORT_STATES,
  type Category,
  type CloseReason,
  type Report,
  type ReportState,
  type Unit,
} from "./report.ts";
import { DBM, KEC_GAMBIR, KEC_KJ, KEL_GAMBIR, KEL_KJ, KEL_SU, KOTA_JB, KOTA_JP, PAM, PROV, SATPOL, SUDIN_JB, SUDIN_JP, TRIAGE, category, jakartaSlice, unit } from "./test-fixtures.ts";
import { buildUnitDirectory } from "./units.ts";

// ---- fixture: a slice of DKI Jakarta (shared, see test-fixtures.ts) plus an inactive agency ---

const OLD_DINAS = "dinas-kebersihan"; // merged into Dinas LH: inactive

const UNITS: Unit[] = jakartaSlice([unit(OLD_DINAS, "agency", "Dinas Kebersihan", PROV, null, { active: false })]);
const units = buildUnitDirectory(UNITS);

const JALAN_RUSAK = category("jalan_rusak", "Jalan rusak/berlubang", { kind: "agency", agency: DBM }, {
  ppsuAllowed: true,
  disputePolicy: "any_citizen",
  disputeWindowDays: 7,
  reopenEscalationThreshold: 2,
  slaResolutionDays: 10,
});
const ADMINDUK = category("adminduk", "Administrasi kependudukan", { kind: "agency", agency: "dinas-dukcapil" }, { disputePolicy: "reporter_only" });
const FASILITAS = category("fasilitas_kelurahan", "Fasilitas umum kelurahan", { kind: "kelurahan" }, { ppsuAllowed: true, slaResolutionDays: 3 });
const LAINNYA = category("lainnya", "Lainnya", { kind: "triage" });
const PKL = category("pkl", "Pedagang kaki lima", { kind: "agency", agency: SATPOL }, { disputePolicy: "none" });

const DAY = 86_400_000;
const NOW = new Date("2026-04-13T03:00:00Z"); // Monday 10:00 WIB
const at = (offsetMs: number): Date => new Date(NOW.getTime() + offsetMs);

function report(p: Partial<Report> = {}): Report {
  return {
    id: "rep-73",
    ticket: "JKT-260410-0073",
    kind: "pengaduan",
    description: "Jalan berlubang di depan SDN Kebon Jeruk 01, sudah dua motor jatuh",
    categoryCode: "jalan_rusak",
    lat: -6.1921,
    lon: 106.7694,
    address: "Jl. Raya Kebon Jeruk No. 12",
    kelurahanCode: "31.73.05.1001",
    channel: "portal",
    channelRef: null,
    partnerDeadlines: [],
    triage: null,
    citizenId: "cit-reporter",
    state: "waiting",
    stateBeforeHandover: null,
    holdingUnitId: KEL_KJ,
    handoverFromUnitId: null,
    followUpUnitId: null,
    followUpBy: null,
    assigneeUserId: null,
    involvedUnitIds: [KEL_KJ],
    duplicateOf: null,
    closeReason: null,
    responsibleParty: null,
    reopenCount: 0,
    supportCount: 0,
    escalationLevel: 0,
    escalatedToUnitId: null,
    overdue: false,
    firstActionBreached: false,
    resolutionBreached: false,
    firstActionDueAt: at(1 * DAY),
    resolutionDueAt: at(5 * DAY),
    firstActionAt: null,
    doneAt: null,
    closedAt: null,
    createdAt: at(-3 * DAY),
    updatedAt: at(-3 * DAY),
    version: 1,
    ...p,
  };
}

function ctx(p: Partial<DecisionContext> = {}): DecisionContext {
  return { now: NOW, units, category: JALAN_RUSAK, ...p };
}

const actor = (role: Role, unitId: string | null, userId = `u-${role}`): Actor => ({ userId, role, unitId });

const LURAH_KJ = actor("kelurahan_officer", KEL_KJ, "u-lurah-kj");
const LURAH_SU = actor("kelurahan_officer", KEL_SU, "u-lurah-su");
const PPSU_KJ = actor("ppsu_crew", KEL_KJ, "u-ppsu-kj");
const PPSU_KJ_2 = actor("ppsu_crew", KEL_KJ, "u-ppsu-kj-2");
const VALIDATOR_KJ = actor("validator", KEL_KJ, "u-validator-kj");
const CAMAT_KJ = actor("supervisor", KEC_KJ, "u-camat-kj");
const KADIS_BM = actor("agency_officer", DBM, "u-dbm");
const SUDIN_JB_OFFICER = actor("agency_officer", SUDIN_JB, "u-sudin-jb");
const SATPOL_OFFICER = actor("agency_officer", SATPOL, "u-satpol");
const ADMIN = actor("jsc_admin", TRIAGE, "u-admin");

const PPSU_KJ_USER = { id: "u-ppsu-kj", role: "ppsu_crew" as const, unitId: KEL_KJ, active: true };

// ---- helpers: every successful decision is checked against the event invariant -------------

let decisionsChecked = 0;

/**
 * The audit invariant: the first event starts from the report's state, each further event starts
 * where the previous one ended (a reopen followed by its escalation), and every event ends in the
 * state the patch leaves the report in.
 */
function assertEventInvariant(before: Report, d: Decision): void {
  const finalState = d.patch.state ?? before.state;
  expect(d.events.length, "a decision always records at least one event").toBeGreaterThan(0);
  let from: ReportState = before.state;
  for (const e of d.events) {
    expect(e.fromState, `${e.type}.fromState`).toBe(from);
    expect(e.toState, `${e.type}.toState`).toBe(finalState);
    from = finalState;
  }
  expect(d.events[0]?.fromState).toBe(before.state);
  decisionsChecked++;
}

function okDecision(before: Report, result: Result<Decision>): Decision {
  if (!result.ok) throw new Error(`expected a decision, got ${result.error.code}: ${result.error.message}`);
  assertEventInvariant(before, result.value);
  return result.value;
}

function codeOf(result: Result<unknown>): ErrorCode | "ok" {
  return result.ok ? "ok" : result.error.code;
}

function run(before: Report, who: Actor, cmd: TransitionCommand, c: DecisionContext = ctx()): Decision {
  return okDecision(before, decide(before, who, cmd, c));
}

const apply = (before: Report, d: Decision): Report => ({ ...before, ...d.patch });

// ---- the table itself ------------------------------------------------------------------------

/** Roles (besides jsc_admin, who may do everything) allowed each action. Written out, not derived. */
const EXPECTED_ROLES: Record<Action, readonly Role[]> = {
  route: [],
  take_up: ["kelurahan_officer", "agency_officer"],
  coordinate: ["kelurahan_officer", "agency_officer"],
  accept_coordination: ["kelurahan_officer", "agency_officer"],
  refuse_coordination: ["kelurahan_officer", "agency_officer"],
  dispose: ["agency_officer", "supervisor"],
  assign: ["kelurahan_officer", "agency_officer", "supervisor"],
  submit_follow_up: ["kelurahan_officer", "agency_officer", "ppsu_crew"],
  validate: ["validator", "supervisor"],
  reject_follow_up: ["validator", "supervisor"],
  close: ["kelurahan_officer", "agency_officer"],
  reopen: ["validator", "supervisor"],
};

const EXPECTED_FROM: Record<Action, readonly ReportState[]> = {
  route: ["triage", "waiting"],
  take_up: ["waiting", "disposition"],
  coordinate: ["waiting", "in_progress"],
  accept_coordination: ["coordination"],
  refuse_coordination: ["coordination", "disposition"],
  dispose: ["waiting", "in_progress"],
  assign: ["waiting", "disposition", "in_progress", "follow_up_rejected"],
  submit_follow_up: ["in_progress", "follow_up_rejected"],
  validate: ["awaiting_validation"],
  reject_follow_up: ["awaiting_validation"],
  close: ["triage", "waiting", "coordination", "disposition", "in_progress", "follow_up_rejected"],
  reopen: ["done", "closed"],
};

/** Where the report sits for the matrix: the unit each role would realistically meet it in. */
function holderFor(action: Action, role: Role): string {
  if (action === "route") return TRIAGE;
  if (action === "dispose") return SUDIN_JB;
  return role === "agency_officer" ? SUDIN_JB : KEL_KJ;
}

/**
 * An actor of the role placed so that the scope would let them act: at the holding unit, one level
 * above it for validators and supervisors, at the province for executives. A disallowed role is
 * therefore refused by its role alone.
 */
function placedActor(role: Role, holder: string): Actor {
  switch (role) {
    case "jsc_admin":
      return actor(role, TRIAGE);
    case "executive":
      return actor(role, PROV);
    case "validator":
    case "supervisor":
      return actor(role, units.get(holder)?.parentId ?? holder);
    default:
      return actor(role, holder);
  }
}

function scenario(action: Action, role: Role, state: ReportState) {
  const holder = holderFor(action, role);
  const who = placedActor(role, holder);
  const before = report({
    state,
    holdingUnitId: holder,
    involvedUnitIds: [holder],
    assigneeUserId: role === "ppsu_crew" ? who.userId : null,
    handoverFromUnitId: SATPOL,
    stateBeforeHandover: "in_progress",
    followUpUnitId: holder,
    followUpBy: "u-author",
    doneAt: state === "done" ? at(-1 * DAY) : null,
    closedAt: state === "closed" ? at(-1 * DAY) : null,
  });
  const assignee =
    holder === SUDIN_JB
      ? { id: "u-mandor-sudin-jb", role: "agency_officer" as const, unitId: SUDIN_JB, active: true }
      : PPSU_KJ_USER;
  const commands: Record<Action, TransitionCommand> = {
    route: { action, unitId: KEL_KJ },
    take_up: { action },
    coordinate: { action, unitId: SATPOL, reason: "Lapak PKL menutup trotoar: kewenangan Satpol PP" },
    accept_coordination: { action },
    refuse_coordination: { action, reason: "Bukan kewenangan kami" },
    dispose: { action, unitId: KEL_KJ, note: "Tangani dengan PPSU" },
    assign: { action, assigneeUserId: assignee.id },
    submit_follow_up: { action, photos: ["upl-1"], note: "Lubang sudah ditambal aspal dingin" },
    validate: { action, publicComment: "Jalan sudah diperbaiki" },
    reject_follow_up: { action, reason: "Foto tidak menunjukkan lokasi yang dilaporkan" },
    close: { action, closeReason: "no_further_action", publicComment: "Sudah diperbaiki warga secara swadaya" },
    reopen: { action, reason: "Tambalan sudah berlubang lagi" },
  };
  return { before, who, cmd: commands[action], c: ctx({ assignee }) };
}

describe("TRANSITIONS table", () => {
  it("has exactly one rule per action", () => {
    expect(TRANSITIONS.map((t) => t.action).sort()).toEqual([...ACTIONS].sort());
  });

  it("rejects an unknown action with VALIDATION_FAILED", () => {
    const cmd = { action: "teleport" } as unknown as TransitionCommand;
    expect(codeOf(decide(report(), ADMIN, cmd, ctx()))).toBe("VALIDATION_FAILED");
  });

  describe.each(ACTIONS.map((a) => [a] as const))("%s: roles x states", (action) => {
    it("allowed roles succeed from the allowed states, get INVALID_TRANSITION elsewhere; other roles get FORBIDDEN", () => {
      const expected: Record<string, Record<string, string>> = {};
      const actual: Record<string, Record<string, string>> = {};
      for (const role of ROLES) {
        expected[role] = {};
        actual[role] = {};
        const allowedRole = role === "jsc_admin" || EXPECTED_ROLES[action].includes(role);
        for (const state of REPORT_STATES) {
          expected[role][state] = !allowedRole ? "FORBIDDEN" : EXPECTED_FROM[action].includes(state) ? "ok" : "INVALID_TRANSITION";
          const { before, who, cmd, c } = scenario(action, role, state);
          const result = decide(before, who, cmd, c);
          actual[role][state] = codeOf(result);
          if (result.ok) assertEventInvariant(before, result.value);
        }
      }
      expect(actual).toEqual(expected);
    });

    it("allowedActions offers the action exactly when decide would not refuse it (403/409)", () => {
      const mismatches: string[] = [];
      for (const role of ROLES) {
        for (const state of REPORT_STATES) {
          const { before, who, cmd, c } = scenario(action, role, state);
          const code = codeOf(decide(before, who, cmd, c));
          const offered = allowedActions(before, who, units, c.category).includes(action);
          if (offered !== (code !== "FORBIDDEN" && code !== "INVALID_TRANSITION")) mismatches.push(`${role}/${state}: offered=${offered} decide=${code}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  it("allowedActions lists the buttons a lurah sees on a waiting report of their kelurahan", () => {
    expect(allowedActions(report(), LURAH_KJ, units)).toEqual(["take_up", "coordinate", "assign", "close"]);
    expect(allowedActions(report(), LURAH_SU, units)).toEqual([]);
    expect(allowedActions(report({ state: "awaiting_validation" }), CAMAT_KJ, units)).toEqual(["validate", "reject_follow_up"]);
    expect(allowedActions(report({ state: "in_progress", assigneeUserId: PPSU_KJ.userId }), PPSU_KJ, units, JALAN_RUSAK)).toEqual(["submit_follow_up"]);
    expect(allowedActions(report({ state: "in_progress", assigneeUserId: PPSU_KJ.userId }), PPSU_KJ, units, ADMINDUK)).toEqual([]);
    expect(allowedActions(report({ state: "done" }), actor("executive", PROV), units)).toEqual([]);
    // A kelurahan has nothing below it: dispose is not offered.
    expect(allowedActions(report({ state: "waiting" }), ADMIN, units)).toEqual(["route", "take_up", "coordinate", "assign", "close"]);
  });
});

// ---- scope -----------------------------------------------------------------------------------

const STATE_FOR: Record<Action, ReportState> = {
  route: "triage",
  take_up: "waiting",
  coordinate: "waiting",
  accept_coordination: "coordination",
  refuse_coordination: "coordination",
  dispose: "waiting",
  assign: "waiting",
  submit_follow_up: "in_progress",
  validate: "awaiting_validation",
  reject_follow_up: "awaiting_validation",
  close: "waiting",
  reopen: "done",
};

function scopedAttempt(action: Action, who: Actor, holder: string, extra: Partial<Report> = {}): ErrorCode | "ok" {
  const before = report({
    state: STATE_FOR[action],
    holdingUnitId: holder,
    involvedUnitIds: [holder],
    handoverFromUnitId: SATPOL,
    stateBeforeHandover: "waiting",
    followUpUnitId: holder,
    followUpBy: "u-author",
    doneAt: STATE_FOR[action] === "done" ? at(-DAY) : null,
    ...extra,
  });
  const targets: Partial<Record<Action, string>> = { coordinate: SATPOL, dispose: holder === DBM ? SUDIN_JB : KEL_KJ, route: KEL_KJ };
  const assignee = { id: "u-field", role: "ppsu_crew" as const, unitId: holder, active: true };
  const cmd: TransitionCommand = {
    action,
    unitId: targets[action],
    reason: "alasan tertulis",
    note: "catatan",
    publicComment: "komentar publik",
    photos: ["upl-1"],
    closeReason: "no_further_action",
    assigneeUserId: assignee.id,
  };
  const result = decide(before, who, cmd, ctx({ assignee }));
  if (result.ok) assertEventInvariant(before, result.value);
  return codeOf(result);
}

describe("scope: whose unit the actor acts for", () => {
  const rows: Array<[string, Action, Actor, string, ErrorCode | "ok"]> = [
    // kelurahan officers act only for their own kelurahan
    ["lurah KJ takes up own report", "take_up", LURAH_KJ, KEL_KJ, "ok"],
    ["lurah SU may not take up KJ's report", "take_up", LURAH_SU, KEL_KJ, "FORBIDDEN"],
    ["lurah SU may not coordinate KJ's report", "coordinate", LURAH_SU, KEL_KJ, "FORBIDDEN"],
    ["lurah SU may not assign on KJ's report", "assign", LURAH_SU, KEL_KJ, "FORBIDDEN"],
    ["lurah SU may not close KJ's report", "close", LURAH_SU, KEL_KJ, "FORBIDDEN"],
    ["lurah SU may not submit KJ's follow-up", "submit_follow_up", LURAH_SU, KEL_KJ, "FORBIDDEN"],
    ["lurah KJ may not accept a coordination sent to Gambir", "accept_coordination", LURAH_KJ, KEL_GAMBIR, "FORBIDDEN"],
    ["lurah KJ may not act for their kecamatan", "take_up", LURAH_KJ, KEC_KJ, "FORBIDDEN"],
    ["officer without a unit", "take_up", actor("kelurahan_officer", null), KEL_KJ, "FORBIDDEN"],
    // agencies act for their sub-offices, sub-offices only for themselves
    ["Dinas BM takes up a report of its Sudin JB", "take_up", KADIS_BM, SUDIN_JB, "ok"],
    ["Dinas BM accepts a coordination sent to its Sudin JP", "accept_coordination", KADIS_BM, SUDIN_JP, "ok"],
    ["Dinas BM closes a report of its Sudin JB", "close", KADIS_BM, SUDIN_JB, "ok"],
    ["Dinas BM disposes its own report", "dispose", KADIS_BM, DBM, "ok"],
    ["Sudin JB takes up its own report", "take_up", SUDIN_JB_OFFICER, SUDIN_JB, "ok"],
    ["Sudin JB may not take up Sudin JP's report", "take_up", SUDIN_JB_OFFICER, SUDIN_JP, "FORBIDDEN"],
    ["Sudin JB may not dispose Sudin JP's report", "dispose", SUDIN_JB_OFFICER, SUDIN_JP, "FORBIDDEN"],
    ["Sudin JB may not refuse for Sudin JP", "refuse_coordination", SUDIN_JB_OFFICER, SUDIN_JP, "FORBIDDEN"],
    ["Sudin JB may not act for its parent agency", "take_up", SUDIN_JB_OFFICER, DBM, "FORBIDDEN"],
    ["Satpol PP may not act for Bina Marga", "take_up", SATPOL_OFFICER, SUDIN_JB, "FORBIDDEN"],
    ["an agency officer may not act for a kelurahan", "take_up", KADIS_BM, KEL_KJ, "FORBIDDEN"],
    // validators and supervisors act above (or at) the holder
    ["validator of the same kelurahan validates", "validate", VALIDATOR_KJ, KEL_KJ, "ok"],
    ["validator at the kecamatan validates", "validate", actor("validator", KEC_KJ), KEL_KJ, "ok"],
    ["camat rejects a follow-up in the kecamatan", "reject_follow_up", CAMAT_KJ, KEL_KJ, "ok"],
    ["wali kota Jakbar reopens in Kebon Jeruk", "reopen", actor("supervisor", KOTA_JB), KEL_KJ, "ok"],
    ["validator of the neighbouring kelurahan", "validate", actor("validator", KEL_SU), KEL_KJ, "FORBIDDEN"],
    ["validator of another kecamatan", "validate", actor("validator", KEC_GAMBIR), KEL_KJ, "FORBIDDEN"],
    ["wali kota Jakpus over Jakbar", "reopen", actor("supervisor", KOTA_JP), KEL_KJ, "FORBIDDEN"],
    ["validator below the holder", "validate", VALIDATOR_KJ, KEC_KJ, "FORBIDDEN"],
    ["validator of Dinas BM validates its Sudin's follow-up", "validate", actor("validator", DBM), SUDIN_JB, "ok"],
    ["validator of Sudin JP over Sudin JB", "validate", actor("validator", SUDIN_JP), SUDIN_JB, "FORBIDDEN"],
    ["validator without a unit", "validate", actor("validator", null), KEL_KJ, "FORBIDDEN"],
    ["camat assigns in a kelurahan of the kecamatan", "assign", CAMAT_KJ, KEL_KJ, "ok"],
    ["camat Gambir may not assign in Kebon Jeruk", "assign", actor("supervisor", KEC_GAMBIR), KEL_KJ, "FORBIDDEN"],
    ["supervisor of Dinas BM disposes for its Sudin", "dispose", actor("supervisor", DBM), SUDIN_JB, "ok"],
    // the desk
    ["jsc_admin without a unit still acts", "take_up", actor("jsc_admin", null), KEL_GAMBIR, "ok"],
    ["jsc_admin routes from triage", "route", ADMIN, TRIAGE, "ok"],
    ["a lurah sitting at the desk cannot route", "route", actor("kelurahan_officer", TRIAGE), TRIAGE, "FORBIDDEN"],
    ["a supervisor of the province cannot route", "route", actor("supervisor", PROV), TRIAGE, "FORBIDDEN"],
  ];
  it.each(rows)("%s", (_name, action, who, holder, expected) => {
    expect(scopedAttempt(action, who, holder)).toBe(expected);
  });

  it("a PPSU crew submits only the task assigned to it", () => {
    expect(scopedAttempt("submit_follow_up", PPSU_KJ, KEL_KJ, { assigneeUserId: PPSU_KJ.userId })).toBe("ok");
    expect(scopedAttempt("submit_follow_up", PPSU_KJ, KEL_KJ, { assigneeUserId: null })).toBe("FORBIDDEN");
    expect(scopedAttempt("submit_follow_up", PPSU_KJ, KEL_KJ, { assigneeUserId: PPSU_KJ_2.userId })).toBe("FORBIDDEN");
    // the assignment, not the crew's kelurahan, is what counts
    expect(scopedAttempt("submit_follow_up", actor("ppsu_crew", KEL_SU, "u-ppsu-su"), KEL_KJ, { assigneeUserId: "u-ppsu-su" })).toBe("ok");
  });

  it("scope is checked before state: an out-of-scope officer gets 403 even in a wrong state", () => {
    const r = decide(report({ state: "done" }), LURAH_SU, { action: "take_up" }, ctx());
    expect(codeOf(r)).toBe("FORBIDDEN");
  });

  // Regression (was a bug, fixed): the holder_or_assignee scope honours the assignment only for PPSU crews. An officer of a
  // sub-office assigned (legitimately: assign accepts anyone in the holder's subtree) to a report
  // held by its agency cannot submit the follow-up of their own task.
  it("an assigned field officer of a sub-office submits the follow-up of a report held by the agency", () => {
    const before = report({ state: "waiting", holdingUnitId: DBM, involvedUnitIds: [DBM] });
    const assigned = run(before, KADIS_BM, { action: "assign", assigneeUserId: SUDIN_JB_OFFICER.userId }, ctx({
      assignee: { id: SUDIN_JB_OFFICER.userId, role: "agency_officer", unitId: SUDIN_JB, active: true },
    }));
    const inProgress = apply(before, assigned);
    expect(inProgress.assigneeUserId).toBe(SUDIN_JB_OFFICER.userId);
    const result = decide(inProgress, SUDIN_JB_OFFICER, { action: "submit_follow_up", photos: ["upl-1"], note: "Sudah ditambal" }, ctx());
    expect(codeOf(result)).toBe("ok");
  });
});

// ---- effects ---------------------------------------------------------------------------------

describe("take_up", () => {
  it("moves waiting to in_progress, stamps the first action and tells the citizen who works on it", () => {
    const before = report();
    const d = run(before, LURAH_KJ, { action: "take_up", note: "Dicek besok pagi" });
    expect(d.patch).toEqual({ state: "in_progress", handoverFromUnitId: null, stateBeforeHandover: null, firstActionAt: NOW });
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ type: "taken_up", unitId: KEL_KJ, fromUnitId: KEL_KJ, toUnitId: null, note: "Dicek besok pagi" });
    expect(d.notifications).toEqual([{ to: "citizen", template: "taken_up", params: { ticket: "JKT-260410-0073", unit: "Kelurahan Kebon Jeruk" } }]);
  });

  it("keeps the first firstActionAt", () => {
    const d = run(report({ firstActionAt: at(-DAY) }), LURAH_KJ, { action: "take_up" });
    expect(d.patch).not.toHaveProperty("firstActionAt");
    expect(d.patch.state).toBe("in_progress");
  });

  it("takes up a disposition and forgets the handover", () => {
    const before = report({ state: "disposition", holdingUnitId: KEL_KJ, handoverFromUnitId: SUDIN_JB, stateBeforeHandover: "waiting" });
    const d = run(before, LURAH_KJ, { action: "take_up" });
    expect(d.patch).toMatchObject({ state: "in_progress", handoverFromUnitId: null, stateBeforeHandover: null });
  });
});

describe("coordinate", () => {
  const inProgress = report({ state: "in_progress", firstActionAt: at(-DAY), assigneeUserId: PPSU_KJ.userId });

  it("hands the report across to another unit, remembering sender and previous state", () => {
    const d = run(inProgress, LURAH_KJ, { action: "coordinate", unitId: SATPOL, reason: "PKL menutup trotoar", publicComment: "Diteruskan ke Satpol PP" });
    expect(d.patch).toEqual({
      state: "coordination",
      stateBeforeHandover: "in_progress",
      handoverFromUnitId: KEL_KJ,
      holdingUnitId: SATPOL,
      assigneeUserId: null,
      involvedUnitIds: [KEL_KJ, SATPOL],
    });
    expect(d.events[0]).toMatchObject({ type: "coordinated", fromUnitId: KEL_KJ, toUnitId: SATPOL, reason: "PKL menutup trotoar", publicComment: "Diteruskan ke Satpol PP" });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: SATPOL, template: "coordination_request", params: { ticket: inProgress.ticket, from: "Kelurahan Kebon Jeruk" } },
      { to: "citizen", template: "coordinated", params: { ticket: inProgress.ticket, unit: "Satuan Polisi Pamong Praja" } },
    ]);
  });

  it("counts as the first action and does not duplicate an involved unit", () => {
    const before = report({ involvedUnitIds: [SATPOL, KEL_KJ] });
    const d = run(before, LURAH_KJ, { action: "coordinate", unitId: SATPOL, reason: "kewenangan Satpol PP" });
    expect(d.patch.firstActionAt).toEqual(NOW);
    expect(d.patch.stateBeforeHandover).toBe("waiting");
    expect(d.patch.involvedUnitIds).toEqual([SATPOL, KEL_KJ]);
    expect(before.involvedUnitIds).toEqual([SATPOL, KEL_KJ]); // not mutated
  });

  // Regression (was a bug, fixed): `cmd.reason ?? cmd.note` — an empty reason (a form field left blank) hides the note.
  it("an empty reason does not hide the note", () => {
    const r = decide(report(), LURAH_KJ, { action: "coordinate", unitId: SATPOL, reason: "", note: "kewenangan Satpol PP" }, ctx());
    expect(codeOf(r)).toBe("ok");
  });

  it("takes the note as the reason when no reason is given", () => {
    const d = run(report(), LURAH_KJ, { action: "coordinate", unitId: SATPOL, note: "kewenangan Satpol PP" });
    expect(d.patch.holdingUnitId).toBe(SATPOL);
  });

  const rows: Array<[string, Report, Actor, TransitionCommand, ErrorCode | "ok"]> = [
    ["no reason", report(), LURAH_KJ, { action: "coordinate", unitId: SATPOL }, "VALIDATION_FAILED"],
    ["blank reason", report(), LURAH_KJ, { action: "coordinate", unitId: SATPOL, reason: "   " }, "VALIDATION_FAILED"],
    ["no unit", report(), LURAH_KJ, { action: "coordinate", reason: "x" }, "VALIDATION_FAILED"],
    ["unknown unit", report(), LURAH_KJ, { action: "coordinate", unitId: "dinas-antah-berantah", reason: "x" }, "UNIT_NOT_FOUND"],
    ["inactive unit", report(), LURAH_KJ, { action: "coordinate", unitId: OLD_DINAS, reason: "x" }, "UNIT_NOT_FOUND"],
    ["to itself", report(), LURAH_KJ, { action: "coordinate", unitId: KEL_KJ, reason: "x" }, "VALIDATION_FAILED"],
    ["to the triage desk", report(), LURAH_KJ, { action: "coordinate", unitId: TRIAGE, reason: "x" }, "VALIDATION_FAILED"],
    ["agency to its own sub-office (that is a disposition)", report({ holdingUnitId: DBM }), KADIS_BM, { action: "coordinate", unitId: SUDIN_JB, reason: "x" }, "VALIDATION_FAILED"],
    ["kecamatan down to its kelurahan", report({ holdingUnitId: KEC_KJ }), actor("agency_officer", KEC_KJ), { action: "coordinate", unitId: KEL_SU, reason: "x" }, "VALIDATION_FAILED"],
    ["kelurahan to the neighbouring kelurahan", report(), LURAH_KJ, { action: "coordinate", unitId: KEL_SU, reason: "lokasi di Sukabumi Utara" }, "ok"],
    ["kelurahan up to its kecamatan", report(), LURAH_KJ, { action: "coordinate", unitId: KEC_KJ, reason: "lintas kelurahan" }, "ok"],
    ["kelurahan to the agency's sub-office", report(), LURAH_KJ, { action: "coordinate", unitId: SUDIN_JB, reason: "jalan kota" }, "ok"],
    ["kelurahan to an external body", report(), LURAH_KJ, { action: "coordinate", unitId: PAM, reason: "pipa PAM bocor" }, "ok"],
    ["Sudin JB to Sudin JP (sibling)", report({ holdingUnitId: SUDIN_JB }), SUDIN_JB_OFFICER, { action: "coordinate", unitId: SUDIN_JP, reason: "ruas jalan di Jakpus" }, "ok"],
  ];
  it.each(rows)("%s -> %s", (_name, before, who, cmd, expected) => {
    const result = decide(before, who, cmd, ctx());
    if (result.ok) assertEventInvariant(before, result.value);
    expect(codeOf(result)).toBe(expected);
  });
});

describe("accept_coordination / refuse_coordination", () => {
  const coordinated = report({ state: "coordination", holdingUnitId: SATPOL, handoverFromUnitId: KEL_KJ, stateBeforeHandover: "in_progress", involvedUnitIds: [KEL_KJ, SATPOL], firstActionAt: at(-DAY) });

  it("accepting moves to in_progress at the receiver", () => {
    const d = run(coordinated, SATPOL_OFFICER, { action: "accept_coordination" });
    expect(d.patch).toEqual({ state: "in_progress", stateBeforeHandover: null, handoverFromUnitId: null });
    expect(d.events[0]).toMatchObject({ type: "coordination_accepted", unitId: SATPOL, data: { from: KEL_KJ } });
    expect(d.notifications).toEqual([{ to: "citizen", template: "taken_up", params: { ticket: coordinated.ticket, unit: "Satuan Polisi Pamong Praja" } }]);
  });

  it("refusing needs a reason", () => {
    expect(codeOf(decide(coordinated, SATPOL_OFFICER, { action: "refuse_coordination" }, ctx()))).toBe("VALIDATION_FAILED");
    expect(codeOf(decide(coordinated, SATPOL_OFFICER, { action: "refuse_coordination", reason: " " }, ctx()))).toBe("VALIDATION_FAILED");
  });

  it("refusing returns it to the sender in the state it left", () => {
    const d = run(coordinated, SATPOL_OFFICER, { action: "refuse_coordination", reason: "Bukan PKL, tapi parkir liar: Dishub" });
    expect(d.patch).toEqual({ state: "in_progress", holdingUnitId: KEL_KJ, handoverFromUnitId: null, stateBeforeHandover: null, assigneeUserId: null });
    expect(d.events[0]).toMatchObject({ type: "coordination_refused", fromUnitId: SATPOL, toUnitId: KEL_KJ, reason: "Bukan PKL, tapi parkir liar: Dishub" });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: KEL_KJ, template: "coordination_refused", params: { ticket: coordinated.ticket, reason: "Bukan PKL, tapi parkir liar: Dishub" } },
    ]);
  });

  it("a coordinate then refuse round trip restores holder and state", () => {
    const start = report({ state: "waiting" });
    const sent = apply(start, run(start, LURAH_KJ, { action: "coordinate", unitId: SUDIN_JB, reason: "jalan kota" }));
    const back = apply(sent, run(sent, SUDIN_JB_OFFICER, { action: "refuse_coordination", reason: "jalan lingkungan: PPSU" }));
    expect(back.state).toBe("waiting");
    expect(back.holdingUnitId).toBe(KEL_KJ);
    expect(back.handoverFromUnitId).toBeNull();
    expect(back.involvedUnitIds).toEqual([KEL_KJ, SUDIN_JB]);
  });

  it("a refused disposition goes back up to the agency", () => {
    const disposed = report({ state: "disposition", holdingUnitId: SUDIN_JB, handoverFromUnitId: DBM, stateBeforeHandover: "waiting" });
    const d = run(disposed, SUDIN_JB_OFFICER, { action: "refuse_coordination", reason: "ruas jalan nasional" });
    expect(d.patch).toMatchObject({ state: "waiting", holdingUnitId: DBM });
  });

  it("without a sender there is nothing to refuse back to", () => {
    const orphan = report({ state: "coordination", holdingUnitId: SATPOL, handoverFromUnitId: null });
    expect(codeOf(decide(orphan, SATPOL_OFFICER, { action: "refuse_coordination", reason: "x" }, ctx()))).toBe("INVALID_TRANSITION");
  });
});

describe("dispose: only downward", () => {
  const rows: Array<[string, string, Actor, string, ErrorCode | "ok"]> = [
    ["agency -> own sub-office", DBM, KADIS_BM, SUDIN_JB, "ok"],
    ["agency -> own sub-office in another kota", DBM, KADIS_BM, SUDIN_JP, "ok"],
    ["agency -> any kelurahan it serves", DBM, KADIS_BM, KEL_GAMBIR, "ok"],
    ["sub-office -> kelurahan in its kota", SUDIN_JB, SUDIN_JB_OFFICER, KEL_KJ, "ok"],
    ["sub-office -> the neighbouring kelurahan in its kota", SUDIN_JB, SUDIN_JB_OFFICER, KEL_SU, "ok"],
    ["sub-office -> kelurahan of another kota", SUDIN_JB, SUDIN_JB_OFFICER, KEL_GAMBIR, "VALIDATION_FAILED"],
    ["sub-office -> sibling sub-office", SUDIN_JB, SUDIN_JB_OFFICER, SUDIN_JP, "VALIDATION_FAILED"],
    ["sub-office -> up to its agency", SUDIN_JB, SUDIN_JB_OFFICER, DBM, "VALIDATION_FAILED"],
    ["sub-office -> kecamatan", SUDIN_JB, SUDIN_JB_OFFICER, KEC_KJ, "VALIDATION_FAILED"],
    ["agency -> another agency", DBM, KADIS_BM, SATPOL, "VALIDATION_FAILED"],
    ["agency -> kota", DBM, KADIS_BM, KOTA_JB, "VALIDATION_FAILED"],
    ["agency -> itself", DBM, KADIS_BM, DBM, "VALIDATION_FAILED"],
    ["agency -> inactive unit", DBM, KADIS_BM, OLD_DINAS, "UNIT_NOT_FOUND"],
    ["camat -> kelurahan of the kecamatan", KEC_KJ, CAMAT_KJ, KEL_SU, "ok"],
  ];
  it.each(rows)("%s -> %s", (_name, holder, who, target, expected) => {
    const before = report({ holdingUnitId: holder, involvedUnitIds: [holder] });
    const result = decide(before, who, { action: "dispose", unitId: target, note: "mohon ditangani" }, ctx());
    if (result.ok) assertEventInvariant(before, result.value);
    expect(codeOf(result)).toBe(expected);
  });

  it("records the handover and notifies the receiver", () => {
    const before = report({ state: "in_progress", holdingUnitId: DBM, involvedUnitIds: [DBM], firstActionAt: at(-DAY) });
    const d = run(before, KADIS_BM, { action: "dispose", unitId: SUDIN_JB });
    expect(d.patch).toEqual({
      state: "disposition",
      stateBeforeHandover: "in_progress",
      handoverFromUnitId: DBM,
      holdingUnitId: SUDIN_JB,
      assigneeUserId: null,
      involvedUnitIds: [DBM, SUDIN_JB],
    });
    expect(d.events[0]).toMatchObject({ type: "disposed", fromUnitId: DBM, toUnitId: SUDIN_JB });
    expect(d.notifications).toEqual([{ to: "unit", unitId: SUDIN_JB, template: "disposition_received", params: { ticket: before.ticket, from: "Dinas Bina Marga" } }]);
  });

  it("a kelurahan officer never disposes", () => {
    expect(codeOf(decide(report(), LURAH_KJ, { action: "dispose", unitId: KEL_SU }, ctx()))).toBe("FORBIDDEN");
  });
});

describe("assign", () => {
  type Assignee = NonNullable<DecisionContext["assignee"]>;
  const rows: Array<[string, Assignee | null, Category, ErrorCode | "ok"]> = [
    ["active PPSU of the holding kelurahan, PPSU allowed", PPSU_KJ_USER, JALAN_RUSAK, "ok"],
    ["inactive PPSU", { ...PPSU_KJ_USER, active: false }, JALAN_RUSAK, "VALIDATION_FAILED"],
    ["PPSU of the neighbouring kelurahan", { ...PPSU_KJ_USER, id: "u-ppsu-su", unitId: KEL_SU }, JALAN_RUSAK, "VALIDATION_FAILED"],
    ["PPSU without a unit", { ...PPSU_KJ_USER, unitId: null }, JALAN_RUSAK, "VALIDATION_FAILED"],
    ["PPSU for a category PPSU may not handle", PPSU_KJ_USER, ADMINDUK, "VALIDATION_FAILED"],
    ["a kelurahan officer for that category", { id: "u-staf-kj", role: "kelurahan_officer", unitId: KEL_KJ, active: true }, ADMINDUK, "ok"],
    ["a validator does not take tasks", { id: "u-val", role: "validator", unitId: KEL_KJ, active: true }, JALAN_RUSAK, "VALIDATION_FAILED"],
    ["an executive does not take tasks", { id: "u-exec", role: "executive", unitId: KEL_KJ, active: true }, JALAN_RUSAK, "VALIDATION_FAILED"],
    ["nobody", null, JALAN_RUSAK, "VALIDATION_FAILED"],
  ];
  it.each(rows)("%s -> %s", (_name, assignee, cat, expected) => {
    const before = report();
    const result = decide(before, LURAH_KJ, { action: "assign", assigneeUserId: assignee?.id ?? "u-ghost" }, ctx({ assignee, category: cat }));
    if (result.ok) assertEventInvariant(before, result.value);
    expect(codeOf(result)).toBe(expected);
  });

  it("with no category loaded a PPSU crew is refused", () => {
    const result = decide(report({ categoryCode: null }), LURAH_KJ, { action: "assign", assigneeUserId: PPSU_KJ_USER.id }, ctx({ assignee: PPSU_KJ_USER, category: null }));
    expect(codeOf(result)).toBe("VALIDATION_FAILED");
  });

  it("without assigneeUserId in the command it fails even if the context has someone", () => {
    expect(codeOf(decide(report(), LURAH_KJ, { action: "assign" }, ctx({ assignee: PPSU_KJ_USER })))).toBe("VALIDATION_FAILED");
  });

  it("a waiting report goes to in_progress with the assignee; the holder is told", () => {
    const before = report();
    const d = run(before, LURAH_KJ, { action: "assign", assigneeUserId: PPSU_KJ_USER.id }, ctx({ assignee: PPSU_KJ_USER }));
    expect(d.patch).toMatchObject({ state: "in_progress", assigneeUserId: "u-ppsu-kj", handoverFromUnitId: null, firstActionAt: NOW });
    expect(d.events[0]).toMatchObject({ type: "assigned", data: { assigneeUserId: "u-ppsu-kj", assigneeRole: "ppsu_crew" } });
    expect(d.notifications).toEqual([{ to: "unit", unitId: KEL_KJ, template: "task_assigned", params: { ticket: before.ticket, assigneeUserId: "u-ppsu-kj" } }]);
  });

  it("the camat assigns a PPSU crew of a kelurahan in the kecamatan to a report the kecamatan holds", () => {
    const before = report({ holdingUnitId: KEC_KJ });
    const d = run(before, CAMAT_KJ, { action: "assign", assigneeUserId: PPSU_KJ_USER.id }, ctx({ assignee: PPSU_KJ_USER }));
    expect(d.patch.assigneeUserId).toBe("u-ppsu-kj");
  });

  it.each([
    ["in_progress", "in_progress"],
    ["follow_up_rejected", "follow_up_rejected"],
    ["disposition", "in_progress"],
  ] as const)("from %s the report ends in %s", (state, expected) => {
    const before = report({ state, handoverFromUnitId: state === "disposition" ? SUDIN_JB : null, stateBeforeHandover: state === "disposition" ? "waiting" : null, firstActionAt: at(-DAY) });
    const d = run(before, LURAH_KJ, { action: "assign", assigneeUserId: PPSU_KJ_USER.id }, ctx({ assignee: PPSU_KJ_USER }));
    expect(d.patch.state).toBe(expected);
    expect(apply(before, d).handoverFromUnitId).toBe(state === "disposition" ? null : before.handoverFromUnitId);
  });

  // Regression (was a bug, fixed): assign from disposition clears handoverFromUnitId but leaves stateBeforeHandover behind
  // (take_up and accept_coordination clear both); the report carries a stale "state before handover".
  it("assigning a disposition clears the whole handover, as take_up does", () => {
    const before = report({ state: "disposition", handoverFromUnitId: SUDIN_JB, stateBeforeHandover: "waiting" });
    const d = run(before, LURAH_KJ, { action: "assign", assigneeUserId: PPSU_KJ_USER.id }, ctx({ assignee: PPSU_KJ_USER }));
    expect(apply(before, d).stateBeforeHandover).toBeNull();
  });
});

describe("submit_follow_up", () => {
  const inProgress = report({ state: "in_progress", firstActionAt: at(-DAY), assigneeUserId: PPSU_KJ.userId });

  it.each([
    ["no photos", { photos: undefined, note: "ditambal" }],
    ["empty photo list", { photos: [], note: "ditambal" }],
    ["no note", { photos: ["upl-1"] }],
    ["blank note", { photos: ["upl-1"], note: "  " }],
  ] as const)("%s -> VALIDATION_FAILED", (_name, extra) => {
    const cmd: TransitionCommand = { action: "submit_follow_up", ...extra, photos: extra.photos ? [...extra.photos] : undefined };
    expect(codeOf(decide(inProgress, LURAH_KJ, cmd, ctx()))).toBe("VALIDATION_FAILED");
  });

  it("records who did the follow-up and at which unit, and asks for validation", () => {
    const d = run(inProgress, PPSU_KJ, { action: "submit_follow_up", photos: ["upl-1", "upl-2"], note: "Lubang ditambal 2 m2" });
    expect(d.patch).toEqual({ state: "awaiting_validation", followUpUnitId: KEL_KJ, followUpBy: "u-ppsu-kj" });
    expect(d.events[0]).toMatchObject({ type: "follow_up_submitted", data: { photos: ["upl-1", "upl-2"] }, note: "Lubang ditambal 2 m2" });
    expect(d.notifications).toEqual([{ to: "unit", unitId: KEL_KJ, template: "follow_up_to_validate", params: { ticket: inProgress.ticket } }]);
  });

  it("a public comment alone is enough as the summary", () => {
    const d = run(inProgress, LURAH_KJ, { action: "submit_follow_up", photos: ["upl-1"], publicComment: "Sudah diperbaiki" });
    expect(d.patch.followUpBy).toBe("u-lurah-kj");
  });

  it("resubmits after a rejection", () => {
    const rejected = { ...inProgress, state: "follow_up_rejected" as const };
    expect(run(rejected, PPSU_KJ, { action: "submit_follow_up", photos: ["upl-3"], note: "Foto ulang dengan papan nama jalan" }).patch.state).toBe("awaiting_validation");
  });

  // Regression (was a bug, fixed): `cmd.note ?? cmd.publicComment` lets an empty note (a form field left blank) hide the
  // public comment that was filled in; the same `??` pattern is in coordinate and close.
  it("an empty note does not hide a filled-in public comment", () => {
    const r = decide(inProgress, LURAH_KJ, { action: "submit_follow_up", photos: ["upl-1"], note: "", publicComment: "Sudah diperbaiki" }, ctx());
    expect(codeOf(r)).toBe("ok");
  });
});

describe("validate / reject_follow_up (four eyes)", () => {
  const submitted = report({ state: "awaiting_validation", firstActionAt: at(-2 * DAY), followUpUnitId: KEL_KJ, followUpBy: "u-ppsu-kj", overdue: true });

  it("someone other than the author validates: done, doneAt, citizen told with the summary", () => {
    const d = run(submitted, VALIDATOR_KJ, { action: "validate", publicComment: "Jalan sudah ditambal" });
    expect(d.patch).toEqual({ state: "done", doneAt: NOW, overdue: false });
    expect(d.events[0]).toMatchObject({ type: "follow_up_validated", fromState: "awaiting_validation", toState: "done" });
    expect(d.notifications).toEqual([{ to: "citizen", template: "done", params: { ticket: submitted.ticket, summary: "Jalan sudah ditambal" } }]);
  });

  it("the author may not validate or reject their own follow-up, whatever their role", () => {
    const byAdmin = { ...submitted, followUpBy: ADMIN.userId };
    expect(codeOf(decide(byAdmin, ADMIN, { action: "validate" }, ctx()))).toBe("FORBIDDEN");
    expect(codeOf(decide(byAdmin, ADMIN, { action: "reject_follow_up", reason: "x" }, ctx()))).toBe("FORBIDDEN");
    expect(codeOf(decide(byAdmin, actor("jsc_admin", TRIAGE, "u-admin-2"), { action: "validate" }, ctx()))).toBe("ok");
    const byValidator = { ...submitted, followUpBy: VALIDATOR_KJ.userId };
    expect(codeOf(decide(byValidator, VALIDATOR_KJ, { action: "validate" }, ctx()))).toBe("FORBIDDEN");
  });

  it("an admin's own follow-up needs a second person", () => {
    const inProgress = report({ state: "in_progress", firstActionAt: at(-DAY) });
    const after = apply(inProgress, run(inProgress, ADMIN, { action: "submit_follow_up", photos: ["upl-1"], note: "dicek di lokasi" }));
    expect(after.followUpBy).toBe(ADMIN.userId);
    expect(codeOf(decide(after, ADMIN, { action: "validate" }, ctx()))).toBe("FORBIDDEN");
    expect(apply(after, run(after, CAMAT_KJ, { action: "validate" })).state).toBe("done");
  });

  it("a rejection needs a reason and goes back to the unit for rework", () => {
    expect(codeOf(decide(submitted, VALIDATOR_KJ, { action: "reject_follow_up" }, ctx()))).toBe("VALIDATION_FAILED");
    expect(codeOf(decide(submitted, VALIDATOR_KJ, { action: "reject_follow_up", reason: "" }, ctx()))).toBe("VALIDATION_FAILED");
    const d = run(submitted, VALIDATOR_KJ, { action: "reject_follow_up", reason: "Foto buram" });
    expect(d.patch).toEqual({ state: "follow_up_rejected" });
    expect(d.notifications).toEqual([{ to: "unit", unitId: KEL_KJ, template: "follow_up_rejected", params: { ticket: submitted.ticket, reason: "Foto buram" } }]);
  });
});

describe("close", () => {
  const open = report({ state: "in_progress", firstActionAt: at(-DAY) });
  const original = { id: "rep-12", ticket: "JKT-260409-0012", state: "in_progress" as const };

  const rows: Array<[string, TransitionCommand, Partial<DecisionContext>, ErrorCode | "ok"]> = [
    ["no reason at all", { action: "close", publicComment: "x" }, {}, "VALIDATION_FAILED"],
    ["a free-text reason that is no close reason", { action: "close", reason: "sudah beres", publicComment: "x" }, {}, "VALIDATION_FAILED"],
    ["invalid with an explanation (note)", { action: "close", closeReason: "invalid", note: "Spam iklan pinjol" }, {}, "ok"],
    ["invalid without an explanation", { action: "close", closeReason: "invalid" }, {}, "VALIDATION_FAILED"],
    ["no_further_action explained", { action: "close", closeReason: "no_further_action", publicComment: "Diperbaiki warga secara swadaya" }, {}, "ok"],
    ["no_further_action unexplained", { action: "close", closeReason: "no_further_action", publicComment: "   " }, {}, "VALIDATION_FAILED"],
    ["duplicate naming the original", { action: "close", closeReason: "duplicate" }, { duplicateOf: original }, "ok"],
    ["duplicate via the reason field", { action: "close", reason: "duplicate" }, { duplicateOf: original }, "ok"],
    ["duplicate without the original", { action: "close", closeReason: "duplicate" }, { duplicateOf: null }, "VALIDATION_FAILED"],
    ["duplicate of itself", { action: "close", closeReason: "duplicate" }, { duplicateOf: { id: "rep-73", ticket: "JKT-260410-0073", state: "in_progress" } }, "VALIDATION_FAILED"],
    ["outside_jurisdiction naming a party", { action: "close", closeReason: "outside_jurisdiction", responsibleParty: "PLN UID Jakarta Raya" }, {}, "ok"],
    ["outside_jurisdiction naming a unit", { action: "close", closeReason: "outside_jurisdiction", unitId: PAM }, {}, "ok"],
    ["outside_jurisdiction naming nobody", { action: "close", closeReason: "outside_jurisdiction", publicComment: "bukan urusan kami" }, {}, "VALIDATION_FAILED"],
    ["outside_jurisdiction with a blank party", { action: "close", closeReason: "outside_jurisdiction", responsibleParty: "  " }, {}, "VALIDATION_FAILED"],
    ["outside_jurisdiction naming an unknown unit", { action: "close", closeReason: "outside_jurisdiction", unitId: "pln" }, {}, "VALIDATION_FAILED"],
  ];
  it.each(rows)("%s -> %s", (_name, cmd, extra, expected) => {
    const result = decide(open, LURAH_KJ, cmd, ctx(extra));
    if (result.ok) assertEventInvariant(open, result.value);
    expect(codeOf(result)).toBe(expected);
  });

  const valid: Record<CloseReason, { cmd: TransitionCommand; c: Partial<DecisionContext> }> = {
    invalid: { cmd: { action: "close", closeReason: "invalid", note: "Isi laporan kata-kata kasar" }, c: {} },
    duplicate: { cmd: { action: "close", closeReason: "duplicate" }, c: { duplicateOf: original } },
    outside_jurisdiction: { cmd: { action: "close", closeReason: "outside_jurisdiction", responsibleParty: "PLN UID Jakarta Raya" }, c: {} },
    no_further_action: { cmd: { action: "close", closeReason: "no_further_action", publicComment: "Sudah diperbaiki" }, c: {} },
  };
  it.each(CLOSE_REASONS.map((r) => [r] as const))("closes with %s: state, reason, time and the citizen's notice", (why) => {
    const before = report({ state: "waiting" });
    const d = run(before, LURAH_KJ, valid[why].cmd, ctx(valid[why].c));
    expect(d.patch).toMatchObject({ state: "closed", closeReason: why, closedAt: NOW, firstActionAt: NOW });
    expect(d.events[0]).toMatchObject({ type: "closed", data: { closeReason: why } });
    expect(d.notifications).toHaveLength(1);
    expect(d.notifications[0]).toMatchObject({ to: "citizen", template: "closed", params: { ticket: before.ticket, reason: why } });
  });

  it("a duplicate links to its original and tells the citizen the original ticket", () => {
    const d = run(open, LURAH_KJ, { action: "close", closeReason: "duplicate" }, ctx({ duplicateOf: original }));
    expect(d.patch.duplicateOf).toBe("rep-12");
    expect(d.events[0]?.data).toEqual({ closeReason: "duplicate", duplicateOfTicket: "JKT-260409-0012" });
    expect(d.notifications[0]).toEqual({ to: "citizen", template: "closed", params: { ticket: open.ticket, reason: "duplicate", responsibleParty: null, duplicateOf: "JKT-260409-0012" } });
  });

  it("outside_jurisdiction names the responsible party, or the unit's name", () => {
    expect(run(open, LURAH_KJ, { action: "close", closeReason: "outside_jurisdiction", responsibleParty: " PLN UID Jakarta Raya " }).patch.responsibleParty).toBe("PLN UID Jakarta Raya");
    const d = run(open, LURAH_KJ, { action: "close", closeReason: "outside_jurisdiction", unitId: PAM });
    expect(d.patch.responsibleParty).toBe("PAM Jaya");
    expect(d.notifications[0]).toMatchObject({ params: { responsibleParty: "PAM Jaya" } });
  });

  it("the receiver of a coordination may close it", () => {
    const coordinated = report({ state: "coordination", holdingUnitId: PAM, handoverFromUnitId: KEL_KJ });
    const pamOfficer = actor("agency_officer", PAM);
    expect(run(coordinated, pamOfficer, valid.no_further_action.cmd).patch.state).toBe("closed");
    expect(codeOf(decide(coordinated, LURAH_KJ, valid.no_further_action.cmd, ctx()))).toBe("FORBIDDEN");
  });

  // Regression (was a bug, fixed): `cmd.publicComment ?? cmd.note` — an empty publicComment hides the explanation in note.
  it("an empty public comment does not hide the explanation written in the note", () => {
    const r = decide(open, LURAH_KJ, { action: "close", closeReason: "no_further_action", publicComment: "", note: "Warga sudah memperbaiki sendiri" }, ctx());
    expect(codeOf(r)).toBe("ok");
  });
});

describe("reopen (supervisor)", () => {
  const done = report({
    state: "done",
    firstActionAt: at(-5 * DAY),
    doneAt: at(-DAY),
    followUpUnitId: KEL_KJ,
    followUpBy: "u-ppsu-kj",
    assigneeUserId: "u-ppsu-kj",
    overdue: true,
  });

  it("needs a reason", () => {
    expect(codeOf(decide(done, CAMAT_KJ, { action: "reopen" }, ctx()))).toBe("VALIDATION_FAILED");
  });

  it("sends a done report back to waiting at the follow-up unit and counts a reopen", () => {
    const deadlines = (_c: Category | null, from: Date) => ({ firstActionDueAt: new Date(from.getTime() + DAY), resolutionDueAt: new Date(from.getTime() + 10 * DAY) });
    const d = run(done, CAMAT_KJ, { action: "reopen", reason: "Tambalan lepas lagi" }, ctx({ deadlines }));
    expect(d.patch).toMatchObject({
      state: "waiting",
      holdingUnitId: KEL_KJ,
      reopenCount: 1,
      doneAt: null,
      closedAt: null,
      closeReason: null,
      overdue: false,
      resolutionDueAt: at(10 * DAY),
    });
    expect(d.patch).not.toHaveProperty("firstActionDueAt");
    expect(d.patch).not.toHaveProperty("escalationLevel");
    expect(d.events.map((e) => e.type)).toEqual(["reopened"]);
    expect(d.events[0]).toMatchObject({ toUnitId: KEL_KJ, reason: "Tambalan lepas lagi", data: { reopenCount: 1 } });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: KEL_KJ, template: "report_reopened", params: { ticket: done.ticket, reason: "Tambalan lepas lagi" } },
      { to: "citizen", template: "reopened", params: { ticket: done.ticket } },
    ]);
  });

  it("reopens a closed report and clears the closure", () => {
    const closed = report({ state: "closed", closeReason: "duplicate", duplicateOf: "rep-12", closedAt: at(-DAY), responsibleParty: null });
    const d = run(closed, VALIDATOR_KJ, { action: "reopen", reason: "bukan duplikat, lokasi berbeda" });
    expect(d.patch).toMatchObject({ state: "waiting", holdingUnitId: KEL_KJ, closeReason: null, duplicateOf: null, closedAt: null, reopenCount: 1 });
  });

  // Regression (was a bug, fixed): reopenDecision always prefers followUpUnitId, which survives from an earlier TL cycle. A
  // report done at Kebon Jeruk, disputed, coordinated to Satpol PP and closed there is reopened by a
  // supervisor over Satpol PP into Kebon Jeruk instead of back to Satpol PP, the unit that closed it.
  it("a closed report is reopened at the unit that closed it, not at a stale follow-up unit", () => {
    const closedBySatpol = report({
      state: "closed",
      holdingUnitId: SATPOL,
      involvedUnitIds: [KEL_KJ, SATPOL],
      followUpUnitId: KEL_KJ,
      followUpBy: "u-ppsu-kj",
      closeReason: "no_further_action",
      closedAt: at(-DAY),
      reopenCount: 1,
    });
    const d = run(closedBySatpol, actor("supervisor", PROV), { action: "reopen", reason: "PKL kembali berjualan" });
    expect(d.patch.holdingUnitId).toBe(SATPOL);
  });
});

describe("route (triage desk)", () => {
  const inTriage = report({ state: "triage", holdingUnitId: TRIAGE, involvedUnitIds: [TRIAGE], categoryCode: "lainnya", kelurahanCode: null });
  const calls: Array<{ category: string | null; from: Date }> = [];
  const deadlines = (c: Category | null, from: Date) => {
    calls.push({ category: c?.code ?? null, from });
    return { firstActionDueAt: new Date(from.getTime() + (c?.slaFirstActionDays ?? 1) * DAY), resolutionDueAt: new Date(from.getTime() + (c?.slaResolutionDays ?? 5) * DAY) };
  };

  it("routes from triage with a corrected category and restarts the clock with its targets", () => {
    calls.length = 0;
    const d = run(inTriage, ADMIN, { action: "route", unitId: KEL_KJ, categoryCode: "fasilitas_kelurahan" }, ctx({ category: LAINNYA, newCategory: FASILITAS, deadlines }));
    expect(calls).toEqual([{ category: "fasilitas_kelurahan", from: NOW }]);
    expect(d.patch).toEqual({
      state: "waiting",
      holdingUnitId: KEL_KJ,
      handoverFromUnitId: null,
      stateBeforeHandover: null,
      assigneeUserId: null,
      involvedUnitIds: [TRIAGE, KEL_KJ],
      categoryCode: "fasilitas_kelurahan",
      firstActionDueAt: at(1 * DAY),
      resolutionDueAt: at(3 * DAY),
      overdue: false,
      firstActionBreached: false,
      resolutionBreached: false,
    });
    expect(d.events[0]).toMatchObject({ type: "routed", fromUnitId: TRIAGE, toUnitId: KEL_KJ, data: { category: "fasilitas_kelurahan" } });
    expect(d.notifications).toEqual([{ to: "unit", unitId: KEL_KJ, template: "new_report", params: { ticket: inTriage.ticket } }]);
  });

  it("without a correction the clock uses the report's category", () => {
    calls.length = 0;
    const d = run(inTriage, ADMIN, { action: "route", unitId: SUDIN_JB }, ctx({ category: JALAN_RUSAK, deadlines }));
    expect(calls).toEqual([{ category: "jalan_rusak", from: NOW }]);
    expect(d.patch).not.toHaveProperty("categoryCode");
    expect(d.patch.resolutionDueAt).toEqual(at(10 * DAY));
  });

  it("without a clock no deadlines are touched", () => {
    const d = run(inTriage, ADMIN, { action: "route", unitId: KEL_KJ });
    expect(d.patch).not.toHaveProperty("resolutionDueAt");
    expect(d.patch).not.toHaveProperty("overdue");
  });

  it("re-routing a waiting report tells the previous holder", () => {
    const misrouted = report({ holdingUnitId: KEL_SU, involvedUnitIds: [KEL_SU] });
    const d = run(misrouted, ADMIN, { action: "route", unitId: KEL_KJ });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: KEL_KJ, template: "new_report", params: { ticket: misrouted.ticket } },
      { to: "unit", unitId: KEL_SU, template: "report_rerouted", params: { ticket: misrouted.ticket, to: "Kelurahan Kebon Jeruk" } },
    ]);
  });

  it.each([
    ["an unknown corrected category", { action: "route", unitId: KEL_KJ, categoryCode: "ufo" } as TransitionCommand, "CATEGORY_NOT_FOUND"],
    ["back to the triage desk", { action: "route", unitId: TRIAGE } as TransitionCommand, "VALIDATION_FAILED"],
    ["no unit", { action: "route" } as TransitionCommand, "VALIDATION_FAILED"],
    ["an inactive unit", { action: "route", unitId: OLD_DINAS } as TransitionCommand, "UNIT_NOT_FOUND"],
  ] as const)("refuses %s", (_name, cmd, expected) => {
    expect(codeOf(decide(inTriage, ADMIN, cmd, ctx({ newCategory: null })))).toBe(expected);
  });

  it("only the jsc_admin routes", () => {
    for (const role of ROLES.filter((r) => r !== "jsc_admin")) {
      expect(codeOf(decide(inTriage, actor(role, TRIAGE), { action: "route", unitId: KEL_KJ }, ctx())), role).toBe("FORBIDDEN");
    }
  });
});

// ---- disputes ------------------------------------------------------------------------------

describe("decideDispute", () => {
  const done = report({
    state: "done",
    firstActionAt: at(-6 * DAY),
    doneAt: at(-2 * DAY),
    followUpUnitId: KEL_KJ,
    followUpBy: "u-ppsu-kj",
    citizenId: "cit-reporter",
  });
  const neighbour = { reason: "Lubang di depan rumah saya belum ditambal", citizenId: "cit-tetangga" };
  const reporter = { reason: "Masih berlubang", citizenId: "cit-reporter" };

  const refusals: Array<[string, Report, { reason: string; citizenId: string | null }, Category | null, ErrorCode]> = [
    ["in_progress is not done", { ...done, state: "in_progress", doneAt: null }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["closed is not done", { ...done, state: "closed", doneAt: null, closedAt: at(-DAY) }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["awaiting_validation is not done", { ...done, state: "awaiting_validation", doneAt: null }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["done without doneAt", { ...done, doneAt: null }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["window of 7 days passed", { ...done, doneAt: at(-8 * DAY) }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["one millisecond past the window", { ...done, doneAt: at(-7 * DAY - 1) }, reporter, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["category without disputes, even the reporter", done, reporter, PKL, "DISPUTE_NOT_ALLOWED"],
    ["reporter_only, by a neighbour", done, neighbour, ADMINDUK, "DISPUTE_NOT_ALLOWED"],
    ["no category loaded defaults to reporter_only", done, neighbour, null, "DISPUTE_NOT_ALLOWED"],
    ["unknown citizen", done, { reason: "x", citizenId: null }, JALAN_RUSAK, "DISPUTE_NOT_ALLOWED"],
    ["blank reason", done, { reason: "   ", citizenId: "cit-tetangga" }, JALAN_RUSAK, "VALIDATION_FAILED"],
  ];
  it.each(refusals)("%s -> %s", (_name, r, input, cat, expected) => {
    expect(codeOf(decideDispute(r, input, ctx({ category: cat })))).toBe(expected);
  });

  it("reporter_only accepts the reporter", () => {
    const d = okDecision(done, decideDispute(done, reporter, ctx({ category: ADMINDUK })));
    expect(d.patch.state).toBe("waiting");
  });

  it("accepts on the last moment of the window", () => {
    const edge = { ...done, doneAt: at(-7 * DAY) };
    expect(codeOf(decideDispute(edge, neighbour, ctx()))).toBe("ok");
  });

  it("any_citizen: a neighbour's dispute sends it back to the unit that did the TL, not the current holder", () => {
    const heldElsewhere = { ...done, holdingUnitId: SUDIN_JB, involvedUnitIds: [SUDIN_JB, KEL_KJ] };
    const d = okDecision(heldElsewhere, decideDispute(heldElsewhere, neighbour, ctx()));
    expect(d.patch).toMatchObject({ state: "waiting", holdingUnitId: KEL_KJ, reopenCount: 1, doneAt: null, involvedUnitIds: [SUDIN_JB, KEL_KJ] });
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({
      type: "disputed",
      fromState: "done",
      toState: "waiting",
      fromUnitId: SUDIN_JB,
      toUnitId: KEL_KJ,
      reason: neighbour.reason,
      publicComment: neighbour.reason,
      data: { reopenCount: 1, citizenId: "cit-tetangga" },
    });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: KEL_KJ, template: "report_reopened", params: { ticket: done.ticket, reason: neighbour.reason } },
      { to: "citizen", template: "dispute_accepted", params: { ticket: done.ticket } },
    ]);
  });

  it("the second reopen (threshold 2) escalates a kelurahan's report to its kecamatan", () => {
    const reopenedOnce = { ...done, reopenCount: 1 };
    const d = okDecision(reopenedOnce, decideDispute(reopenedOnce, neighbour, ctx()));
    expect(d.patch).toMatchObject({ state: "waiting", holdingUnitId: KEL_KJ, reopenCount: 2, escalationLevel: 1, escalatedToUnitId: KEC_KJ });
    expect(d.events.map((e) => e.type)).toEqual(["disputed", "escalated"]);
    expect(d.events[1]).toMatchObject({ unitId: KEL_KJ, toState: "waiting", reason: "reopened 2 times", data: { level: 1, supervisorUnitId: KEC_KJ } });
    expect(d.notifications).toContainEqual({ to: "unit", unitId: KEC_KJ, template: "escalation", params: { ticket: done.ticket, reason: "reopened 2 times", level: 1 } });
  });

  it("a sub-office's TL disputed a second time escalates to its agency", () => {
    const bySudin = { ...done, holdingUnitId: SUDIN_JB, followUpUnitId: SUDIN_JB, reopenCount: 1, escalationLevel: 1, escalatedToUnitId: DBM };
    const d = okDecision(bySudin, decideDispute(bySudin, neighbour, ctx()));
    expect(d.patch).toMatchObject({ holdingUnitId: SUDIN_JB, reopenCount: 2, escalationLevel: 2, escalatedToUnitId: DBM });
    expect(d.notifications).toContainEqual({ to: "unit", unitId: DBM, template: "escalation", params: { ticket: done.ticket, reason: "reopened 2 times", level: 2 } });
  });

  it("the first reopen does not escalate", () => {
    const d = okDecision(done, decideDispute(done, neighbour, ctx()));
    expect(d.events.some((e) => e.type === "escalated")).toBe(false);
    expect(d.notifications.some((n) => n.to === "unit" && n.template === "escalation")).toBe(false);
  });

  it("a reopen gets a fresh resolution deadline from the clock", () => {
    const deadlines = (_c: Category | null, from: Date) => ({ firstActionDueAt: new Date(from.getTime() + DAY), resolutionDueAt: new Date(from.getTime() + 10 * DAY) });
    const d = okDecision(done, decideDispute(done, neighbour, ctx({ deadlines })));
    expect(d.patch.resolutionDueAt).toEqual(at(10 * DAY));
    expect(d.patch).not.toHaveProperty("firstActionDueAt");
  });
});

// ---- SLA -------------------------------------------------------------------------------------

describe("decideSlaBreach", () => {
  const open = report({ state: "in_progress", firstActionAt: at(-2 * DAY), firstActionDueAt: at(-1 * DAY), resolutionDueAt: at(2 * DAY) });
  const sla = (p: Partial<DecisionContext> & { accountableUnitId?: string } = {}) => ({ ...ctx(), accountableUnitId: KEL_KJ, ...p });

  it("is silent before the deadlines", () => {
    expect(decideSlaBreach(open, sla())).toBeNull();
    expect(decideSlaBreach(report({ firstActionDueAt: at(DAY), resolutionDueAt: at(5 * DAY) }), sla())).toBeNull();
  });

  it("is silent at the exact deadline", () => {
    expect(decideSlaBreach({ ...open, resolutionDueAt: NOW }, sla())).toBeNull();
  });

  it("flags a resolution breach once, charges the accountable unit and escalates to the holder's supervisor", () => {
    const late = { ...open, resolutionDueAt: at(-1) };
    const d = decideSlaBreach(late, sla());
    expect(d).not.toBeNull();
    if (!d) return;
    assertEventInvariant(late, d);
    expect(d.patch).toEqual({ overdue: true, firstActionBreached: false, resolutionBreached: true, escalationLevel: 1, escalatedToUnitId: KEC_KJ });
    expect(d.events.map((e) => e.type)).toEqual(["sla_breached", "escalated"]);
    expect(d.events[0]).toMatchObject({
      unitId: KEL_KJ,
      reason: "resolution",
      data: { kind: "resolution", accountableUnitId: KEL_KJ, dueAt: at(-1).toISOString() },
    });
    expect(d.notifications).toEqual([
      { to: "unit", unitId: KEL_KJ, template: "sla_breached", params: { ticket: late.ticket, kind: "resolution" } },
      { to: "unit", unitId: KEC_KJ, template: "escalation", params: { ticket: late.ticket, reason: "SLA resolution overdue", level: 1 } },
    ]);
  });

  it("flags a first-action breach when nobody acted in time", () => {
    const untouched = report({ state: "waiting", firstActionAt: null, firstActionDueAt: at(-1), resolutionDueAt: at(4 * DAY) });
    const d = decideSlaBreach(untouched, sla());
    expect(d?.events[0]).toMatchObject({ type: "sla_breached", reason: "first_action", data: { kind: "first_action", dueAt: at(-1).toISOString() } });
    expect(d?.patch.overdue).toBe(true);
  });

  it("a first action taken (late or not) stops the first-action clock", () => {
    expect(decideSlaBreach(report({ firstActionAt: at(-1), firstActionDueAt: at(-DAY), resolutionDueAt: at(DAY) }), sla())).toBeNull();
  });

  it("both late: it is reported as a resolution breach", () => {
    const d = decideSlaBreach(report({ firstActionAt: null, firstActionDueAt: at(-3 * DAY), resolutionDueAt: at(-1) }), sla());
    expect(d?.events[0]?.data.kind).toBe("resolution");
  });

  it("charges the unit that held it when the clock ran out, not the current holder", () => {
    const movedOn = { ...open, state: "coordination" as const, holdingUnitId: SATPOL, handoverFromUnitId: KEL_KJ, resolutionDueAt: at(-DAY) };
    const d = decideSlaBreach(movedOn, sla({ accountableUnitId: KEL_KJ }));
    expect(d?.events[0]).toMatchObject({ unitId: KEL_KJ, fromState: "coordination", toState: "coordination", data: { accountableUnitId: KEL_KJ } });
    // the escalation follows the holder: Satpol PP reports to the province
    expect(d?.patch.escalatedToUnitId).toBe(PROV);
  });

  it("never twice", () => {
    expect(decideSlaBreach({ ...open, resolutionDueAt: at(-DAY), overdue: true, resolutionBreached: true }, sla())).toBeNull();
  });

  it.each(["done", "closed"] as const)("never for a %s report", (state) => {
    expect(decideSlaBreach({ ...open, state, resolutionDueAt: at(-DAY), firstActionAt: null, firstActionDueAt: at(-DAY) }, sla())).toBeNull();
  });
});

describe("escalate", () => {
  it.each([
    ["kelurahan -> its kecamatan", KEL_KJ, KEC_KJ],
    ["kecamatan -> its kota", KEC_KJ, KOTA_JB],
    ["sub-office -> its agency", SUDIN_JP, DBM],
    ["agency -> the province", DBM, PROV],
  ])("%s", (_name, holder, supervisor) => {
    const d = escalate(report({ holdingUnitId: holder }), ctx(), "manual");
    expect(d.patch).toEqual({ escalationLevel: 1, escalatedToUnitId: supervisor });
    expect(d.notifications).toEqual([{ to: "unit", unitId: supervisor, template: "escalation", params: { ticket: "JKT-260410-0073", reason: "manual", level: 1 } }]);
  });

  it("an explicit supervisor unit wins over the parent", () => {
    const dir = buildUnitDirectory(UNITS.map((u) => (u.id === KEL_GAMBIR ? { ...u, supervisorUnitId: KOTA_JP } : u)));
    const d = escalate(report({ holdingUnitId: KEL_GAMBIR }), ctx({ units: dir }), "langsung ke wali kota");
    expect(d.patch.escalatedToUnitId).toBe(KOTA_JP);
  });

  it("a unit without a supervisor records the escalation but notifies nobody", () => {
    const d = escalate(report({ holdingUnitId: PAM, escalatedToUnitId: null }), ctx(), "manual");
    expect(d.patch).toEqual({ escalationLevel: 1, escalatedToUnitId: null });
    expect(d.events[0]?.data).toEqual({ level: 1, supervisorUnitId: null });
    expect(d.notifications).toEqual([]);
  });
});

describe("event invariant", () => {
  it("holds for every successful decision of the role x state sweep (and is asserted inline everywhere else)", () => {
    const before = decisionsChecked;
    let successes = 0;
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        for (const state of REPORT_STATES) {
          const { before: r, who, cmd, c } = scenario(action, role, state);
          const result = decide(r, who, cmd, c);
          if (!result.ok) continue;
          assertEventInvariant(r, result.value);
          successes++;
        }
      }
    }
    const expected = ACTIONS.reduce((n, a) => n + (EXPECTED_ROLES[a].length + 1) * EXPECTED_FROM[a].length, 0);
    expect(successes).toBe(expected);
    expect(decisionsChecked - before).toBe(successes);
  });
});

describe("decideSlaBreach after a first-action breach", () => {
  it("flags the resolution breach later as well, escalating again", () => {
    const late = report({ firstActionAt: null, firstActionDueAt: at(-DAY), resolutionDueAt: at(DAY) });
    const first = decideSlaBreach(late, { now: NOW, units, category: JALAN_RUSAK, accountableUnitId: KEL_KJ });
    expect(first?.patch).toMatchObject({ overdue: true, firstActionBreached: true, resolutionBreached: false, escalationLevel: 1 });
    const after = { ...late, ...first!.patch } as Report;
    expect(decideSlaBreach(after, { now: NOW, units, category: JALAN_RUSAK, accountableUnitId: KEL_KJ })).toBeNull();
    const later = decideSlaBreach(after, { now: at(2 * DAY), units, category: JALAN_RUSAK, accountableUnitId: KEL_KJ });
    expect(later?.patch).toMatchObject({ resolutionBreached: true, escalationLevel: 2 });
    expect(later?.events[0]).toMatchObject({ type: "sla_breached", reason: "resolution" });
  });
});
