// TEST-ONLY CODE: shared fixtures for the src/domain unit tests. Not imported by production code.
// It lives in src/domain (and imports only from src/domain) so the "domain-is-pure" rule still holds.

import type { Category, OwnerPolicy, Unit, UnitKind } from "./report.ts";
import { buildUnitDirectory, type UnitDirectory } from "./units.ts";

// ---- fixture: a slice of DKI Jakarta --------------------------------------------------------

export const PROV = "prov-31";
export const KOTA_JB = "kota-31.73";
export const KEC_KJ = "kec-31.73.05";
export const KEL_KJ = "kel-31.73.05.1001"; // Kebon Jeruk
export const KEL_SU = "kel-31.73.05.1002"; // Sukabumi Utara, the neighbouring kelurahan
export const KOTA_JP = "kota-31.71";
export const KEC_GAMBIR = "kec-31.71.01";
export const KEL_GAMBIR = "kel-31.71.01.1001";
export const DBM = "dinas-bina-marga";
export const SUDIN_JB = "dinas-bina-marga@31.73";
export const SUDIN_JP = "dinas-bina-marga@31.71";
export const SATPOL = "satpol-pp";
export const TRIAGE = "jsc-triage";
export const PAM = "pam-jaya";

export function unit(id: string, kind: UnitKind, name: string, parentId: string | null, regionCode: string | null, extra: Partial<Unit> = {}): Unit {
  return { id, kind, name, parentId, regionCode, supervisorUnitId: null, hasPpsu: kind === "kelurahan", active: true, ...extra };
}

/** The slice's units (a fresh array on every call), followed by any test-specific extras. */
export function jakartaSlice(extra: Unit[] = []): Unit[] {
  return [
    unit(PROV, "province", "Pemerintah Provinsi DKI Jakarta", null, "31"),
    unit(KOTA_JB, "kota", "Kota Administrasi Jakarta Barat", PROV, "31.73"),
    unit(KEC_KJ, "kecamatan", "Kecamatan Kebon Jeruk", KOTA_JB, "31.73.05"),
    unit(KEL_KJ, "kelurahan", "Kelurahan Kebon Jeruk", KEC_KJ, "31.73.05.1001"),
    unit(KEL_SU, "kelurahan", "Kelurahan Sukabumi Utara", KEC_KJ, "31.73.05.1002"),
    unit(KOTA_JP, "kota", "Kota Administrasi Jakarta Pusat", PROV, "31.71"),
    unit(KEC_GAMBIR, "kecamatan", "Kecamatan Gambir", KOTA_JP, "31.71.01"),
    unit(KEL_GAMBIR, "kelurahan", "Kelurahan Gambir", KEC_GAMBIR, "31.71.01.1001"),
    unit(DBM, "agency", "Dinas Bina Marga", PROV, null),
    unit(SUDIN_JB, "sub_office", "Suku Dinas Bina Marga Jakarta Barat", DBM, "31.73"),
    unit(SUDIN_JP, "sub_office", "Suku Dinas Bina Marga Jakarta Pusat", DBM, "31.71"),
    unit(SATPOL, "agency", "Satuan Polisi Pamong Praja", PROV, null),
    unit(TRIAGE, "triage", "Verifikasi Jakarta Smart City", PROV, null),
    unit(PAM, "external", "PAM Jaya", null, null),
    ...extra,
  ];
}

/** The directory of the plain slice (no extras), for the common case. */
export const jakartaUnits: UnitDirectory = buildUnitDirectory(jakartaSlice());

export function category(code: string, nameId: string, ownerPolicy: OwnerPolicy, extra: Partial<Category> = {}): Category {
  return {
    code,
    nameId,
    nameEn: nameId,
    ownerPolicy,
    slaFirstActionDays: 1,
    slaResolutionDays: 5,
    disputePolicy: "reporter_only",
    disputeWindowDays: 7,
    reopenEscalationThreshold: 2,
    ppsuAllowed: false,
    active: true,
    ...extra,
  };
}
