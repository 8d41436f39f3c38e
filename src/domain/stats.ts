/**
 * Monitoring rules (issue 6): which kind of red, how old an open report is, how units are ranked.
 * Pure: "today" and every count are parameters.
 */
import { JAKARTA_UTC_OFFSET_MINUTES } from "./sla-clock.ts";

export const AGEING_BUCKETS = ["0-2", "3-7", "8-14", "15-30", "31+"] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

/** Calendar days (Asia/Jakarta dates) each bucket covers: [min, max] age, max null = open-ended. */
export const AGEING_RANGES: Record<AgeingBucket, { min: number; max: number | null }> = {
  "0-2": { min: 0, max: 2 },
  "3-7": { min: 3, max: 7 },
  "8-14": { min: 8, max: 14 },
  "15-30": { min: 15, max: 30 },
  "31+": { min: 31, max: null },
};

/** The bucket of an open report's age in whole calendar days (today's date minus its creation date). */
export function ageingBucket(ageDays: number): AgeingBucket {
  return AGEING_BUCKETS.find((b) => AGEING_RANGES[b].max === null || ageDays <= AGEING_RANGES[b].max!)!;
}

const DAY = 86_400_000;
const JAKARTA_OFFSET = JAKARTA_UTC_OFFSET_MINUTES * 60_000;

/** The Asia/Jakarta date of an instant, 'YYYY-MM-DD'. */
export function jakartaDate(instant: Date): string {
  return new Date(instant.getTime() + JAKARTA_OFFSET).toISOString().slice(0, 10);
}

/** 00:00 Asia/Jakarta of a local date, as an instant. */
export function jakartaMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - JAKARTA_OFFSET);
}

/** Adds calendar days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * The creation window of an ageing bucket on `today` (Jakarta): reports created at or after `after`
 * and before `before` (either may be null = unbounded). These are the list filters createdAfter/createdBefore.
 */
export function ageingWindow(bucket: AgeingBucket, today: string): { after: Date | null; before: Date | null } {
  const { min, max } = AGEING_RANGES[bucket];
  return {
    after: max === null ? null : jakartaMidnight(addDays(today, -max)),
    before: min === 0 ? null : jakartaMidnight(addDays(today, -min + 1)),
  };
}

/** The median of an integer histogram (bucket -> count): the bucket holding the middle sample. */
export function histogramMedian(hist: ReadonlyMap<number, number>): number | null {
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const middle = (total + 1) / 2;
  let seen = 0;
  for (const bucket of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(bucket) ?? 0;
    if (seen >= middle) return bucket;
  }
  return null;
}

export const DEFAULT_MIN_VOLUME = 20;

export interface RankingInput {
  unit: { id: string; name: string };
  /** reports the unit resolved (done or closed) in the period */
  volume: number;
  resolvedOnTime: number;
  reopened: number;
  /** median working days the unit held a report (whole days), null when it held none */
  medianHeldWorkingDays: number | null;
}

export interface RankedUnit {
  rank: number;
  unit: { id: string; name: string };
  volume: number;
  resolvedOnTimeRate: number;
  medianHeldWorkingDays: number | null;
  reopenRate: number;
  score: number;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Score 0..100 = 50 x on-time rate + 30 x (1 - reopen rate) + 20 x speed, speed = 1 / (1 + median held
 * working days / 5). Rates are per resolved report, so a big unit and a small one compare fairly.
 */
export function rankingScore(u: { volume: number; resolvedOnTime: number; reopened: number; medianHeldWorkingDays: number | null }): number {
  if (u.volume <= 0) return 0;
  const onTime = Math.min(1, u.resolvedOnTime / u.volume);
  const reopen = Math.min(1, u.reopened / u.volume);
  const speed = 1 / (1 + (u.medianHeldWorkingDays ?? 0) / 5);
  return Math.round((50 * onTime + 30 * (1 - reopen) + 20 * speed) * 10) / 10;
}

/** Ranks units with at least `minVolume` resolved reports; the others are listed as unranked. */
export function rankUnits(inputs: readonly RankingInput[], minVolume: number): { items: RankedUnit[]; unranked: Array<{ unit: { id: string; name: string }; volume: number }> } {
  const eligible = inputs.filter((u) => u.volume >= minVolume && u.volume > 0);
  const scored = eligible.map((u) => ({
    unit: u.unit,
    volume: u.volume,
    resolvedOnTimeRate: round3(u.resolvedOnTime / u.volume),
    medianHeldWorkingDays: u.medianHeldWorkingDays,
    reopenRate: round3(u.reopened / u.volume),
    score: rankingScore(u),
  }));
  scored.sort((a, b) => b.score - a.score || b.volume - a.volume || a.unit.id.localeCompare(b.unit.id));
  let rank = 0;
  const items = scored.map((s, i) => {
    if (i === 0 || s.score !== scored[i - 1]!.score) rank = i + 1;
    return { rank, ...s };
  });
  const unranked = inputs
    .filter((u) => !(u.volume >= minVolume && u.volume > 0))
    .map((u) => ({ unit: u.unit, volume: u.volume }))
    .sort((a, b) => b.volume - a.volume || a.unit.id.localeCompare(b.unit.id));
  return { items, unranked };
}

/** The ranking method in both languages, shown next to the table. */
export function rankingMethod(minVolume: number): { id: string; en: string } {
  return {
    id:
      `Peringkat dihitung dari laporan yang diselesaikan (selesai atau ditutup) oleh unit pada periode ini. ` +
      `Skor 0-100 = 50 x persentase selesai tepat waktu + 30 x (1 - persentase dibuka kembali) + 20 x kecepatan, ` +
      `dengan kecepatan = 1 / (1 + median hari kerja unit memegang laporan / 5). ` +
      `Waktu dihitung hanya selama unit memegang laporan: laporan yang dikoordinasikan ke unit lain dihitung untuk unit penerima sejak diserahkan, bukan untuk pengirim. ` +
      `Unit dengan kurang dari ${minVolume} laporan diselesaikan tidak diberi peringkat.`,
    en:
      `Ranks use the reports each unit resolved (done or closed) in the period. ` +
      `Score 0-100 = 50 x share resolved on time + 30 x (1 - share reopened) + 20 x speed, ` +
      `where speed = 1 / (1 + median working days the unit held a report / 5). ` +
      `Time counts only while a unit held the report: a report coordinated to another unit counts for the receiver from the handover, not for the sender. ` +
      `Units with fewer than ${minVolume} resolved reports are not ranked.`,
  };
}

/** A share with three decimals, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? round3(part / whole) : null;
}
