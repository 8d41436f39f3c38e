import { describe, expect, it } from "vitest";
import type { Category, ReportKind, Unit } from "./report.ts";
import { routeReport, type RoutingDecision } from "./routing.ts";
import { DBM, KEC_GAMBIR, KEC_KJ, KEL_GAMBIR, KEL_KJ, KEL_SU, KOTA_JB, PAM, PROV, SATPOL, SUDIN_JB, SUDIN_JP, TRIAGE, category, jakartaSlice, jakartaUnits, unit } from "./test-fixtures.ts";
import { buildUnitDirectory, kotaCodeOf, type UnitDirectory } from "./units.ts";

// ---- fixture: a slice of DKI Jakarta (shared, see test-fixtures.ts) -------------------------

const UNITS: Unit[] = jakartaSlice();
const units = jakartaUnits;

const JALAN_RUSAK = category("jalan_rusak", "Jalan rusak/berlubang", { kind: "agency", agency: DBM }, { ppsuAllowed: true, disputePolicy: "any_citizen" });
const ADMINDUK = category("adminduk", "Administrasi kependudukan", { kind: "agency", agency: "dinas-dukcapil" }); // not in this directory
const FASILITAS = category("fasilitas_kelurahan", "Fasilitas umum kelurahan", { kind: "kelurahan" }, { ppsuAllowed: true });
const LAINNYA = category("lainnya", "Lainnya", { kind: "triage" });
const PKL = category("pkl", "Pedagang kaki lima", { kind: "agency", agency: SATPOL }, { disputePolicy: "none" });
const AIR_BERSIH = category("air_bersih", "Air bersih", { kind: "external", unit: PAM });

function route(kind: ReportKind, cat: Category | null, kelurahanCode: string | null, dir: UnitDirectory = units): RoutingDecision | null {
  return routeReport({ kind, category: cat, kelurahanCode, units: dir });
}

const where = (d: RoutingDecision | null) => (d ? { state: d.state, unit: d.unit.id } : null);

describe("routeReport", () => {
  const rows: Array<[string, ReportKind, Category | null, string | null, { state: "triage" | "waiting"; unit: string }]> = [
    ["kelurahan policy -> the kelurahan of the point", "pengaduan", FASILITAS, "31.73.05.1001", { state: "waiting", unit: KEL_KJ }],
    ["kelurahan policy, the neighbouring kelurahan", "pengaduan", FASILITAS, "31.73.05.1002", { state: "waiting", unit: KEL_SU }],
    ["kelurahan policy, a point in Gambir", "pengaduan", FASILITAS, "31.71.01.1001", { state: "waiting", unit: KEL_GAMBIR }],
    ["kelurahan policy, a kelurahan missing from the directory", "pengaduan", FASILITAS, "31.74.01.1001", { state: "triage", unit: TRIAGE }],
    ["kelurahan policy, a suggestion without a place", "aspirasi", FASILITAS, null, { state: "triage", unit: TRIAGE }],
    ["agency policy, point in Jakarta Barat -> Sudin JB", "pengaduan", JALAN_RUSAK, "31.73.05.1001", { state: "waiting", unit: SUDIN_JB }],
    ["agency policy, point in Jakarta Pusat -> Sudin JP", "pengaduan", JALAN_RUSAK, "31.71.01.1001", { state: "waiting", unit: SUDIN_JP }],
    ["agency policy, a kota without a sub-office -> the agency", "pengaduan", JALAN_RUSAK, "31.01.01.1001", { state: "waiting", unit: DBM }],
    ["agency without sub-offices -> the agency", "pengaduan", PKL, "31.73.05.1001", { state: "waiting", unit: SATPOL }],
    ["agency missing from the directory -> triage", "pengaduan", ADMINDUK, "31.73.05.1001", { state: "triage", unit: TRIAGE }],
    ["a complaint without a place -> triage", "pengaduan", JALAN_RUSAK, null, { state: "triage", unit: TRIAGE }],
    ["a complaint without a place, even for an external body", "pengaduan", AIR_BERSIH, null, { state: "triage", unit: TRIAGE }],
    ["a suggestion without a place -> the agency itself", "aspirasi", JALAN_RUSAK, null, { state: "waiting", unit: DBM }],
    ["an information request without a place -> the agency itself", "permintaan_informasi", JALAN_RUSAK, null, { state: "waiting", unit: DBM }],
    ["a suggestion with a place -> the sub-office", "aspirasi", JALAN_RUSAK, "31.73.05.1002", { state: "waiting", unit: SUDIN_JB }],
    ["external policy -> PAM Jaya", "pengaduan", AIR_BERSIH, "31.73.05.1001", { state: "waiting", unit: PAM }],
    ["external policy, information request without a place -> PAM Jaya", "permintaan_informasi", AIR_BERSIH, null, { state: "waiting", unit: PAM }],
    ["no category -> triage", "pengaduan", null, "31.73.05.1001", { state: "triage", unit: TRIAGE }],
    ["no category, no place -> triage", "aspirasi", null, null, { state: "triage", unit: TRIAGE }],
    ["triage policy -> triage", "pengaduan", LAINNYA, "31.73.05.1001", { state: "triage", unit: TRIAGE }],
  ];
  it.each(rows)("%s", (_name, kind, cat, kelurahanCode, expected) => {
    expect(where(route(kind, cat, kelurahanCode))).toEqual(expected);
  });

  it("names the sub-office and the kelurahan in the reason", () => {
    const d = route("pengaduan", JALAN_RUSAK, "31.73.05.1001");
    expect(d?.unit.id).toBe(SUDIN_JB);
    expect(d?.reason).toContain("Suku Dinas Bina Marga Jakarta Barat");
    expect(d?.reason).toContain("Kebon Jeruk");
    expect(d?.reason).toContain("Jalan rusak/berlubang");
    expect(d?.reason).toBe("Suku Dinas Bina Marga Jakarta Barat: kategori Jalan rusak/berlubang, titik di Kelurahan Kebon Jeruk");
  });

  it("names the kelurahan for a kelurahan-owned category", () => {
    expect(route("pengaduan", FASILITAS, "31.73.05.1002")?.reason).toContain("Kelurahan Sukabumi Utara");
  });

  it("says why a report went to triage", () => {
    expect(route("pengaduan", null, "31.73.05.1001")?.reason).toBe("belum berkategori");
    expect(route("pengaduan", JALAN_RUSAK, null)?.reason).toContain("tanpa lokasi");
    expect(route("pengaduan", ADMINDUK, "31.73.05.1001")?.reason).toContain("dinas-dukcapil");
  });

  it("a suggestion without a place names no place", () => {
    expect(route("aspirasi", JALAN_RUSAK, null)?.reason).toBe("Dinas Bina Marga: kategori Jalan rusak/berlubang");
  });

  it("skips an inactive sub-office and falls back to the agency", () => {
    const dir = buildUnitDirectory(UNITS.map((u) => (u.id === SUDIN_JB ? { ...u, active: false } : u)));
    expect(where(route("pengaduan", JALAN_RUSAK, "31.73.05.1001", dir))).toEqual({ state: "waiting", unit: DBM });
  });

  it("an inactive external body sends the report to triage", () => {
    const dir = buildUnitDirectory(UNITS.map((u) => (u.id === PAM ? { ...u, active: false } : u)));
    expect(where(route("pengaduan", AIR_BERSIH, "31.73.05.1001", dir))).toEqual({ state: "triage", unit: TRIAGE });
  });

  it("an inactive kelurahan sends the report to triage", () => {
    const dir = buildUnitDirectory(UNITS.map((u) => (u.id === KEL_KJ ? { ...u, active: false } : u)));
    expect(where(route("pengaduan", FASILITAS, "31.73.05.1001", dir))).toEqual({ state: "triage", unit: TRIAGE });
  });

  it("returns null when it would need a triage desk and there is none", () => {
    const dir = buildUnitDirectory(UNITS.filter((u) => u.kind !== "triage"));
    expect(route("pengaduan", null, "31.73.05.1001", dir)).toBeNull();
    expect(where(route("pengaduan", JALAN_RUSAK, "31.73.05.1001", dir))).toEqual({ state: "waiting", unit: SUDIN_JB });
  });
});

