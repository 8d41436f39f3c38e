import { describe, expect, it } from "vitest";
import type { Language, ReportEvent, ReportState } from "./report.ts";
import {
  projectForOpen311,
  projectForPortal,
  projectForQlue,
  publicColour,
  publicLabel,
  publicTimeline,
  redReason,
  scrubPublicText,
  type ProjectedReport,
  type ProjectionInput,
  type ProjectionUnit,
} from "./projection.ts";

const UNITS: ProjectionUnit[] = [
  { id: "kel-kebon-jeruk", name: "Kelurahan Kebon Jeruk", kind: "kelurahan" },
  { id: "dinas-bm", name: "Dinas Bina Marga", kind: "agency" },
  { id: "sudin-bm-jb", name: "Suku Dinas Bina Marga Jakarta Barat", kind: "sub_office" },
  { id: "jsc", name: "Verifikasi Jakarta Smart City", kind: "triage" },
  { id: "pln", name: "PLN UID Jakarta Raya", kind: "external" },
];
const units = (id: string): ProjectionUnit | undefined => UNITS.find((u) => u.id === id);

const t = (local: string): Date => new Date(`${local}+07:00`);

function report(partial: Partial<ProjectedReport> = {}): ProjectedReport {
  return {
    ticket: "JKT-250203-0073",
    state: "waiting",
    categoryCode: "jalan_rusak",
    kelurahanCode: "31.73.06.1001",
    holdingUnitId: "kel-kebon-jeruk",
    handoverFromUnitId: null,
    closeReason: null,
    responsibleParty: null,
    duplicateOf: null,
    createdAt: t("2025-02-03T09:00:00"),
    updatedAt: t("2025-02-03T09:00:00"),
    reopenCount: 0,
    supportCount: 0,
    ...partial,
  };
}

function event(partial: Partial<ReportEvent> & Pick<ReportEvent, "type" | "createdAt">): ReportEvent {
  return {
    reportId: "r1",
    actorUserId: null,
    actorRole: null,
    actorCitizenId: null,
    unitId: null,
    fromState: null,
    toState: null,
    fromUnitId: null,
    toUnitId: null,
    note: null,
    publicComment: null,
    reason: null,
    data: {},
    ...partial,
  };
}

function input(r: ProjectedReport, events: ReportEvent[], language: Language = "id", extra: Partial<ProjectionInput> = {}): ProjectionInput {
  return { report: r, events, units, language, ...extra };
}

const created = event({
  type: "created",
  createdAt: t("2025-02-03T09:00:00"),
  actorCitizenId: "cit-1",
  toUnitId: "kel-kebon-jeruk",
  toState: "waiting",
});

const coordinatedToBinaMarga = event({
  type: "coordinated",
  createdAt: t("2025-02-03T13:00:00"),
  actorUserId: "user-lurah",
  unitId: "kel-kebon-jeruk",
  fromUnitId: "kel-kebon-jeruk",
  toUnitId: "dinas-bm",
  fromState: "waiting",
  toState: "coordination",
  note: "jalan provinsi, bukan wewenang kelurahan",
  publicComment: "Jalan ini kewenangan Dinas Bina Marga.",
});

/** A report the kelurahan followed up, validated as done, then disputed by another citizen. */
function doneThenDisputed(disputeReopensDirectly: boolean): ReportEvent[] {
  const events = [
    created,
    event({ type: "taken_up", createdAt: t("2025-02-03T10:00:00"), unitId: "kel-kebon-jeruk", fromState: "waiting", toState: "in_progress" }),
    event({ type: "assigned", createdAt: t("2025-02-03T10:05:00"), unitId: "kel-kebon-jeruk", data: { assigneeUserId: "ppsu-7" } }),
    event({
      type: "follow_up_submitted",
      createdAt: t("2025-02-03T15:00:00"),
      unitId: "kel-kebon-jeruk",
      toState: "awaiting_validation",
      publicComment: "Lubang sudah ditambal PPSU.",
    }),
    event({ type: "follow_up_validated", createdAt: t("2025-02-04T09:00:00"), unitId: "kel-kebon-jeruk", toState: "done" }),
  ];
  if (disputeReopensDirectly) {
    events.push(
      event({
        type: "disputed",
        createdAt: t("2025-02-05T08:00:00"),
        actorCitizenId: "cit-2",
        fromState: "done",
        toState: "waiting",
        toUnitId: "kel-kebon-jeruk",
        reason: "Masih berlubang, tambalan sudah lepas",
      }),
    );
  } else {
    events.push(
      event({ type: "disputed", createdAt: t("2025-02-05T08:00:00"), actorCitizenId: "cit-2", reason: "Masih berlubang" }),
      event({ type: "reopened", createdAt: t("2025-02-05T08:30:00"), fromState: "done", toState: "waiting", toUnitId: "kel-kebon-jeruk" }),
    );
  }
  return events;
}

