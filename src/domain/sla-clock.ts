/**
 * The SLA clock (docs/domain.md, "SLA"): working days of one time zone's calendar, minus weekends,
 * national holidays and joint leave days (cuti bersama).
 *
 * Model: a working day is a whole local calendar day (00:00-24:00 local) that is neither a weekend day
 * nor a holiday. Every millisecond inside a working day counts; nothing on a non-working day counts.
 * We count whole days rather than office hours because that is how the SLA targets are written
 * ("3 hari kerja") and because PPSU crews work around the clock; it also makes one working day exactly
 * 86_400_000 working milliseconds, so "days" and "millis" convert without a table of office hours.
 *
 * The zone has a fixed UTC offset (Asia/Jakarta = UTC+7, no DST). Local dates are computed by shifting
 * the instant by the offset and reading it as UTC, so nothing here depends on the host's time zone.
 *
 * Pure: no clock is read here; "now" is always a parameter.
 */
import type { EventType, ReportEvent } from "./report.ts";

export const MILLIS_PER_DAY = 86_400_000;
const MILLIS_PER_MINUTE = 60_000;
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;
/** Jakarta: UTC+7. */
export const JAKARTA_UTC_OFFSET_MINUTES = 420;
const DEFAULT_WEEKEND: ReadonlySet<number> = new Set([0, 6]);
/** A run of non-working days longer than this means a broken calendar, not a long holiday. */
const MAX_CONSECUTIVE_NON_WORKING_DAYS = 366;

export interface WorkingCalendar {
  /** The zone's fixed offset from UTC, in minutes (Asia/Jakarta: 420). */
  utcOffsetMinutes: number;
  /** Non-working local dates, 'YYYY-MM-DD' (national holidays and joint leave days). */
  holidays: ReadonlySet<string>;
  /** Weekday numbers that are never worked, 0=Sunday..6=Saturday; default Saturday and Sunday. */
  weekendDays?: ReadonlySet<number>;
}

/** Who held a report from `at` on; `unitId: null` means nobody: the report was done or closed and the clock stopped. */
export interface CustodySegment {
  at: Date;
  unitId: string | null;
}

export interface SlaInput {
  createdAt: Date;
  /** First take-up, coordination or closure; null while none happened. */
  firstActionAt: Date | null;
  /** When the report became done or closed; null while it is open. */
  doneOrClosedAt: Date | null;
  firstActionDays: number;
  resolutionDays: number;
}

