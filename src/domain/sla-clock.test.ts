import { describe, expect, it } from "vitest";
import type { ReportEvent } from "./report.ts";
import {
  MILLIS_PER_DAY,
  accountableUnitAt,
  addWorkingDays,
  custodySegmentsFromEvents,
  heldTimeByUnit,
  isWorkingDay,
  localDateOf,
  makeCalendar,
  slaStatus,
  workingDaysBetween,
  workingMillisBetween,
  type CustodySegment,
} from "./sla-clock.ts";

// Hari libur nasional + cuti bersama 2024-2025 (SKB 3 Menteri), as in data/holidays.
const HOLIDAYS_2024_2025 = [
  "2024-01-01", "2024-02-08", "2024-02-09", "2024-02-10", "2024-03-11", "2024-03-12", "2024-03-29",
  "2024-03-31", "2024-04-08", "2024-04-09", "2024-04-10", "2024-04-11", "2024-04-12", "2024-04-15",
  "2024-05-01", "2024-05-09", "2024-05-10", "2024-05-23", "2024-05-24", "2024-06-01", "2024-06-17",
  "2024-06-18", "2024-07-07", "2024-08-17", "2024-09-16", "2024-12-25", "2024-12-26",
  "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-03-28", "2025-03-29", "2025-03-31",
  "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07", "2025-04-18", "2025-04-20",
  "2025-05-01", "2025-05-12", "2025-05-13", "2025-05-29", "2025-05-30", "2025-06-01", "2025-06-06",
  "2025-06-09", "2025-06-27", "2025-08-17", "2025-09-05", "2025-12-25", "2025-12-26",
];

const jakarta = makeCalendar(HOLIDAYS_2024_2025);
const HOUR = 3_600_000;

/** An instant written in Jakarta local time (WIB, UTC+7). */
const wib = (local: string): Date => new Date(`${local}+07:00`);

describe("kalender kerja", () => {
  it("mengenali cuti bersama, Nyepi di hari Sabtu, libur Idul Fitri dan hari kerja sesudahnya", () => {
    expect(isWorkingDay(jakarta, "2025-03-27")).toBe(true); // Kamis
    expect(isWorkingDay(jakarta, "2025-03-28")).toBe(false); // cuti bersama Nyepi
    expect(isWorkingDay(jakarta, "2025-03-29")).toBe(false); // Nyepi, Sabtu
    expect(isWorkingDay(jakarta, "2025-03-31")).toBe(false); // Idul Fitri
    expect(isWorkingDay(jakarta, "2025-04-07")).toBe(false); // cuti bersama, Senin
    expect(isWorkingDay(jakarta, "2025-04-08")).toBe(true);
  });

  it("menghitung tanggal lokal WIB, bukan UTC", () => {
    // 20:00 UTC on 27 March is 03:00 WIB on Friday 28 March, a joint leave day.
    const instant = new Date("2025-03-27T20:00:00Z");
    expect(localDateOf(jakarta, instant)).toBe("2025-03-28");
    expect(isWorkingDay(jakarta, localDateOf(jakarta, instant))).toBe(false);
    expect(localDateOf(makeCalendar([], 0), instant)).toBe("2025-03-27");
  });

  it("menolak tanggal libur yang salah tulis dan kalender tanpa hari kerja", () => {
    expect(() => makeCalendar(["2025-02-30"])).toThrow(RangeError);
    expect(() => makeCalendar(["25-1-1"])).toThrow(RangeError);
    expect(() => isWorkingDay(jakarta, "2025/04/08")).toThrow(RangeError);
    const noWorkdays = { utcOffsetMinutes: 420, holidays: new Set<string>(), weekendDays: new Set([0, 1, 2, 3, 4, 5, 6]) };
    expect(() => addWorkingDays(noWorkdays, wib("2025-02-03T09:00:00"), 1)).toThrow(RangeError);
  });
});

