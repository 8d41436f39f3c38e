import { describe, expect, it } from "vitest";
import { open311Updates, parseOpen311Date, serviceOf } from "./open311.ts";
import type { ProjectedReport, ProjectionUnit } from "./projection.ts";
import type { Category, ReportEvent } from "./report.ts";

const UNITS: ProjectionUnit[] = [
  { id: "kel-kj", name: "Kelurahan Kebon Jeruk", kind: "kelurahan" },
  { id: "dinas-bm", name: "Dinas Bina Marga", kind: "agency" },
];
const units = (id: string) => UNITS.find((u) => u.id === id);
const at = (m: number) => new Date(Date.UTC(2026, 0, 5, 2, m));

const REPORT: ProjectedReport = {
  ticket: "JKT-260105-0001", state: "in_progress", categoryCode: "jalan_rusak", kelurahanCode: "31.73.05.1001",
  holdingUnitId: "dinas-bm", handoverFromUnitId: null, closeReason: null, responsibleParty: null, duplicateOf: null,
  createdAt: at(0), updatedAt: at(30), reopenCount: 0, supportCount: 0,
};

function event(id: number, partial: Partial<ReportEvent>): ReportEvent {
  return {
    id, reportId: "r", type: "taken_up", actorUserId: "u", actorRole: "agency_officer", actorCitizenId: null, unitId: null,
    fromState: null, toState: null, fromUnitId: null, toUnitId: null, note: "internal note 0812-3456-7890", publicComment: null,
    reason: null, data: {}, createdAt: at(id), ...partial,
  };
}

describe("open311Updates", () => {
  const events = [
    event(1, { type: "created", toState: "waiting", unitId: "kel-kj", toUnitId: "kel-kj" }),
    event(2, { type: "assigned", unitId: "kel-kj" }),
    event(3, { type: "coordinated", fromState: "waiting", toState: "coordination", fromUnitId: "kel-kj", toUnitId: "dinas-bm", unitId: "kel-kj" }),
    event(4, { type: "coordination_accepted", fromState: "coordination", toState: "waiting", unitId: "dinas-bm", toUnitId: "dinas-bm" }),
    event(5, { type: "message_out", unitId: "dinas-bm", publicComment: "Tim dijadwalkan besok, hubungi budi@contoh.id" }),
    event(6, { type: "taken_up", fromState: "waiting", toState: "in_progress", unitId: "dinas-bm" }),
  ];

  it("gives one update per public change, with the status of that moment and no internal notes", () => {
    const updates = open311Updates({ report: REPORT, events, units, language: "id" });
    expect(updates.map((u) => [u.eventId, u.status])).toEqual([[3, "INTERNAL_REFERRAL"], [4, "OPEN"], [5, "OPEN"], [6, "IN_PROGRESS"]]);
    expect(updates[0]!.description).toContain("Dinas Bina Marga");
    expect(updates[2]!.description).toBe("Tim dijadwalkan besok, hubungi [disembunyikan]");
    expect(JSON.stringify(updates)).not.toContain("0812");
  });

  it("maps closing reasons and reopening", () => {
    const closed = [...events, event(7, { type: "closed", fromState: "in_progress", toState: "closed", reason: "outside_jurisdiction", unitId: "dinas-bm" })];
    const reopened = [...closed, event(8, { type: "reopened", fromState: "closed", toState: "waiting", unitId: "dinas-bm", toUnitId: "dinas-bm" })];
    const statuses = open311Updates({ report: { ...REPORT, state: "waiting" }, events: reopened, units, language: "en" }).map((u) => u.status);
    expect(statuses.slice(-2)).toEqual(["NOT_COUNCILS_RESPONSIBILITY", "REOPEN"]);
  });
});

describe("parseOpen311Date and serviceOf", () => {
  it("reads W3C dates with a zone or a bare date, and refuses anything else", () => {
    expect(parseOpen311Date("2026-01-05T09:30:00+07:00")?.toISOString()).toBe("2026-01-05T02:30:00.000Z");
    expect(parseOpen311Date("2026-01-05T09:30:00-0800")?.toISOString()).toBe("2026-01-05T17:30:00.000Z");
    expect(parseOpen311Date("2026-01-05")?.toISOString()).toBe("2026-01-05T00:00:00.000Z");
    for (const bad of ["yesterday", "2026-13-45", "2026-01-05T09:30", "1e12", ""]) expect(parseOpen311Date(bad)).toBeNull();
  });

  it("names the service in the language asked for", () => {
    const c = { code: "jalan_rusak", nameId: "Jalan rusak", nameEn: "Damaged road", keywords: ["lubang", "aspal"] } as unknown as Category;
    expect(serviceOf(c, "en", "Dinas Bina Marga")).toEqual({ service_code: "jalan_rusak", service_name: "Damaged road", description: "Damaged road (Jalan rusak)",
      metadata: false, type: "realtime", keywords: "lubang,aspal", group: "Dinas Bina Marga" });
  });
});