describe("kasus artikel: lampu merah yang menyembunyikan laporan yang sudah dikoordinasikan", () => {
  const r = report({ state: "coordination", holdingUnitId: "dinas-bm", handoverFromUnitId: "kel-kebon-jeruk" });
  const events = [created, coordinatedToBinaMarga];

  it("laporan di Kelurahan Kebon Jeruk yang dikoordinasikan ke Dinas Bina Marga tampil merah dengan label Koordinasi di portal", () => {
    const portal = projectForPortal(input(r, events));
    expect(portal).toMatchObject({ ticket: "JKT-250203-0073", state: "coordination", label: "Koordinasi", colour: "red", redReason: "coordination" });
    expect(portal.statusComment).toBe("Laporan sedang dikoordinasikan ke Dinas Bina Marga.");
    const coordination = portal.publicTimeline.find((e) => e.type === "coordinated");
    expect(coordination).toEqual({
      at: "2025-02-03T06:00:00.000Z",
      type: "coordinated",
      label: "Dikoordinasikan ke Dinas Bina Marga",
      comment: "Jalan ini kewenangan Dinas Bina Marga.",
      unit: "Dinas Bina Marga",
    });
  });

  it("di Qlue laporan itu tetap wait, dengan komentar yang menyebut Dinas Bina Marga", () => {
    expect(projectForQlue(input(r, events))).toEqual({
      status: "wait",
      comment: "Laporan sedang dikoordinasikan ke Dinas Bina Marga.",
    });
  });

  it("di Open311 laporan itu open, INTERNAL_REFERRAL, dengan status_notes yang menyebut unit penerima", () => {
    expect(projectForOpen311(input(r, events))).toEqual({
      status: "open",
      status_notes: "Laporan sedang dikoordinasikan ke Dinas Bina Marga.",
      extended_status: "INTERNAL_REFERRAL",
    });
  });

  it("dalam bahasa Inggris: Coordination, dan komentar yang menyebut unit penerima", () => {
    const en = input(r, events, "en");
    const portal = projectForPortal(en);
    expect(portal.label).toBe("Coordination");
    expect(portal.publicTimeline.find((e) => e.type === "coordinated")?.label).toBe("Coordinated to Dinas Bina Marga");
    expect(projectForQlue(en)).toEqual({ status: "wait", comment: "The report is being coordinated to Dinas Bina Marga." });
    expect(projectForOpen311(en).status_notes).toBe("The report is being coordinated to Dinas Bina Marga.");
  });

  it("laporan yang didisposisikan Dinas Bina Marga ke Suku Dinas Jakarta Barat: wait di Qlue dengan nama suku dinas, Disposisi di portal", () => {
    const disposed = report({ state: "disposition", holdingUnitId: "sudin-bm-jb", handoverFromUnitId: "dinas-bm" });
    const evs = [
      ...events,
      event({ type: "coordination_accepted", createdAt: t("2025-02-04T09:00:00"), unitId: "dinas-bm", toState: "waiting" }),
      event({
        type: "disposed",
        createdAt: t("2025-02-04T10:00:00"),
        unitId: "dinas-bm",
        fromUnitId: "dinas-bm",
        toUnitId: "sudin-bm-jb",
        toState: "disposition",
      }),
    ];
    const i = input(disposed, evs);
    expect(projectForQlue(i)).toEqual({ status: "wait", comment: "Laporan didisposisikan ke Suku Dinas Bina Marga Jakarta Barat." });
    expect(projectForPortal(i)).toMatchObject({ label: "Disposisi", colour: "red", redReason: "disposition" });
    expect(projectForPortal(i).publicTimeline.map((e) => e.label)).toEqual([
      "Laporan diterima, diteruskan ke Kelurahan Kebon Jeruk",
      "Dikoordinasikan ke Dinas Bina Marga",
      "Koordinasi diterima oleh Dinas Bina Marga",
      "Didisposisikan ke Suku Dinas Bina Marga Jakarta Barat",
    ]);
    expect(projectForOpen311(i)).toMatchObject({ status: "open", extended_status: "INTERNAL_REFERRAL" });
    expect(projectForOpen311(input(disposed, evs, "en")).status_notes).toBe(
      "The report has been disposed to Suku Dinas Bina Marga Jakarta Barat.",
    );
  });
});

