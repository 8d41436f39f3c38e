import type { Unit } from "./report.ts";

/**
 * The unit tree as the rules need it: kelurahan < kecamatan < kota < province, sub-office < agency.
 * Built from the units table (data, not code).
 */
export interface UnitDirectory {
  get(id: string): Unit | undefined;
  all(): readonly Unit[];
  /** True when unitId is ancestorId or lies below it in the tree. */
  isWithin(unitId: string, ancestorId: string): boolean;
  /** Where escalations from this unit go: its supervisor, else its parent. */
  supervisorOf(unitId: string): Unit | undefined;
  /** The territorial unit (kelurahan, kecamatan, kota) governing exactly this region code. */
  territorialUnitFor(regionCode: string): Unit | undefined;
  /** The sub-office of an agency serving the region (by kota code prefix), if it has one. */
  subOfficeFor(agencyId: string, regionCode: string): Unit | undefined;
  /** The triage desk. */
  triageUnit(): Unit | undefined;
}

const TERRITORIAL = new Set(["kelurahan", "kecamatan", "kota", "province"]);

/** The kota/kabupaten code of a Kemendagri region code: "31.71.01.1001" -> "31.71". */
export function kotaCodeOf(regionCode: string): string {
  return regionCode.split(".").slice(0, 2).join(".");
}

export function buildUnitDirectory(units: readonly Unit[]): UnitDirectory {
  const byId = new Map(units.map((u) => [u.id, u]));
  const territorial = new Map<string, Unit>();
  const subOffices = new Map<string, Unit>();
  for (const u of units) {
    if (!u.active) continue;
    if (TERRITORIAL.has(u.kind) && u.regionCode) territorial.set(u.regionCode, u);
    if (u.kind === "sub_office" && u.parentId && u.regionCode) subOffices.set(`${u.parentId}|${u.regionCode}`, u);
  }
  const triage = units.find((u) => u.kind === "triage" && u.active);

  function isWithin(unitId: string, ancestorId: string): boolean {
    let current: Unit | undefined = byId.get(unitId);
    for (let depth = 0; current && depth < 32; depth++) {
      if (current.id === ancestorId) return true;
      current = current.parentId ? byId.get(current.parentId) : undefined;
    }
    return false;
  }

  return {
    get: (id) => byId.get(id),
    all: () => units,
    isWithin,
    supervisorOf(unitId) {
      const u = byId.get(unitId);
      if (!u) return undefined;
      const id = u.supervisorUnitId ?? u.parentId;
      return id ? byId.get(id) : undefined;
    },
    territorialUnitFor: (regionCode) => territorial.get(regionCode),
    subOfficeFor(agencyId, regionCode) {
      // A sub-office serves a kota; try the region itself and then its kota.
      return subOffices.get(`${agencyId}|${regionCode}`) ?? subOffices.get(`${agencyId}|${kotaCodeOf(regionCode)}`);
    },
    triageUnit: () => triage,
  };
}
