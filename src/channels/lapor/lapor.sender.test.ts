import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError, type OutboundMessage, type PartnerStatusUpdate } from "../../app/outbound.ts";
import type { ProjectionUnit } from "../../domain/projection.ts";
import type { Report, ReportEvent, ReportState } from "../../domain/report.ts";
import { laporItem, startFakeLapor, type FakeLapor } from "./fake-lapor.ts";
import { LaporClient } from "./lapor-client.ts";
import { LAPOR_STATUS, LaporSender, laporTindakLanjut } from "./lapor.sender.ts";

const BASE = "https://aspirasi.example";
const UNITS: Record<string, ProjectionUnit> = {
  "kel-31.71.01.1001": { id: "kel-31.71.01.1001", kind: "kelurahan", name: "Kelurahan Gambir" },
  "dinas-bina-marga@31.71": { id: "dinas-bina-marga@31.71", kind: "sub_office", name: "Suku Dinas Bina Marga Jakarta Pusat" },
  "dinas-sumber-daya-air": { id: "dinas-sumber-daya-air", kind: "agency", name: "Dinas Sumber Daya Air" },
};
const units = (id: string) => UNITS[id];
const T0 = new Date("2025-05-28T03:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function report(p: Partial<Report> = {}): Report {
  return {
    id: "rep-1", ticket: "JKT-250528-0001", kind: "pengaduan", description: "Jalan berlubang", categoryCode: "jalan_rusak",
    lat: -6.1754, lon: 106.8272, address: null, kelurahanCode: "31.71.01.1001", channel: "lapor", channelRef: "5300001",
    partnerDeadlines: [], triage: null, citizenId: "cit-1", state: "waiting", stateBeforeHandover: null, holdingUnitId: "dinas-bina-marga@31.71",
    handoverFromUnitId: null, followUpUnitId: null, followUpBy: null, assigneeUserId: null, involvedUnitIds: [], duplicateOf: null,
    closeReason: null, responsibleParty: null, reopenCount: 0, supportCount: 0, escalationLevel: 0, escalatedToUnitId: null,
    overdue: false, firstActionBreached: false, resolutionBreached: false, firstActionDueAt: null, resolutionDueAt: null,
    firstActionAt: null, doneAt: null, closedAt: null, createdAt: T0, updatedAt: at(90), version: 3, ...p,
  };
}

function event(type: ReportEvent["type"], minutes: number, p: Partial<ReportEvent> = {}): ReportEvent {
  return {
    reportId: "rep-1", type, actorUserId: "officer-9", actorRole: "agency_officer", actorCitizenId: null, unitId: "dinas-bina-marga@31.71",
    fromState: null, toState: null, fromUnitId: null, toUnitId: null, note: "catatan internal: hubungi Pak Budi 081234567890",
    publicComment: null, reason: null, data: {}, createdAt: at(minutes), ...p,
  };
}

const created = event("created", 0, { toState: "waiting", toUnitId: "dinas-bina-marga@31.71" });
const update = (r: Report, events: ReportEvent[]) => ({ report: r, events, units });

describe("laporTindakLanjut: our state as LAPOR! shows it", () => {
  it("every state has a LAPOR! status; handovers are still in process", () => {
    expect(LAPOR_STATUS).toEqual({
      triage: "belum_diverifikasi", waiting: "diverifikasi", coordination: "diproses", disposition: "diproses", in_progress: "diproses",
      awaiting_validation: "diproses", follow_up_rejected: "diproses", done: "selesai", closed: "ditutup",
    } satisfies Record<ReportState, string>);
  });

  it("taken up: diproses naming the unit", () => {
    const body = laporTindakLanjut(update(report({ state: "in_progress" }), [created, event("taken_up", 30, { toState: "in_progress" })]), BASE);
    expect(body).toEqual({
      status: "diproses",
      isi: "Laporan sedang ditindaklanjuti oleh Suku Dinas Bina Marga Jakarta Pusat.",
      lampiran: [],
      nomor_tiket: "JKT-250528-0001",
      updated_at: "2025-05-28T04:30:00.000Z",
    });
  });

  it("coordinated to an agency: diproses with a comment naming the agency (not a bare wait)", () => {
    const r = report({ state: "coordination", holdingUnitId: "dinas-sumber-daya-air", handoverFromUnitId: "dinas-bina-marga@31.71" });
    const body = laporTindakLanjut(update(r, [created, event("coordinated", 40, { toState: "coordination", toUnitId: "dinas-sumber-daya-air" })]), BASE);
    expect(body).toMatchObject({ status: "diproses", isi: "Laporan sedang dikoordinasikan ke Dinas Sumber Daya Air." });
  });

  it("waiting is verified; reopened after a dispute is in process again", () => {
    expect(laporTindakLanjut(update(report(), [created]), BASE)).toMatchObject({ status: "diverifikasi", isi: "Laporan menunggu tindak lanjut Suku Dinas Bina Marga Jakarta Pusat." });
    const reopened = laporTindakLanjut(update(report({ reopenCount: 1 }), [
      created,
      event("follow_up_validated", 50, { toState: "done" }),
      event("disputed", 60, { toState: "waiting", actorUserId: null, actorCitizenId: "cit-2", reason: "Lubang muncul lagi" }),
    ]), BASE);
    expect(reopened.status).toBe("diproses");
    expect(reopened.isi).toContain("dibuka kembali");
  });

  it("done carries the follow-up's public comment and the public URLs of its photos, nothing private", () => {
    const events = [
      created,
      event("follow_up_submitted", 40, { toState: "awaiting_validation", publicComment: "Lubang ditambal", data: { photos: ["old-photo"] } }),
      event("follow_up_rejected", 45, { toState: "follow_up_rejected", reason: "foto kurang jelas" }),
      event("follow_up_submitted", 60, { toState: "awaiting_validation", publicComment: "Lubang ditambal aspal; info 0812-3456-7890", data: { photos: ["p-1", "p 2"] } }),
      event("follow_up_validated", 70, { toState: "done" }),
    ];
    const body = laporTindakLanjut(update(report({ state: "done" }), events), BASE);
    expect(body.status).toBe("selesai");
    expect(body.isi).toBe("Laporan selesai ditindaklanjuti oleh Suku Dinas Bina Marga Jakarta Pusat. Lubang ditambal aspal; info [disembunyikan].");
    expect(body.lampiran).toEqual([{ url: `${BASE}/api/v1/public/photos/p-1` }, { url: `${BASE}/api/v1/public/photos/p%202` }]);
    const sent = JSON.stringify(body);
    for (const secret of ["Budi", "0812", "officer-9", "cit-", "foto kurang jelas", "catatan internal", "old-photo"]) expect(sent).not.toContain(secret);
  });

  it("closed: ditutup with the reason and the responsible party", () => {
    const r = report({ state: "closed", closeReason: "outside_jurisdiction", responsibleParty: "pln" });
    const body = laporTindakLanjut(update(r, [created, event("closed", 30, { toState: "closed", reason: "outside_jurisdiction" })]), BASE);
    expect(body).toMatchObject({ status: "ditutup", isi: "Laporan ditutup: Bukan kewenangan Pemprov. Pihak yang berwenang: pln." });
  });
});