describe("kasus artikel: laporan selesai yang disanggah warga lain kembali merah", () => {
  const r = report({ state: "waiting", reopenCount: 1 });

  for (const direct of [true, false]) {
    it(`laporan selesai yang disanggah warga lain kembali ke Menunggu (merah, wait) dengan alasan 'reopened' (${direct ? "sanggahan langsung membuka" : "sanggahan lalu dibuka kembali"})`, () => {
      const i = input(r, doneThenDisputed(direct));
      expect(redReason(i)).toBe("reopened");
      expect(projectForPortal(i)).toMatchObject({ label: "Menunggu", colour: "red", redReason: "reopened" });
      expect(projectForQlue(i)).toEqual({
        status: "wait",
        comment: "Laporan dibuka kembali karena tindak lanjut disanggah warga; menunggu tindak lanjut ulang Kelurahan Kebon Jeruk.",
      });
      expect(projectForOpen311(i)).toMatchObject({ status: "open", extended_status: "REOPEN" });
      expect(projectForQlue(input(r, doneThenDisputed(direct), "en")).comment).toBe(
        "The report was reopened because a citizen disputed the follow-up; waiting for new follow-up by Kelurahan Kebon Jeruk.",
      );
    });
  }

  it("sanggahan tampil di linimasa publik tanpa alasan bebas dan tanpa identitas penyanggah", () => {
    const timeline = publicTimeline(input(r, doneThenDisputed(false)));
    expect(timeline.map((e) => e.type)).toEqual([
      "created",
      "taken_up",
      "follow_up_submitted",
      "follow_up_validated",
      "disputed",
      "reopened",
    ]);
    const disputed = timeline.find((e) => e.type === "disputed");
    expect(disputed).toMatchObject({ label: "Tindak lanjut disanggah warga", comment: null, unit: null });
    expect(JSON.stringify(timeline)).not.toContain("Masih berlubang");
  });

  it("laporan yang dibuka kembali oleh petugas tanpa sanggahan: reopened, tanpa menyebut sanggahan", () => {
    const events = [
      created,
      event({ type: "closed", createdAt: t("2025-02-03T10:00:00"), toState: "closed", reason: "invalid" }),
      event({ type: "reopened", createdAt: t("2025-02-03T11:00:00"), toState: "waiting", toUnitId: "kel-kebon-jeruk" }),
    ];
    const i = input(r, events);
    expect(redReason(i)).toBe("reopened");
    expect(projectForQlue(i).comment).toBe("Laporan dibuka kembali; menunggu tindak lanjut Kelurahan Kebon Jeruk.");
  });

  it("laporan yang dibuka kembali lalu dikoordinasikan dan ditolak tetap 'reopened' (belum ditindaklanjuti ulang)", () => {
    const events = [
      ...doneThenDisputed(true),
      event({ type: "coordinated", createdAt: t("2025-02-05T09:00:00"), unitId: "kel-kebon-jeruk", toUnitId: "dinas-bm", toState: "coordination" }),
      event({ type: "coordination_refused", createdAt: t("2025-02-05T10:00:00"), unitId: "dinas-bm", toUnitId: "kel-kebon-jeruk", toState: "waiting" }),
    ];
    expect(redReason(input(r, events))).toBe("reopened");
  });

  it("laporan yang pernah dibuka kembali, sudah diproses ulang, lalu dialihkan ke kelurahan lain adalah 'waiting' biasa", () => {
    const events = [
      ...doneThenDisputed(true),
      event({ type: "taken_up", createdAt: t("2025-02-05T09:00:00"), unitId: "kel-kebon-jeruk", toState: "in_progress" }),
      event({ type: "routed", createdAt: t("2025-02-05T10:00:00"), unitId: "jsc", toUnitId: "kel-kebon-jeruk", toState: "waiting" }),
    ];
    // reopenCount > 0 alone must not turn a plain wait into "reopened".
    expect(redReason(input(report({ state: "waiting", reopenCount: 1 }), events))).toBe("waiting");
  });
});