describe("unit directory (what routing relies on)", () => {
  it("finds the territorial unit by exact region code", () => {
    expect(units.territorialUnitFor("31.73.05.1001")?.id).toBe(KEL_KJ);
    expect(units.territorialUnitFor("31.73.05")?.id).toBe(KEC_KJ);
    expect(units.territorialUnitFor("31.73")?.id).toBe(KOTA_JB);
    expect(units.territorialUnitFor("31")?.id).toBe(PROV);
    expect(units.territorialUnitFor("31.73.05.9999")).toBeUndefined();
  });

  it("finds an agency's sub-office by the kota of a region", () => {
    expect(units.subOfficeFor(DBM, "31.73.05.1001")?.id).toBe(SUDIN_JB);
    expect(units.subOfficeFor(DBM, "31.73")?.id).toBe(SUDIN_JB);
    expect(units.subOfficeFor(DBM, "31.71.01.1001")?.id).toBe(SUDIN_JP);
    expect(units.subOfficeFor(SATPOL, "31.73.05.1001")).toBeUndefined();
    expect(units.subOfficeFor(DBM, "31.01.01.1001")).toBeUndefined();
  });

  it("knows the kota of a Kemendagri code", () => {
    expect(kotaCodeOf("31.71.01.1001")).toBe("31.71");
    expect(kotaCodeOf("31.73")).toBe("31.73");
  });

  it("walks the tree", () => {
    expect(units.isWithin(KEL_KJ, KEL_KJ)).toBe(true);
    expect(units.isWithin(KEL_KJ, KEC_KJ)).toBe(true);
    expect(units.isWithin(KEL_KJ, PROV)).toBe(true);
    expect(units.isWithin(KEL_KJ, KEC_GAMBIR)).toBe(false);
    expect(units.isWithin(KEC_KJ, KEL_KJ)).toBe(false);
    expect(units.isWithin(SUDIN_JB, DBM)).toBe(true);
    expect(units.isWithin(SUDIN_JB, SUDIN_JP)).toBe(false);
    expect(units.isWithin(PAM, PROV)).toBe(false);
    expect(units.isWithin("no-such-unit", PROV)).toBe(false);
  });

  it("survives a cycle in the data", () => {
    const dir = buildUnitDirectory([unit("a", "agency", "A", "b", null), unit("b", "agency", "B", "a", null)]);
    expect(dir.isWithin("a", "c")).toBe(false);
    expect(dir.isWithin("a", "b")).toBe(true);
  });

  it("supervisors: kelurahan -> kecamatan, sub-office -> agency, external -> none", () => {
    expect(units.supervisorOf(KEL_SU)?.id).toBe(KEC_KJ);
    expect(units.supervisorOf(SUDIN_JP)?.id).toBe(DBM);
    expect(units.supervisorOf(PAM)).toBeUndefined();
    expect(units.triageUnit()?.id).toBe(TRIAGE);
  });
});