export interface SlaStatus {
  firstActionDueAt: Date;
  resolutionDueAt: Date;
  /** The first-action target was missed (still no action after the deadline, or the action came late). */
  firstActionOverdue: boolean;
  /** The resolution target was missed (still open after the deadline, or done/closed late). */
  resolutionOverdue: boolean;
  /** Working days (fractional) from creation to done/closed, or to `now` while open. */
  workingDaysOpen: number;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws RangeError on anything else. */
function dayNumberOfDate(localDate: string): number {
  const m = DATE_PATTERN.exec(localDate);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(localDate)}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date: ${localDate}`);
  }
  return ms / MILLIS_PER_DAY;
}

function dateOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MILLIS_PER_DAY).toISOString().slice(0, 10);
}

function offsetMillis(cal: WorkingCalendar): number {
  return cal.utcOffsetMinutes * MILLIS_PER_MINUTE;
}

/** Local day number of an instant. */
function dayNumberOf(cal: WorkingCalendar, instantMs: number): number {
  return Math.floor((instantMs + offsetMillis(cal)) / MILLIS_PER_DAY);
}

/** The instant of 00:00 local on a local day number. */
function startOfDay(cal: WorkingCalendar, dayNumber: number): number {
  return dayNumber * MILLIS_PER_DAY - offsetMillis(cal);
}

function weekdayOf(dayNumber: number): number {
  return (((dayNumber + EPOCH_WEEKDAY) % 7) + 7) % 7;
}

function weekendOf(cal: WorkingCalendar): ReadonlySet<number> {
  return cal.weekendDays ?? DEFAULT_WEEKEND;
}

// Sorted holiday day numbers, memoised per holiday set so range counts need no per-day loop.
// A WeakMap keyed by the (read-only) set keeps this pure from the caller's point of view.
const holidayDayCache = new WeakMap<ReadonlySet<string>, number[]>();

function holidayDays(cal: WorkingCalendar): number[] {
  let days = holidayDayCache.get(cal.holidays);
  if (!days) {
    days = [...new Set([...cal.holidays].map(dayNumberOfDate))].sort((a, b) => a - b);
    holidayDayCache.set(cal.holidays, days);
  }
  return days;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isWorkingDayNumber(cal: WorkingCalendar, dayNumber: number): boolean {
  if (weekendOf(cal).has(weekdayOf(dayNumber))) return false;
  return !cal.holidays.has(dateOfDayNumber(dayNumber));
}

/** Number of working days in the local day range [fromDay, toDay). */
function countWorkingDays(cal: WorkingCalendar, fromDay: number, toDay: number): number {
  if (toDay <= fromDay) return 0;
  const weekend = weekendOf(cal);
  const total = toDay - fromDay;
  const fullWeeks = Math.floor(total / 7);
  let count = fullWeeks * (7 - weekend.size);
  for (let d = fromDay + fullWeeks * 7; d < toDay; d++) {
    if (!weekend.has(weekdayOf(d))) count++;
  }
  const holidays = holidayDays(cal);
  for (let i = lowerBound(holidays, fromDay); i < holidays.length; i++) {
    const h = holidays[i] as number;
    if (h >= toDay) break;
    if (!weekend.has(weekdayOf(h))) count--;
  }
  return count;
}

function assertUsableCalendar(cal: WorkingCalendar): void {
  const weekend = weekendOf(cal);
  const weekdays = [0, 1, 2, 3, 4, 5, 6].filter((d) => !weekend.has(d));
  if (weekdays.length === 0) throw new RangeError("calendar has no working weekday");
  if (!Number.isInteger(cal.utcOffsetMinutes) || Math.abs(cal.utcOffsetMinutes) > 14 * 60) {
    throw new RangeError(`invalid UTC offset: ${cal.utcOffsetMinutes} minutes`);
  }
}

/**
 * A working calendar from holiday dates ('YYYY-MM-DD', local) and the zone's fixed UTC offset
 * (default Asia/Jakarta, +420 minutes). Weekend is Saturday and Sunday. Throws RangeError on a
 * malformed date or offset: the holiday list is configuration, and a typo must not silently shift deadlines.
 */
export function makeCalendar(
  holidayDates: Iterable<string>,
  utcOffsetMinutes: number = JAKARTA_UTC_OFFSET_MINUTES,
): WorkingCalendar {
  const holidays = new Set<string>();
  for (const date of holidayDates) {
    dayNumberOfDate(date);
    holidays.add(date);
  }
  const cal: WorkingCalendar = { utcOffsetMinutes, holidays };
  assertUsableCalendar(cal);
  return cal;
}

/** Whether a local date ('YYYY-MM-DD') is a working day: not a weekend day and not a holiday. */
export function isWorkingDay(cal: WorkingCalendar, localDate: string): boolean {
  return isWorkingDayNumber(cal, dayNumberOfDate(localDate));
}

/** The local calendar date ('YYYY-MM-DD') of an instant in the calendar's zone. */
export function localDateOf(cal: WorkingCalendar, instant: Date): string {
  return dateOfDayNumber(dayNumberOf(cal, instant.getTime()));
}

/**
 * The instant by which `millis` working milliseconds have elapsed since `start`: the LATEST instant
 * whose elapsed working time from `start` is still exactly `millis`. Taking the latest one means the
 * result never falls on a non-working day (a budget used up at midnight before a holiday is due at
 * 00:00 of the next working day), and `now > due` holds exactly when more than `millis` working time
 * has elapsed.
 */
export function addWorkingMillis(cal: WorkingCalendar, start: Date, millis: number): Date {
  if (!Number.isFinite(millis) || millis < 0) throw new RangeError(`working time must be >= 0, got ${millis}`);
  assertUsableCalendar(cal);
  let cursor = start.getTime();
  let remaining = millis;
  let nonWorkingRun = 0;
  for (;;) {
    const day = dayNumberOf(cal, cursor);
    const dayEnd = startOfDay(cal, day + 1);
    if (isWorkingDayNumber(cal, day)) {
      nonWorkingRun = 0;
      const available = dayEnd - cursor;
      // Strictly less: a budget ending exactly at midnight rolls on to the next working day's 00:00.
      if (remaining < available) return new Date(cursor + remaining);
      remaining -= available;
    } else if (++nonWorkingRun > MAX_CONSECUTIVE_NON_WORKING_DAYS) {
      throw new RangeError("calendar has no working day within a year");
    }
    cursor = dayEnd;
  }
}

/**
 * The deadline `days` working days after `start`.
 *
 * - If `start` falls on a non-working day, the clock starts at 00:00 local of the next working day.
 * - Then `days` working days are added, keeping the time of day and skipping weekends and holidays:
 *   created Thursday 10:00 with 3 days and no holidays => due Tuesday 10:00.
 * - `days = 0` => `start` itself, normalised to working time (a report created on Saturday with a
 *   0-day target is due Monday 00:00).
 * - Fractional days are working time: 0.5 => 12 working hours.
 * Equivalent to `addWorkingMillis(cal, start, days * 86_400_000)`. Throws RangeError for negative days.
 */
export function addWorkingDays(cal: WorkingCalendar, start: Date, days: number): Date {
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`working days must be >= 0, got ${days}`);
  return addWorkingMillis(cal, start, days * MILLIS_PER_DAY);
}

/**
 * Working time between two instants: the part of [from, to) that falls on working days (all 24 hours of
 * a working day count, nothing of a non-working day). Friday 17:00 to Monday 09:00 is 16 hours.
 * Returns 0 when `to` is not after `from` (never negative).
 */
export function workingMillisBetween(cal: WorkingCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!(b > a)) return 0;
  const dayA = dayNumberOf(cal, a);
  const dayB = dayNumberOf(cal, b);
  if (dayA === dayB) return isWorkingDayNumber(cal, dayA) ? b - a : 0;
  let total = 0;
  if (isWorkingDayNumber(cal, dayA)) total += startOfDay(cal, dayA + 1) - a;
  total += countWorkingDays(cal, dayA + 1, dayB) * MILLIS_PER_DAY;
  if (isWorkingDayNumber(cal, dayB)) total += b - startOfDay(cal, dayB);
  return total;
}

/** Working days between two instants, fractional (working millis / 86_400_000). */
export function workingDaysBetween(cal: WorkingCalendar, from: Date, to: Date): number {
  return workingMillisBetween(cal, from, to) / MILLIS_PER_DAY;
}

function byInstant<T extends { at: Date }>(segments: readonly T[]): T[] {
  // Array.prototype.sort is stable: changes recorded at the same instant keep their given order.
  return [...segments].sort((x, y) => x.at.getTime() - y.at.getTime());
}

/**
 * Working time each unit held a report, from its custody changes, up to `endAt` (done/closed time,
 * or now while open). Each moment is charged to the unit holding the report at that moment: a report
 * coordinated away stops counting against the sender; time in a `null` segment (done, closed) counts
 * against nobody. Every unit that held the report before `endAt` is in the map, with 0 when it held it
 * only on non-working days. Segments need not be sorted.
 */
export function heldTimeByUnit(
  cal: WorkingCalendar,
  segments: readonly CustodySegment[],
  endAt: Date,
): Map<string, number> {
  const held = new Map<string, number>();
  const sorted = byInstant(segments);
  const end = endAt.getTime();
  sorted.forEach((segment, i) => {
    if (segment.unitId === null || segment.at.getTime() > end) return;
    const next = sorted[i + 1];
    const until = next ? Math.min(next.at.getTime(), end) : end;
    const millis = workingMillisBetween(cal, segment.at, new Date(until));
    held.set(segment.unitId, (held.get(segment.unitId) ?? 0) + millis);
  });
  return held;
}

// Events that never move a report between units even when they name one: an escalation notifies the
// supervisor (the report stays with its holder), an assignment picks a person or crew inside the unit.
const NON_CUSTODY_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  "assigned",
  "escalated",
  "sla_breached",
  "supported",
  "message_in",
  "message_out",
  "officer_reply",
]);

function endsTheClock(event: ReportEvent): boolean {
  return event.toState === "done" || event.toState === "closed" || event.type === "closed";
}

/**
 * Custody changes derived from a report's events, in time order:
 * - `created`/`routed`: the report is at `toUnitId` (or, lacking one, the event's `unitId`);
 * - any event whose `toUnitId` differs from the current holder moves custody there (coordinated,
 *   coordination_refused back to the sender, disposed, routed, reopened/disputed back to the TL unit...);
 * - an event into `done` or `closed` stops the clock (`unitId: null`);
 * - an event that brings a stopped report back to an open state without naming a unit returns it to
 *   the last unit that held it (a dispute goes back to the unit that did the TL);
 * - assignments, escalations, SLA breaches, support and messages never move custody.
 * Only changes are emitted: consecutive events at the same holder produce one segment.
 */
export function custodySegmentsFromEvents(events: readonly ReportEvent[]): CustodySegment[] {
  const ordered = [...events].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
  const segments: CustodySegment[] = [];
  let holder: string | null = null;
  let lastHolder: string | null = null;
  let started = false;
  const moveTo = (unitId: string | null, at: Date): void => {
    if (started && unitId === holder) return;
    started = true;
    holder = unitId;
    if (unitId !== null) lastHolder = unitId;
    segments.push({ at, unitId });
  };
  for (const event of ordered) {
    if (NON_CUSTODY_EVENTS.has(event.type)) continue;
    if (endsTheClock(event)) {
      if (started) moveTo(null, event.createdAt);
      continue;
    }
    // A stopped clock restarts only with a state change (a filed but not yet accepted dispute does not).
    if (started && holder === null && event.toState === null) continue;
    const named = event.toUnitId ?? (event.type === "created" || event.type === "routed" ? event.unitId : null);
    if (named !== null) {
      moveTo(named, event.createdAt);
    } else if (started && holder === null && lastHolder !== null) {
      moveTo(lastHolder, event.createdAt);
    }
  }
  return segments;
}

/**
 * Which unit held the report at `instant` (normally a deadline): overdue counts against the holder when
 * the clock ran out, not against the unit that first received the report. A custody change at exactly
 * `instant` counts for the new holder (the sender acted in time). Null before the first segment or
 * while the report was done/closed.
 */
export function accountableUnitAt(segments: readonly CustodySegment[], instant: Date): string | null {
  let holder: string | null = null;
  for (const segment of byInstant(segments)) {
    if (segment.at.getTime() > instant.getTime()) break;
    holder = segment.unitId;
  }
  return holder;
}

/**
 * SLA deadlines and flags of a report. Both deadlines run from `createdAt` (see `addWorkingDays`).
 * A target is overdue when the moment it was met (first action; done/closed) — or `now`, while it is
 * not met — is strictly after its deadline; so the flag also records a target met late. A closure
 * without an earlier first action counts as the first action (closing is one, per the domain).
 */
export function slaStatus(cal: WorkingCalendar, input: SlaInput, now: Date): SlaStatus {
  const firstActionDueAt = addWorkingDays(cal, input.createdAt, input.firstActionDays);
  const resolutionDueAt = addWorkingDays(cal, input.createdAt, input.resolutionDays);
  const firstActionMoment = input.firstActionAt ?? input.doneOrClosedAt ?? now;
  const resolutionMoment = input.doneOrClosedAt ?? now;
  return {
    firstActionDueAt,
    resolutionDueAt,
    firstActionOverdue: firstActionMoment.getTime() > firstActionDueAt.getTime(),
    resolutionOverdue: resolutionMoment.getTime() > resolutionDueAt.getTime(),
    workingDaysOpen: workingDaysBetween(cal, input.createdAt, resolutionMoment),
  };
}