describe("menunggu biasa, verifikasi, proses, selesai", () => {
  it("menunggu biasa: wait di Qlue dengan nama kelurahan, OPEN di Open311", () => {
    const i = input(report(), [created]);
    expect(redReason(i)).toBe("waiting");
    expect(projectForQlue(i)).toEqual({ status: "wait", comment: "Laporan menunggu tindak lanjut Kelurahan Kebon Jeruk." });
    expect(projectForOpen311(i)).toMatchObject({ status: "open", extended_status: "OPEN" });
  });

  it("verifikasi di meja triase: merah, wait, OPEN", () => {
    const i = input(report({ state: "triage", holdingUnitId: "jsc" }), [
      event({ type: "created", createdAt: t("2025-02-03T09:00:00"), toUnitId: "jsc", toState: "triage" }),
    ]);
    expect(redReason(i)).toBe("triage");
    expect(projectForPortal(i)).toMatchObject({ label: "Verifikasi", colour: "red" });
    expect(projectForQlue(i)).toEqual({ status: "wait", comment: "Laporan sedang diverifikasi." });
    expect(projectForOpen311(i)).toMatchObject({ status: "open", extended_status: "OPEN" });
  });

  const processStates: ReportState[] = ["in_progress", "awaiting_validation", "follow_up_rejected"];
  for (const state of processStates) {
    it(`${state}: kuning, process di Qlue, IN_PROGRESS di Open311, bukan merah`, () => {
      const i = input(report({ state }), [created]);
      expect(redReason(i)).toBeNull();
      expect(projectForPortal(i).colour).toBe("yellow");
      expect(projectForQlue(i).status).toBe("process");
      expect(projectForOpen311(i)).toMatchObject({ status: "open", extended_status: "IN_PROGRESS" });
    });
  }

  it("selesai: hijau, complete dengan komentar tindak lanjut, FIXED dan closed di Open311", () => {
    const events = doneThenDisputed(true).slice(0, 5);
    const i = input(report({ state: "done" }), events);
    expect(projectForPortal(i)).toMatchObject({ label: "Selesai", colour: "green", redReason: null });
    expect(projectForQlue(i)).toEqual({
      status: "complete",
      comment: "Laporan selesai ditindaklanjuti oleh Kelurahan Kebon Jeruk. Lubang sudah ditambal PPSU.",
    });
    expect(projectForOpen311(i)).toMatchObject({ status: "closed", extended_status: "FIXED" });
  });
});