describe("LaporSender against the fake LAPOR! API", () => {
  let fake: FakeLapor;
  let sender: LaporSender;
  const refs = new Map([["rep-1", "5300001"]]);

  beforeAll(async () => {
    fake = await startFakeLapor({ token: "tok", agencyId: "dki", items: [laporItem(1)] });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.statusPushes.length = 0;
    fake.tanggapan.length = 0;
    const client = new LaporClient({ baseUrl: fake.baseUrl, token: "tok", agencyId: "dki" });
    sender = new LaporSender({ client, laporIdOf: async (id) => refs.get(id) ?? null, publicBaseUrl: `${BASE}/` });
  });

  const message = (p: Partial<OutboundMessage> = {}): OutboundMessage => ({
    channel: "lapor", citizen: { id: "cit-1", name: "Warga 1", email: "warga1@example.com", phone: "+6281234567890", language: "id" },
    reportTicket: "JKT-250528-0001", reportId: "rep-1", template: "taken_up",
    text: "Laporan JKT-250528-0001 sedang diproses oleh Suku Dinas Bina Marga Jakarta Pusat.", idempotencyKey: "rep-1:7:0:taken_up", ...p,
  });

  it("pushStatus posts the tindak lanjut to the partner's id with the outbox key", async () => {
    const u: PartnerStatusUpdate = {
      channel: "lapor", partnerRef: "5300001", report: report({ state: "in_progress" }), events: [created], units, idempotencyKey: "rep-1:7:status", at: at(100),
    };
    await sender.pushStatus(u);
    expect(fake.statusPushes).toEqual([{ laporId: "5300001", idempotencyKey: "rep-1:7:status", body: expect.objectContaining({ status: "diproses", nomor_tiket: "JKT-250528-0001" }) }]);
  });

  it("send posts the message as a tanggapan on the report's LAPOR! id, without the citizen's details", async () => {
    expect(await sender.send(message())).toEqual({ externalId: "tgp-1" });
    expect(fake.tanggapan).toEqual([{
      laporId: "5300001",
      idempotencyKey: "rep-1:7:0:taken_up",
      body: { isi: "Laporan JKT-250528-0001 sedang diproses oleh Suku Dinas Bina Marga Jakarta Pusat.", nomor_tiket: "JKT-250528-0001" },
    }]);
    await sender.send(message({ text: "Hubungi 081234567890 atau warga1@example.com", idempotencyKey: "k-2" }));
    expect(fake.tanggapan[1]!.body.isi).toBe("Hubungi [disembunyikan] atau [disembunyikan]");
  });

  it("a message about no LAPOR! report is malformed (dead-lettered, not retried)", async () => {
    for (const m of [message({ reportId: null }), message({ reportId: "rep-unknown" })]) {
      const err: unknown = await sender.send(m).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).kind).toBe("malformed");
    }
    expect(fake.tanggapan).toHaveLength(0);
  });

  it("LAPOR! failing is classified for the retry policy", async () => {
    fake.failOn(() => true, { status: 503 });
    const err: unknown = await sender.send(message()).then(() => null, (e: unknown) => e);
    expect((err as DeliveryError).kind).toBe("temporary");
  });
});
