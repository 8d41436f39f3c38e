import type { Report } from "./report.ts";
import type { UnitDirectory } from "./units.ts";

export const ROLES = [
  "jsc_admin",
  "kelurahan_officer",
  "ppsu_crew",
  "agency_officer",
  "validator",
  "supervisor",
  "executive",
] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated officer: who, in which role, for which unit. */
export interface Actor {
  userId: string;
  role: Role;
  unitId: string | null;
}

/** Roles that see every report (the triage desk administers, executives read dashboards). */
const SEE_ALL: ReadonlySet<Role> = new Set(["jsc_admin", "executive"]);

/**
 * What an officer may read. The scope is the subtree of the officer's unit; territorial units
 * (kelurahan, kecamatan, kota) also watch reports located in their area even while an agency
 * holds them, so a lurah can follow what was coordinated away. PPSU crews see their own tasks.
 */
export function canSeeReport(
  actor: Actor,
  report: Pick<Report, "holdingUnitId" | "involvedUnitIds" | "kelurahanCode" | "assigneeUserId" | "handoverFromUnitId">,
  units: UnitDirectory,
): boolean {
  if (SEE_ALL.has(actor.role)) return true;
  if (report.assigneeUserId === actor.userId) return true;
  if (!actor.unitId) return false;
  if (actor.role === "ppsu_crew") return false;
  const scope = readScope(actor, units);
  if (!scope) return false;
  if (scope.unitIds.has(report.holdingUnitId)) return true;
  if (report.involvedUnitIds.some((id) => scope.unitIds.has(id))) return true;
  if (scope.regionPrefix && report.kelurahanCode && inRegion(report.kelurahanCode, scope.regionPrefix)) return true;
  return false;
}

export interface ReadScope {
  /** null = everything */
  unitIds: Set<string>;
  regionPrefix: string | null;
  assigneeUserId?: string;
}

/** The read scope as data, so the store can filter lists with the same rule as canSeeReport. */
export function readScope(actor: Actor, units: UnitDirectory): ReadScope | null {
  if (SEE_ALL.has(actor.role)) return null;
  const mine = { assigneeUserId: actor.userId };
  if (!actor.unitId || actor.role === "ppsu_crew") return { unitIds: new Set(), regionPrefix: null, ...mine };
  const unit = units.get(actor.unitId);
  if (!unit) return { unitIds: new Set(), regionPrefix: null, ...mine };
  const unitIds = new Set(units.all().filter((u) => units.isWithin(u.id, unit.id)).map((u) => u.id));
  const territorial = unit.kind === "kelurahan" || unit.kind === "kecamatan" || unit.kind === "kota" || unit.kind === "province";
  return { unitIds, regionPrefix: territorial ? unit.regionCode : null, ...mine };
}

/** "31.71.01.1001" lies in "31.71.01" and in "31.71" (whole segments only). */
export function inRegion(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(prefix + ".");
}

/** True when the actor acts for the unit: the unit itself or one below it. */
export function actsFor(actor: Actor, unitId: string, units: UnitDirectory): boolean {
  if (actor.role === "jsc_admin") return true;
  return actor.unitId !== null && units.isWithin(unitId, actor.unitId);
}

/** Roles allowed to administer reference data and users. */
export function canAdminister(actor: Actor): boolean {
  return actor.role === "jsc_admin";
}

/** Roles that answer the citizen for the unit holding a report (besides jsc_admin, who may do everything). */
const REPLIERS: ReadonlySet<Role> = new Set(["kelurahan_officer", "agency_officer"]);

/**
 * Who may write to the citizen on the report's channel: officers of the holding unit (or a unit
 * above it) in a role that speaks for the unit, and the triage desk. Field crews, validators,
 * supervisors and executives do not answer citizens directly.
 */
export function canReplyToCitizen(actor: Actor, report: Pick<Report, "holdingUnitId">, units: UnitDirectory): boolean {
  if (actor.role === "jsc_admin") return true;
  return REPLIERS.has(actor.role) && actsFor(actor, report.holdingUnitId, units);
}