describe("laporan ditutup: alasan yang jujur di setiap kanal", () => {
  const closing = (reason: string, publicComment: string | null = null): ReportEvent =>
    event({ type: "closed", createdAt: t("2025-02-03T11:00:00"), unitId: "jsc", toState: "closed", reason, publicComment });

  it("duplikat: complete di Qlue dengan nomor laporan asli, DUPLICATE di Open311", () => {
    const i = input(report({ state: "closed", closeReason: "duplicate", duplicateOf: "r0" }), [created, closing("duplicate")], "id", {
      duplicateOfTicket: "JKT-250201-0012",
    });
    expect(projectForQlue(i)).toEqual({
      status: "complete",
      comment: "Laporan ditutup: Duplikat dari laporan lain. Laporan asli: JKT-250201-0012.",
    });
    expect(projectForOpen311(i)).toEqual({
      status: "closed",
      status_notes: "Laporan ditutup: Duplikat dari laporan lain. Laporan asli: JKT-250201-0012.",
      extended_status: "DUPLICATE",
    });
    expect(projectForPortal(i)).toMatchObject({ label: "Ditutup", colour: "grey" });
    expect(projectForPortal(i).publicTimeline.at(-1)?.label).toBe("Laporan ditutup: Duplikat dari laporan lain");
  });

  it("bukan kewenangan: menyebut pihak yang berwenang, NOT_COUNCILS_RESPONSIBILITY", () => {
    const r = report({ state: "closed", closeReason: "outside_jurisdiction", responsibleParty: "PLN UID Jakarta Raya" });
    const i = input(r, [created, closing("outside_jurisdiction")]);
    expect(projectForQlue(i)).toEqual({
      status: "complete",
      comment: "Laporan ditutup: Bukan kewenangan Pemprov. Pihak yang berwenang: PLN UID Jakarta Raya.",
    });
    expect(projectForOpen311(i).extended_status).toBe("NOT_COUNCILS_RESPONSIBILITY");
    // A unit id as responsible party is shown by its name.
    expect(projectForQlue(input({ ...r, responsibleParty: "pln" }, [created, closing("outside_jurisdiction")], "en")).comment).toBe(
      "Report closed: Outside our jurisdiction. Responsible party: PLN UID Jakarta Raya.",
    );
  });

  it("tidak ada tindak lanjut: penjelasan publik ikut, NO_FURTHER_ACTION", () => {
    const i = input(report({ state: "closed", closeReason: "no_further_action" }), [
      created,
      closing("no_further_action", "Lokasi adalah lahan privat; pemilik sudah diberi tahu."),
    ]);
    expect(projectForQlue(i).comment).toBe(
      "Laporan ditutup: Tidak ada tindak lanjut lebih lanjut. Lokasi adalah lahan privat; pemilik sudah diberi tahu.",
    );
    expect(projectForOpen311(i)).toMatchObject({ status: "closed", extended_status: "NO_FURTHER_ACTION" });
  });

  it("tidak valid: CLOSED", () => {
    const i = input(report({ state: "closed", closeReason: "invalid" }), [created, closing("invalid")]);
    expect(projectForOpen311(i)).toMatchObject({ status: "closed", extended_status: "CLOSED" });
    expect(projectForQlue(i).status).toBe("complete");
  });
});

