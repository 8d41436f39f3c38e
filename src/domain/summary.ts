/**
 * The executive summary's pure rules: the period a date falls in (Asia/Jakarta calendar, a week runs Monday to
 * Sunday), the formula-injection guard and quoting of CSV cells, and the summary's wording in both languages.
 */

import type { Language } from "./report.ts";
import { JAKARTA_UTC_OFFSET_MINUTES } from "./sla-clock.ts";

export type SummaryPeriod = "week" | "month";

/** Jakarta is UTC+7 all year (no daylight saving). */
const JAKARTA_OFFSET_MS = JAKARTA_UTC_OFFSET_MINUTES * 60_000;

export interface PeriodBounds {
  period: SummaryPeriod;
  /** the first instant of the period (inclusive), as UTC */
  start: Date;
  /** the first instant after the period (exclusive), as UTC */
  end: Date;
  /** the period's first and last calendar days in Jakarta, YYYY-MM-DD */
  firstDay: string;
  lastDay: string;
}

/** Midnight of a Jakarta calendar day (y, m 1-12, d), as a UTC instant. */
function jakartaMidnight(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d) - JAKARTA_OFFSET_MS);
}

const dayString = (utcMidnight: Date) => utcMidnight.toISOString().slice(0, 10);

/**
 * The week (Monday 00:00 to the next Monday 00:00, Jakarta time) or the calendar month containing `date`
 * (YYYY-MM-DD, a Jakarta calendar day).
 */
export function periodBounds(period: SummaryPeriod, date: string): PeriodBounds {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  if (period === "month") {
    const start = jakartaMidnight(y, m, 1);
    const end = jakartaMidnight(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1);
    return { period, start, end, firstDay: dayString(new Date(Date.UTC(y, m - 1, 1))), lastDay: dayString(new Date(Date.UTC(y, m, 0))) };
  }
  const day = new Date(Date.UTC(y, m - 1, d));
  // getUTCDay: Sunday 0 .. Saturday 6; days back to Monday.
  const back = (day.getUTCDay() + 6) % 7;
  const monday = new Date(day.getTime() - back * 86_400_000);
  const start = new Date(monday.getTime() - JAKARTA_OFFSET_MS);
  const end = new Date(start.getTime() + 7 * 86_400_000);
  return { period, start, end, firstDay: dayString(monday), lastDay: dayString(new Date(monday.getTime() + 6 * 86_400_000)) };
}

/** An instant as a Jakarta wall-clock "YYYY-MM-DD HH:MM" (for printed tables). */
export function jakartaDateTime(at: Date): string {
  return new Date(at.getTime() + JAKARTA_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote, CR or LF (quotes doubled). Text that a
 * spreadsheet would read as a formula (starting with = + - @, or a tab or CR) gets a leading single quote;
 * numbers we produce ourselves (a negative latitude) are written as numbers.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF line end. */
export function csvRow(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return values.map(csvCell).join(",") + "\r\n";
}

/** Excel reads UTF-8 only with the byte-order mark. */
export const CSV_BOM = "\uFEFF";

/** Share of reports resolved within their deadline, as a percentage with one decimal; null when none had one. */
export function complianceRate(onTime: number, late: number): number | null {
  const total = onTime + late;
  return total === 0 ? null : Math.round((onTime / total) * 1000) / 10;
}

/** The words of the printed summary (PDF), Indonesian first. */
export const SUMMARY_TEXT: Record<Language, Record<string, string>> = {
  id: {
    title: "Ringkasan Eksekutif Laporan Warga",
    week: "Mingguan",
    month: "Bulanan",
    period: "Periode",
    scope: "Cakupan",
    scopeAll: "Seluruh wilayah",
    generatedAt: "Dibuat",
    figures: "Angka utama",
    created: "Laporan masuk",
    done: "Selesai",
    closed: "Ditutup",
    openAtEnd: "Masih terbuka di akhir periode",
    red: "Merah",
    yellow: "Kuning",
    redBreakdown: "Rincian merah di akhir periode",
    triage: "Verifikasi",
    waiting: "Menunggu",
    reopened: "Dibuka kembali (sanggahan)",
    coordination: "Koordinasi",
    disposition: "Disposisi",
    sla: "Kepatuhan SLA (laporan selesai dalam periode)",
    onTime: "Tepat waktu",
    late: "Terlambat",
    noDeadline: "Tanpa tenggat",
    rate: "Persentase tepat waktu",
    oldestOpen: "5 laporan terbuka tertua",
    ticket: "Tiket",
    createdAt: "Masuk",
    state: "Status",
    category: "Kategori",
    unit: "Unit",
    topCategories: "Kategori terbanyak (laporan masuk)",
    channels: "Kanal (laporan masuk)",
    channel: "Kanal",
    count: "Jumlah",
    overdueUnits: "Unit dengan laporan lewat tenggat terbanyak",
    overdue: "Lewat tenggat",
    none: "Tidak ada",
  },
  en: {
    title: "Executive Summary of Citizen Reports",
    week: "Weekly",
    month: "Monthly",
    period: "Period",
    scope: "Scope",
    scopeAll: "Whole city",
    generatedAt: "Generated",
    figures: "Key figures",
    created: "Reports received",
    done: "Done",
    closed: "Closed",
    openAtEnd: "Still open at period end",
    red: "Red",
    yellow: "Yellow",
    redBreakdown: "Red at period end, by reason",
    triage: "Verification",
    waiting: "Waiting",
    reopened: "Reopened (dispute)",
    coordination: "Coordination",
    disposition: "Disposition",
    sla: "SLA compliance (reports done in the period)",
    onTime: "On time",
    late: "Late",
    noDeadline: "No deadline",
    rate: "Share on time",
    oldestOpen: "5 oldest open reports",
    ticket: "Ticket",
    createdAt: "Received",
    state: "State",
    category: "Category",
    unit: "Unit",
    topCategories: "Top categories (reports received)",
    channels: "Channels (reports received)",
    channel: "Channel",
    count: "Count",
    overdueUnits: "Units with the most overdue reports",
    overdue: "Overdue",
    none: "None",
  },
};
