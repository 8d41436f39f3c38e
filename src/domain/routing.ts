import type { Category, ReportKind, ReportState, Unit } from "./report.ts";
import type { UnitDirectory } from "./units.ts";

export interface RoutingInput {
  kind: ReportKind;
  category: Category | null;
  /** the kelurahan the point fell in, or null */
  kelurahanCode: string | null;
  units: UnitDirectory;
}

export interface RoutingDecision {
  state: Extract<ReportState, "triage" | "waiting">;
  unit: Unit;
  /** why it landed there, stored on the routing event and shown to officers (in Indonesian, the officers' language) */
  reason: string;
}

/**
 * Category x place -> the unit that must act, by the category's owner policy: the kelurahan office,
 * the agency's sub-office for that kota (else the agency), or an external body. A complaint without
 * a place, or a report without a category, lands at the triage desk. Suggestions and information
 * requests need no place: they go to the owning agency itself.
 */
export function routeReport(input: RoutingInput): RoutingDecision | null {
  const { category, kelurahanCode, units } = input;
  const triage = units.triageUnit();
  const toTriage = (reason: string): RoutingDecision | null => (triage ? { state: "triage", unit: triage, reason } : null);
  if (!category) return toTriage("belum berkategori");
  const where = kelurahanCode ? units.territorialUnitFor(kelurahanCode) : undefined;
  const place = where ? `${where.name}` : null;
  const policy = category.ownerPolicy;
  const what = `kategori ${category.nameId}`;
  const needsPlace = input.kind === "pengaduan";
  if (needsPlace && !kelurahanCode) return toTriage(`${what}, tanpa lokasi`);
  switch (policy.kind) {
    case "triage":
      return toTriage(what);
    case "kelurahan": {
      if (!where || where.kind !== "kelurahan") return toTriage(`${what}, kelurahan tidak diketahui`);
      return { state: "waiting", unit: where, reason: `${where.name}: ${what}, titik di ${place}` };
    }
    case "agency": {
      const sub = kelurahanCode ? units.subOfficeFor(policy.agency, kelurahanCode) : undefined;
      const unit = sub ?? units.get(policy.agency);
      if (!unit || !unit.active) return toTriage(`${what}, unit pemilik ${policy.agency} tidak ada atau tidak aktif`);
      return { state: "waiting", unit, reason: `${unit.name}: ${what}${place ? `, titik di ${place}` : ""}` };
    }
    case "external": {
      const unit = units.get(policy.unit);
      if (!unit || !unit.active) return toTriage(`${what}, unit pemilik ${policy.unit} tidak ada atau tidak aktif`);
      return { state: "waiting", unit, reason: `${unit.name}: ${what}${place ? `, titik di ${place}` : ""}` };
    }
  }
}
