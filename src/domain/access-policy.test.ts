import { describe, expect, it } from "vitest";
import { actsFor, canAdminister, canSeeReport, inRegion, readScope, ROLES, type Actor, type ReadScope, type Role } from "./access-policy.ts";
import type { Report } from "./report.ts";
import { DBM, KEC_KJ, KEL_GAMBIR, KEL_KJ, KEL_SU, KOTA_JB, KOTA_JP, PAM, SATPOL, SUDIN_JB, SUDIN_JP, TRIAGE, jakartaUnits } from "./test-fixtures.ts";

// ---- fixture: a slice of DKI Jakarta (shared, see test-fixtures.ts) -------------------------

const units = jakartaUnits;

type Visible = Pick<Report, "holdingUnitId" | "involvedUnitIds" | "kelurahanCode" | "assigneeUserId" | "handoverFromUnitId">;

const visible = (holdingUnitId: string, kelurahanCode: string | null, p: Partial<Visible> = {}): Visible => ({
  holdingUnitId,
  involvedUnitIds: [holdingUnitId],
  kelurahanCode,
  assigneeUserId: null,
  handoverFromUnitId: null,
  ...p,
});

const actor = (role: Role, unitId: string | null, userId = `u-${role}-${unitId ?? "none"}`): Actor => ({ userId, role, unitId });

// Reports
const R = {
  /** held by Kebon Jeruk, located there */
  kjOwn: visible(KEL_KJ, "31.73.05.1001"),
  /** located in Kebon Jeruk, routed straight to Sudin JB and coordinated on to Satpol PP: KJ never held it */
  kjAtAgency: visible(SATPOL, "31.73.05.1001", { involvedUnitIds: [SUDIN_JB, SATPOL], handoverFromUnitId: SUDIN_JB }),
  /** the neighbouring kelurahan's own report */
  suOwn: visible(KEL_SU, "31.73.05.1002"),
  /** Gambir, held by Sudin JP */
  gambirAtSudin: visible(SUDIN_JP, "31.71.01.1001"),
  /** Kebon Jeruk, assigned to its PPSU crew */
  kjAssigned: visible(KEL_KJ, "31.73.05.1001", { assigneeUserId: "u-ppsu-kj" }),
  /** an aspirasi without a place at Dinas Bina Marga itself */
  dbmNoPlace: visible(DBM, null),
  /** waiting at the triage desk, no place */
  inTriage: visible(TRIAGE, null),
  /** started at Kebon Jeruk, coordinated to PAM Jaya, location unknown */
  kjToPam: visible(PAM, null, { involvedUnitIds: [KEL_KJ, PAM], handoverFromUnitId: KEL_KJ }),
} as const;
type ReportName = keyof typeof R;

const A = {
  lurahKJ: actor("kelurahan_officer", KEL_KJ),
  lurahSU: actor("kelurahan_officer", KEL_SU),
  ppsuKJ: actor("ppsu_crew", KEL_KJ, "u-ppsu-kj"),
  ppsuKJ2: actor("ppsu_crew", KEL_KJ, "u-ppsu-kj-2"),
  validatorKJ: actor("validator", KEL_KJ),
  camatKJ: actor("supervisor", KEC_KJ),
  walikotaJB: actor("supervisor", KOTA_JB),
  walikotaJP: actor("supervisor", KOTA_JP),
  dinasBM: actor("agency_officer", DBM),
  sudinJB: actor("agency_officer", SUDIN_JB),
  sudinJP: actor("agency_officer", SUDIN_JP),
  satpol: actor("agency_officer", SATPOL),
  executive: actor("executive", null),
  admin: actor("jsc_admin", TRIAGE),
  noUnit: actor("kelurahan_officer", null),
  ghostUnit: actor("agency_officer", "dinas-yang-sudah-dihapus"),
} as const;
type ActorName = keyof typeof A;

