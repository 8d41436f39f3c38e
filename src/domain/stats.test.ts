import { describe, expect, it } from "vitest";
import {
  ageingBucket,
  ageingWindow,
  histogramMedian,
  jakartaDate,
  rankingMethod,
  rankingScore,
  rankUnits,
  rate,
} from "./stats.ts";

describe("ageing", () => {
  it("puts ages into the five buckets at their edges", () => {
    expect([0, 2, 3, 7, 8, 14, 15, 30, 31, 400].map(ageingBucket)).toEqual(["0-2", "0-2", "3-7", "3-7", "8-14", "8-14", "15-30", "15-30", "31+", "31+"]);
  });

  it("turns a bucket into a creation window at Jakarta midnights", () => {
    // today 2026-12-10 (Jakarta): 3-7 days old = created 2026-12-03 .. 2026-12-07 inclusive
    expect(ageingWindow("3-7", "2026-12-10")).toEqual({ after: new Date("2026-12-02T17:00:00Z"), before: new Date("2026-12-07T17:00:00Z") });
    expect(ageingWindow("0-2", "2026-12-10")).toEqual({ after: new Date("2026-12-07T17:00:00Z"), before: null });
    expect(ageingWindow("31+", "2026-12-10")).toEqual({ after: null, before: new Date("2026-11-09T17:00:00Z") });
    expect(jakartaDate(new Date("2026-12-09T17:30:00Z"))).toBe("2026-12-10");
  });
});

describe("rankings", () => {
  it("takes the median of a histogram", () => {
    expect(histogramMedian(new Map())).toBeNull();
    expect(histogramMedian(new Map([[0, 2], [2, 2]]))).toBe(2);
    expect(histogramMedian(new Map([[0, 3], [5, 2]]))).toBe(0);
    expect(histogramMedian(new Map([[4, 1]]))).toBe(4);
  });

  it("scores on rates, not on volume", () => {
    const small = rankingScore({ volume: 20, resolvedOnTime: 20, reopened: 0, medianHeldWorkingDays: 0 });
    const big = rankingScore({ volume: 2000, resolvedOnTime: 2000, reopened: 0, medianHeldWorkingDays: 0 });
    expect(small).toBe(100);
    expect(big).toBe(small);
    expect(rankingScore({ volume: 10, resolvedOnTime: 5, reopened: 1, medianHeldWorkingDays: 5 })).toBe(62);
    expect(rankingScore({ volume: 0, resolvedOnTime: 0, reopened: 0, medianHeldWorkingDays: null })).toBe(0);
  });

  it("ranks only units with the minimum volume, ties share a rank", () => {
    const u = (id: string) => ({ id, name: id.toUpperCase() });
    const { items, unranked } = rankUnits(
      [
        { unit: u("a"), volume: 30, resolvedOnTime: 15, reopened: 0, medianHeldWorkingDays: 1 },
        { unit: u("b"), volume: 25, resolvedOnTime: 25, reopened: 0, medianHeldWorkingDays: 1 },
        { unit: u("c"), volume: 19, resolvedOnTime: 19, reopened: 0, medianHeldWorkingDays: 0 },
        { unit: u("d"), volume: 25, resolvedOnTime: 25, reopened: 0, medianHeldWorkingDays: 1 },
        { unit: u("e"), volume: 0, resolvedOnTime: 0, reopened: 0, medianHeldWorkingDays: null },
      ],
      20,
    );
    expect(items.map((i) => [i.rank, i.unit.id])).toEqual([[1, "b"], [1, "d"], [3, "a"]]);
    expect(items[2]).toMatchObject({ resolvedOnTimeRate: 0.5, reopenRate: 0 });
    expect(unranked.map((x) => [x.unit.id, x.volume])).toEqual([["c", 19], ["e", 0]]);
  });

  it("explains the method in both languages with the minimum volume", () => {
    const m = rankingMethod(20);
    expect(m.id).toContain("kurang dari 20");
    expect(m.en).toContain("fewer than 20");
    expect(m.en).toContain("receiver");
    expect(rate(1, 3)).toBe(0.333);
    expect(rate(1, 0)).toBeNull();
  });
});