describe("addWorkingDays (batas waktu)", () => {
  it("laporan Kamis 27 Maret 2025 10:00 dengan target 3 hari kerja jatuh tempo Kamis 10 April 10:00 (libur Nyepi dan Idul Fitri)", () => {
    // 27 Mar counts as the start; 28 cuti; 29-30 weekend; 31 Mar-1 Apr Idul Fitri; 2-4 Apr cuti; 5-6 weekend;
    // 7 Apr cuti; working days 8, 9, 10 Apr. A weekends-only clock would say Tuesday 1 April.
    expect(addWorkingDays(jakarta, wib("2025-03-27T10:00:00"), 3)).toEqual(wib("2025-04-10T10:00:00"));
    expect(addWorkingDays(makeCalendar([]), wib("2025-03-27T10:00:00"), 3)).toEqual(wib("2025-04-01T10:00:00"));
  });

  it("laporan hari Sabtu mulai dihitung Senin 00:00", () => {
    const saturday = wib("2025-02-08T14:00:00");
    expect(addWorkingDays(jakarta, saturday, 0)).toEqual(wib("2025-02-10T00:00:00"));
    expect(addWorkingDays(jakarta, saturday, 1)).toEqual(wib("2025-02-11T00:00:00"));
    expect(addWorkingDays(jakarta, saturday, 2)).toEqual(wib("2025-02-12T00:00:00"));
  });

  it("laporan Sabtu malam WIB (Sabtu siang UTC) mulai Senin 00:00 WIB", () => {
    // 18:00 UTC Friday 31 Jan is 01:00 WIB Saturday 1 Feb.
    expect(addWorkingDays(jakarta, new Date("2025-01-31T18:00:00Z"), 0)).toEqual(wib("2025-02-03T00:00:00"));
    // With a UTC calendar the same instant is Friday evening, a working moment.
    const utc = makeCalendar([], 0);
    expect(addWorkingDays(utc, new Date("2025-01-31T18:00:00Z"), 0)).toEqual(new Date("2025-01-31T18:00:00Z"));
  });

  it("laporan saat libur panjang Idul Fitri mulai dihitung pada hari kerja pertama sesudahnya", () => {
    expect(addWorkingDays(jakarta, wib("2025-03-29T08:00:00"), 0)).toEqual(wib("2025-04-08T00:00:00"));
    expect(addWorkingDays(jakarta, wib("2025-04-02T23:59:00"), 1)).toEqual(wib("2025-04-09T00:00:00"));
  });

  it("0 hari pada hari kerja = saat itu juga", () => {
    const t = wib("2025-02-05T13:45:00");
    expect(addWorkingDays(jakarta, t, 0)).toEqual(t);
  });

  it("melewati pergantian tahun: Natal, cuti bersama dan Tahun Baru dilewati", () => {
    // 24 Dec (start) | 25 Natal, 26 cuti | 27 Fri (1) | 28-29 weekend | 30 (2) | 31 (3) | 1 Jan libur | 2 Jan (4) | 3 Jan (5)
    const start = wib("2024-12-24T15:00:00");
    expect(addWorkingDays(jakarta, start, 3)).toEqual(wib("2024-12-31T15:00:00"));
    expect(addWorkingDays(jakarta, start, 5)).toEqual(wib("2025-01-03T15:00:00"));
    expect(workingDaysBetween(jakarta, start, wib("2025-01-03T15:00:00"))).toBe(5);
  });

  it("anggaran yang habis tepat tengah malam sebelum libur jatuh tempo pada 00:00 hari kerja berikutnya, bukan pada hari libur", () => {
    // Thursday 00:00 + 1 day uses up all of Thursday; Friday 28 Mar .. Monday 7 Apr are off.
    expect(addWorkingDays(jakarta, wib("2025-03-27T00:00:00"), 1)).toEqual(wib("2025-04-08T00:00:00"));
  });

  it("hari pecahan adalah jam kerja: 0,5 hari dari Jumat 18:00 = Senin 06:00", () => {
    expect(addWorkingDays(jakarta, wib("2025-02-07T18:00:00"), 0.5)).toEqual(wib("2025-02-10T06:00:00"));
  });

  it("menolak jumlah hari negatif atau tidak terhingga", () => {
    expect(() => addWorkingDays(jakarta, wib("2025-02-07T18:00:00"), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(jakarta, wib("2025-02-07T18:00:00"), Number.NaN)).toThrow(RangeError);
  });

  it("konsisten dengan workingMillisBetween: batas waktu adalah saat terakhir sebelum anggaran terlampaui", () => {
    // Sweep starts every 7 hours through the Idul Fitri and year-end holidays.
    const starts: Date[] = [];
    for (let t = wib("2024-12-20T00:00:00").getTime(); t < wib("2025-01-10T00:00:00").getTime(); t += 7 * HOUR) {
      starts.push(new Date(t));
    }
    for (let t = wib("2025-03-24T00:00:00").getTime(); t < wib("2025-04-12T00:00:00").getTime(); t += 7 * HOUR) {
      starts.push(new Date(t));
    }
    for (const start of starts) {
      for (const days of [0, 1, 3, 5]) {
        const due = addWorkingDays(jakarta, start, days);
        expect(workingMillisBetween(jakarta, start, due)).toBe(days * MILLIS_PER_DAY);
        expect(workingMillisBetween(jakarta, start, new Date(due.getTime() + 1))).toBe(days * MILLIS_PER_DAY + 1);
        expect(isWorkingDay(jakarta, localDateOf(jakarta, due))).toBe(true);
      }
    }
  });
});

describe("workingMillisBetween", () => {
  it("Jumat 17:00 sampai Senin 09:00 = 16 jam kerja (bukan 64 jam)", () => {
    expect(workingMillisBetween(jakarta, wib("2025-02-07T17:00:00"), wib("2025-02-10T09:00:00"))).toBe(16 * HOUR);
  });

  it("libur Idul Fitri 2025 tidak dihitung: Kamis 27 Maret 10:00 sampai Selasa 8 April 10:00 = 1 hari kerja", () => {
    expect(workingDaysBetween(jakarta, wib("2025-03-27T10:00:00"), wib("2025-04-08T10:00:00"))).toBe(1);
  });

  it("rentang panjang menghitung hari kerja setahun penuh dengan benar", () => {
    // 2025: 261 weekdays minus the holidays falling on weekdays (2025-03-29, 04-20, 06-01, 08-17 are weekend days).
    const weekdayHolidays2025 = HOLIDAYS_2024_2025.filter(
      (d) => d.startsWith("2025") && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
    ).length;
    expect(weekdayHolidays2025).toBe(23);
    expect(workingDaysBetween(jakarta, wib("2025-01-01T00:00:00"), wib("2026-01-01T00:00:00"))).toBe(261 - 23);
  });

  it("nol bila rentang kosong, terbalik, atau seluruhnya di hari libur", () => {
    expect(workingMillisBetween(jakarta, wib("2025-02-10T09:00:00"), wib("2025-02-10T09:00:00"))).toBe(0);
    expect(workingMillisBetween(jakarta, wib("2025-02-10T09:00:00"), wib("2025-02-07T09:00:00"))).toBe(0);
    expect(workingMillisBetween(jakarta, wib("2025-04-02T09:00:00"), wib("2025-04-02T17:00:00"))).toBe(0);
    expect(workingMillisBetween(jakarta, wib("2025-03-28T00:00:00"), wib("2025-04-08T00:00:00"))).toBe(0);
  });

  it("memakai offset zona waktu kalender", () => {
    // Friday 20:00 UTC to Saturday 02:00 UTC: 4 working hours in UTC, none in WIB (already Saturday 03:00).
    const from = new Date("2025-02-07T20:00:00Z");
    const to = new Date("2025-02-08T02:00:00Z");
    expect(workingMillisBetween(makeCalendar([], 0), from, to)).toBe(4 * HOUR);
    expect(workingMillisBetween(makeCalendar([]), from, to)).toBe(0);
  });
});

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

describe("waktu pegang per unit (koordinasi)", () => {
  it("kelurahan memegang 1 hari kerja lalu mengoordinasikan ke dinas yang memegang 3 hari: kelurahan hanya dibebani 1 hari", () => {
    const segments: CustodySegment[] = [
      { at: wib("2025-02-06T09:00:00"), unitId: "kel-kebon-jeruk" }, // Thursday
      { at: wib("2025-02-07T09:00:00"), unitId: "dinas-bina-marga" }, // Friday, coordinated
    ];
    // Friday 15h + Monday + Tuesday + Wednesday 9h = 3 working days; 5 calendar days.
    const held = heldTimeByUnit(jakarta, segments, wib("2025-02-12T09:00:00"));
    expect(held.get("kel-kebon-jeruk")).toBe(1 * MILLIS_PER_DAY);
    expect(held.get("dinas-bina-marga")).toBe(3 * MILLIS_PER_DAY);
    expect(held.size).toBe(2);
  });

  it("koordinasi yang ditolak kembali ke pengirim: dua masa pegang pengirim dijumlahkan", () => {
    const segments: CustodySegment[] = [
      { at: wib("2025-02-03T09:00:00"), unitId: "kel" },
      { at: wib("2025-02-03T15:00:00"), unitId: "dinas" },
      { at: wib("2025-02-04T09:00:00"), unitId: "kel" },
    ];
    const held = heldTimeByUnit(jakarta, segments, wib("2025-02-04T12:00:00"));
    expect(held.get("kel")).toBe(9 * HOUR);
    expect(held.get("dinas")).toBe(18 * HOUR);
  });

  it("waktu selesai sampai dibuka kembali tidak dibebankan ke siapa pun; segmen setelah endAt diabaikan; urutan masukan bebas", () => {
    const segments: CustodySegment[] = [
      { at: wib("2025-02-10T09:00:00"), unitId: "kel" }, // reopened Monday after a dispute
      { at: wib("2025-02-03T09:00:00"), unitId: "kel" },
      { at: wib("2025-02-04T09:00:00"), unitId: null }, // done Tuesday
      { at: wib("2025-02-20T09:00:00"), unitId: "dinas" }, // after endAt
    ];
    const held = heldTimeByUnit(jakarta, segments, wib("2025-02-10T12:00:00"));
    expect(held.get("kel")).toBe(27 * HOUR);
    expect(held.has("dinas")).toBe(false);
  });

  it("custody diturunkan dari event: koordinasi, penolakan, eskalasi (tidak memindahkan), selesai, sanggahan", () => {
    const events = [
      event({ type: "created", createdAt: wib("2025-02-03T09:00:00"), toUnitId: "kel", toState: "waiting" }),
      event({ type: "taken_up", createdAt: wib("2025-02-03T10:00:00"), unitId: "kel", toState: "in_progress" }),
      event({ type: "coordinated", createdAt: wib("2025-02-03T11:00:00"), unitId: "kel", toUnitId: "dinas", toState: "coordination" }),
      event({ type: "escalated", createdAt: wib("2025-02-03T11:30:00"), unitId: "kel", toUnitId: "camat" }),
      event({ type: "coordination_refused", createdAt: wib("2025-02-03T12:00:00"), unitId: "dinas", fromUnitId: "dinas", toUnitId: "kel", toState: "in_progress" }),
      event({ type: "assigned", createdAt: wib("2025-02-03T12:30:00"), unitId: "kel", toUnitId: "ppsu-kel" }),
      event({ type: "follow_up_submitted", createdAt: wib("2025-02-03T13:00:00"), unitId: "kel", toState: "awaiting_validation" }),
      event({ type: "follow_up_validated", createdAt: wib("2025-02-03T14:00:00"), unitId: "kel", toState: "done" }),
      event({ type: "disputed", createdAt: wib("2025-02-04T09:00:00"), actorCitizenId: "c2", fromState: "done", toState: "waiting" }),
    ];
    // Given out of order on purpose.
    expect(custodySegmentsFromEvents([...events].reverse())).toEqual([
      { at: wib("2025-02-03T09:00:00"), unitId: "kel" },
      { at: wib("2025-02-03T11:00:00"), unitId: "dinas" },
      { at: wib("2025-02-03T12:00:00"), unitId: "kel" },
      { at: wib("2025-02-03T14:00:00"), unitId: null },
      { at: wib("2025-02-04T09:00:00"), unitId: "kel" },
    ]);
  });

  it("sanggahan yang baru diajukan (tanpa perubahan status) tidak menjalankan lagi jam laporan yang sudah selesai", () => {
    const segments = custodySegmentsFromEvents([
      event({ type: "created", createdAt: wib("2025-02-03T09:00:00"), toUnitId: "kel", toState: "waiting" }),
      event({ type: "follow_up_validated", createdAt: wib("2025-02-03T14:00:00"), unitId: "kel", toState: "done" }),
      event({ type: "disputed", createdAt: wib("2025-02-04T09:00:00"), actorCitizenId: "c2", toUnitId: "kel" }),
    ]);
    expect(segments.map((s) => s.unitId)).toEqual(["kel", null]);
  });

  it("created tanpa toUnitId memakai unitId; disposisi memindahkan ke suku dinas", () => {
    const segments = custodySegmentsFromEvents([
      event({ type: "created", createdAt: wib("2025-02-03T09:00:00"), unitId: "dinas" }),
      event({ type: "disposed", createdAt: wib("2025-02-03T10:00:00"), unitId: "dinas", toUnitId: "sudin-jb" }),
    ]);
    expect(segments.map((s) => s.unitId)).toEqual(["dinas", "sudin-jb"]);
  });
});

describe("unit yang bertanggung jawab saat batas waktu habis", () => {
  const segments: CustodySegment[] = [
    { at: wib("2025-02-06T09:00:00"), unitId: "kel" },
    { at: wib("2025-02-07T09:00:00"), unitId: "dinas" },
  ];

  it("keterlambatan dibebankan ke pemegang saat jatuh tempo, bukan penerima pertama", () => {
    const due = addWorkingDays(jakarta, wib("2025-02-06T09:00:00"), 3); // Tuesday 11 Feb 09:00
    expect(due).toEqual(wib("2025-02-11T09:00:00"));
    expect(accountableUnitAt(segments, due)).toBe("dinas");
  });

  it("pergantian tepat pada batas waktu dihitung untuk pemegang baru; sebelum segmen pertama null", () => {
    expect(accountableUnitAt(segments, wib("2025-02-07T09:00:00"))).toBe("dinas");
    expect(accountableUnitAt(segments, wib("2025-02-07T08:59:59"))).toBe("kel");
    expect(accountableUnitAt(segments, wib("2025-02-06T08:00:00"))).toBeNull();
  });
});

describe("slaStatus", () => {
  const base = {
    createdAt: wib("2025-03-27T10:00:00"),
    firstActionAt: null,
    doneOrClosedAt: null,
    firstActionDays: 1,
    resolutionDays: 3,
  };

  it("tidak terlambat selama libur Idul Fitri meski sudah 5 hari kalender", () => {
    const s = slaStatus(jakarta, base, wib("2025-04-01T12:00:00"));
    expect(s.firstActionDueAt).toEqual(wib("2025-04-08T10:00:00"));
    expect(s.resolutionDueAt).toEqual(wib("2025-04-10T10:00:00"));
    expect(s.firstActionOverdue).toBe(false);
    expect(s.resolutionOverdue).toBe(false);
    expect(s.workingDaysOpen).toBeCloseTo(14 / 24, 10);
  });

  it("terlambat tindakan pertama sesudah batas waktu; tepat pada batas waktu belum terlambat", () => {
    expect(slaStatus(jakarta, base, wib("2025-04-08T10:00:00")).firstActionOverdue).toBe(false);
    const s = slaStatus(jakarta, base, wib("2025-04-09T12:00:00"));
    expect(s.firstActionOverdue).toBe(true);
    expect(s.resolutionOverdue).toBe(false);
    expect(s.workingDaysOpen).toBeCloseTo((14 + 24 + 12) / 24, 10);
  });

  it("tindakan pertama tepat waktu tidak terlambat walau sekarang sudah lewat; penyelesaian terlambat tetap tercatat", () => {
    const s = slaStatus(
      jakarta,
      { ...base, firstActionAt: wib("2025-04-08T09:00:00"), doneOrClosedAt: wib("2025-04-11T08:00:00") },
      wib("2025-05-20T00:00:00"),
    );
    expect(s.firstActionOverdue).toBe(false);
    expect(s.resolutionOverdue).toBe(true);
    // The clock stops at done: 14h + 8, 9, 10 Apr + 8h on 11 Apr.
    expect(s.workingDaysOpen).toBeCloseTo((14 + 72 + 8) / 24, 10);
  });

  it("penutupan tanpa tindakan pertama dihitung sebagai tindakan pertama", () => {
    const s = slaStatus(jakarta, { ...base, doneOrClosedAt: wib("2025-03-27T11:00:00") }, wib("2025-06-01T00:00:00"));
    expect(s.firstActionOverdue).toBe(false);
    expect(s.resolutionOverdue).toBe(false);
  });
});