/** Who sees what. Every cell is written out. */
const SEES: Record<ActorName, readonly ReportName[]> = {
  lurahKJ: ["kjOwn", "kjAtAgency", "kjAssigned", "kjToPam"],
  lurahSU: ["suOwn"],
  ppsuKJ: ["kjAssigned"],
  ppsuKJ2: [],
  validatorKJ: ["kjOwn", "kjAtAgency", "kjAssigned", "kjToPam"],
  camatKJ: ["kjOwn", "kjAtAgency", "suOwn", "kjAssigned", "kjToPam"],
  walikotaJB: ["kjOwn", "kjAtAgency", "suOwn", "kjAssigned", "kjToPam"],
  walikotaJP: ["gambirAtSudin"],
  dinasBM: ["kjAtAgency", "gambirAtSudin", "dbmNoPlace"],
  sudinJB: ["kjAtAgency"],
  sudinJP: ["gambirAtSudin"],
  satpol: ["kjAtAgency"],
  executive: Object.keys(R) as ReportName[],
  admin: Object.keys(R) as ReportName[],
  noUnit: [],
  ghostUnit: [],
};

/** The list filter a store would build from readScope, to check it agrees with canSeeReport. */
function matchesScope(scope: ReadScope | null, r: Visible): boolean {
  if (scope === null) return true;
  if (scope.assigneeUserId !== undefined && r.assigneeUserId === scope.assigneeUserId) return true;
  if (scope.unitIds.has(r.holdingUnitId)) return true;
  if (r.involvedUnitIds.some((id) => scope.unitIds.has(id))) return true;
  return !!scope.regionPrefix && !!r.kelurahanCode && (r.kelurahanCode === scope.regionPrefix || r.kelurahanCode.startsWith(`${scope.regionPrefix}.`));
}