describe("privasi: proyeksi publik tidak pernah membocorkan catatan, email, telepon atau identitas", () => {
  const leakyEvents = [
    event({
      ...created,
      actorUserId: "user-secret-42",
      actorCitizenId: "cit-secret-77",
      note: "pelapor Budi Santoso, hubungi 0812-3456-7890",
      data: { email: "budi.santoso@example.com", phone: "+6281234567890", nik: "3173061234567890" },
    }),
    event({
      type: "assigned",
      createdAt: t("2025-02-03T09:30:00"),
      unitId: "kel-kebon-jeruk",
      note: "PPSU Slamet 081311112222",
      publicComment: "Ditugaskan ke Slamet",
    }),
    event({ type: "escalated", createdAt: t("2025-02-03T09:40:00"), unitId: "kel-kebon-jeruk", toUnitId: "dinas-bm", publicComment: "eskalasi rahasia" }),
    event({ type: "sla_breached", createdAt: t("2025-02-03T09:45:00"), unitId: "kel-kebon-jeruk", publicComment: "terlambat rahasia" }),
    event({ type: "supported", createdAt: t("2025-02-03T09:50:00"), actorCitizenId: "cit-secret-88" }),
    event({ type: "message_out", createdAt: t("2025-02-03T09:55:00"), unitId: "kel-kebon-jeruk", note: "balasan SMS ke 081298765432" }),
    event({
      type: "message_in",
      createdAt: t("2025-02-03T10:00:00"),
      actorCitizenId: "cit-secret-77",
      publicComment: "Tolong cepat, email saya budi.santoso@example.com atau WA +62 812 3456 7890, NIK 3173061234567890",
      data: { from: "budi.santoso@example.com" },
    }),
    event({
      ...coordinatedToBinaMarga,
      note: "hubungi pelapor di 0812-3456-7890 / budi.santoso@example.com",
      reason: "pelapor Budi minta ditelepon 081234567890",
      data: { citizenEmail: "budi.santoso@example.com" },
    }),
  ];
  const r = report({ state: "coordination", holdingUnitId: "dinas-bm", handoverFromUnitId: "kel-kebon-jeruk" });

  const FORBIDDEN = [
    "0812",
    "812 3456",
    "81234567890",
    "081298765432",
    "081311112222",
    "3173061234567890",
    "budi.santoso",
    "example.com",
    "Budi",
    "Slamet",
    "user-secret",
    "cit-secret",
    "hubungi",
    "rahasia",
    "ditelepon",
  ];

  for (const language of ["id", "en"] as const) {
    it(`tidak ada catatan, email, telepon, NIK, id petugas atau warga di portal, Qlue dan Open311 (${language})`, () => {
      const i = input(r, leakyEvents, language);
      const serialized = JSON.stringify([projectForPortal(i), projectForQlue(i), projectForOpen311(i)]);
      for (const secret of FORBIDDEN) expect(serialized).not.toContain(secret);
    });
  }

  it("peristiwa internal dilewati; pesan hanya tampil bila ada komentar publik, dan kontaknya disamarkan", () => {
    const timeline = publicTimeline(input(r, leakyEvents));
    expect(timeline.map((e) => e.type)).toEqual(["created", "message_in", "coordinated"]);
    expect(timeline[1]?.comment).toBe(
      "Tolong cepat, email saya [disembunyikan] atau WA [disembunyikan], NIK [disembunyikan]",
    );
    for (const entry of timeline) expect(Object.keys(entry).sort()).toEqual(["at", "comment", "label", "type", "unit"]);
  });

  it("unit yang tidak dikenal tidak ditampilkan sebagai id", () => {
    const i = input(report({ state: "coordination", holdingUnitId: "unit-internal-id-9" }), [
      created,
      event({ type: "coordinated", createdAt: t("2025-02-03T13:00:00"), toUnitId: "unit-internal-id-9", toState: "coordination" }),
    ]);
    const serialized = JSON.stringify([projectForPortal(i), projectForQlue(i), projectForOpen311(i)]);
    expect(serialized).not.toContain("unit-internal-id-9");
    expect(projectForQlue(i).comment).toBe("Laporan sedang dikoordinasikan ke unit terkait.");
  });
});

describe("pembantu", () => {
  it("publicColour dan publicLabel mengikuti tabel status", () => {
    expect(publicColour("coordination")).toBe("red");
    expect(publicColour("follow_up_rejected")).toBe("yellow");
    expect(publicColour("done")).toBe("green");
    expect(publicColour("closed")).toBe("grey");
    expect(publicLabel("coordination", "id")).toBe("Koordinasi");
    expect(publicLabel("follow_up_rejected", "id")).toBe("TL Ditolak");
    expect(publicLabel("awaiting_validation", "en")).toBe("Awaiting validation");
  });

  it("scrubPublicText menyamarkan kontak tetapi membiarkan nomor laporan, tanggal dan nomor darurat", () => {
    expect(scrubPublicText("Lihat JKT-260412-0073 tanggal 2025-04-10, darurat 112", "id")).toBe(
      "Lihat JKT-260412-0073 tanggal 2025-04-10, darurat 112",
    );
    expect(scrubPublicText("telp 021-3822255 atau +62 812-3456-7890", "en")).toBe("telp [hidden] atau [hidden]");
    expect(scrubPublicText("kata @budi_santoso ke siti@example.com, cc @dkijakarta.", "id")).toBe("kata [disembunyikan] ke [disembunyikan], cc [disembunyikan].");
    expect(scrubPublicText("   ", "id")).toBeNull();
    expect(scrubPublicText(null, "id")).toBeNull();
  });

  it("linimasa diurutkan menurut waktu walau event datang tidak berurutan", () => {
    const timeline = publicTimeline(input(report(), [coordinatedToBinaMarga, created]));
    expect(timeline.map((e) => e.at)).toEqual(["2025-02-03T02:00:00.000Z", "2025-02-03T06:00:00.000Z"]);
  });
});