describe("canSeeReport", () => {
  it.each(Object.keys(A) as ActorName[])("%s sees exactly its reports", (name) => {
    const seen = (Object.keys(R) as ReportName[]).filter((r) => canSeeReport(A[name], R[r], units));
    expect(seen).toEqual([...SEES[name]]);
  });

  it("readScope filters lists exactly as canSeeReport decides one report", () => {
    const mismatches: string[] = [];
    for (const a of Object.keys(A) as ActorName[]) {
      const scope = readScope(A[a], units);
      for (const r of Object.keys(R) as ReportName[]) {
        if (matchesScope(scope, R[r]) !== canSeeReport(A[a], R[r], units)) mismatches.push(`${a}/${r}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("a lurah keeps following a report of their kelurahan after coordinating it away", () => {
    expect(canSeeReport(A.lurahKJ, R.kjToPam, units)).toBe(true);
    expect(canSeeReport(A.lurahSU, R.kjToPam, units)).toBe(false);
  });

  it("the neighbouring kelurahan's report stays out of sight, whatever the state", () => {
    expect(canSeeReport(A.lurahKJ, R.suOwn, units)).toBe(false);
    expect(canSeeReport(A.lurahKJ, visible(SUDIN_JB, "31.73.05.1002"), units)).toBe(false);
  });

  it("a PPSU crew sees only its own task, not the rest of its kelurahan", () => {
    expect(canSeeReport(A.ppsuKJ, R.kjOwn, units)).toBe(false);
    expect(canSeeReport(A.ppsuKJ, R.kjAssigned, units)).toBe(true);
    expect(canSeeReport(A.ppsuKJ2, R.kjAssigned, units)).toBe(false);
    // wherever the task is held
    expect(canSeeReport(A.ppsuKJ, visible(SUDIN_JB, "31.73.05.1001", { assigneeUserId: "u-ppsu-kj" }), units)).toBe(true);
  });

  // Regression (was a bug, fixed): only PPSU crews are matched on the assignment. assign() accepts any officer in the holder's
  // subtree, so a Sudin JB officer assigned to a report Dinas Bina Marga holds (an aspirasi without a
  // place) cannot even see their own task (nor submit its follow-up).
  it("an officer assigned to a report held above their unit can see it", () => {
    const assignedDown = visible(DBM, null, { assigneeUserId: A.sudinJB.userId });
    expect(canSeeReport(A.sudinJB, assignedDown, units)).toBe(true);
  });
});

describe("readScope", () => {
  it("see-all roles get no filter", () => {
    expect(readScope(A.executive, units)).toBeNull();
    expect(readScope(A.admin, units)).toBeNull();
    expect(readScope(actor("jsc_admin", null), units)).toBeNull();
  });

  it("a lurah: their kelurahan and its region code", () => {
    expect(readScope(A.lurahKJ, units)).toEqual({ unitIds: new Set([KEL_KJ]), regionPrefix: "31.73.05.1001", assigneeUserId: A.lurahKJ.userId });
  });

  it("a camat: the kecamatan, all its kelurahan and its region", () => {
    expect(readScope(A.camatKJ, units)).toEqual({ unitIds: new Set([KEC_KJ, KEL_KJ, KEL_SU]), regionPrefix: "31.73.05", assigneeUserId: A.camatKJ.userId });
  });

  it("an agency: itself and its sub-offices, no region", () => {
    expect(readScope(A.dinasBM, units)).toEqual({ unitIds: new Set([DBM, SUDIN_JB, SUDIN_JP]), regionPrefix: null, assigneeUserId: A.dinasBM.userId });
    expect(readScope(A.sudinJB, units)).toEqual({ unitIds: new Set([SUDIN_JB]), regionPrefix: null, assigneeUserId: A.sudinJB.userId });
  });

  it("a PPSU crew: its assignments only", () => {
    expect(readScope(A.ppsuKJ, units)).toEqual({ unitIds: new Set(), regionPrefix: null, assigneeUserId: "u-ppsu-kj" });
  });

  it("no unit, or an unknown unit: nothing", () => {
    expect(readScope(A.noUnit, units)).toEqual({ unitIds: new Set(), regionPrefix: null, assigneeUserId: A.noUnit.userId });
    expect(readScope(A.ghostUnit, units)).toEqual({ unitIds: new Set(), regionPrefix: null, assigneeUserId: A.ghostUnit.userId });
  });
});

describe("actsFor", () => {
  const rows: Array<[string, Actor, string, boolean]> = [
    ["lurah for own kelurahan", A.lurahKJ, KEL_KJ, true],
    ["lurah for the neighbouring kelurahan", A.lurahKJ, KEL_SU, false],
    ["lurah for their kecamatan (upwards)", A.lurahKJ, KEC_KJ, false],
    ["camat for a kelurahan in the kecamatan", A.camatKJ, KEL_SU, true],
    ["camat for a kelurahan of another kecamatan", A.camatKJ, KEL_GAMBIR, false],
    ["wali kota for a kelurahan of the kota", A.walikotaJB, KEL_KJ, true],
    ["agency for its sub-office", A.dinasBM, SUDIN_JB, true],
    ["agency for its other sub-office", A.dinasBM, SUDIN_JP, true],
    ["sub-office for itself", A.sudinJB, SUDIN_JB, true],
    ["sub-office for another kota's sub-office", A.sudinJB, SUDIN_JP, false],
    ["sub-office for its agency", A.sudinJB, DBM, false],
    ["agency for a kelurahan", A.dinasBM, KEL_KJ, false],
    ["agency for another agency", A.satpol, DBM, false],
    ["wali kota for a sub-office in the kota (different tree)", A.walikotaJB, SUDIN_JB, false],
    ["officer without a unit", A.noUnit, KEL_KJ, false],
    ["jsc_admin for anything", A.admin, PAM, true],
    ["jsc_admin without a unit", actor("jsc_admin", null), KEL_GAMBIR, true],
  ];
  it.each(rows)("%s -> %s", (_name, who, unitId, expected) => {
    expect(actsFor(who, unitId, units)).toBe(expected);
  });
});

describe("inRegion", () => {
  it.each([
    ["31.73.05.1001", "31.73.05.1001", true],
    ["31.73.05.1001", "31.73.05", true],
    ["31.73.05.1001", "31.73", true],
    ["31.73.05.1001", "31", true],
    ["31.73.05.1002", "31.73.05.1001", false],
    ["31.73.05.1001", "31.73.0", false],
    ["31.730.05.1001", "31.73", false],
    ["31.71.01.1001", "31.73", false],
  ] as const)("%s in %s -> %s", (code, prefix, expected) => {
    expect(inRegion(code, prefix)).toBe(expected);
  });
});

describe("canAdminister", () => {
  it.each(ROLES.map((r) => [r, r === "jsc_admin"] as const))("%s -> %s", (role, expected) => {
    expect(canAdminister(actor(role, TRIAGE))).toBe(expected);
  });
});
