/**
 * Time held per unit, three ways that must agree on random histories (migrations 014/015):
 *   1. the domain's rule, custodySegmentsFromEvents + heldTimeByUnit (what a report's page shows);
 *   2. the triggers' incremental custody (stats_custody, the held log folded by stats_compact) read by heldByUnit;
 *   3. the set-based stats_rebuild() (window functions over report_events), read the same way.
 * Histories mix every custody rule: coordination and acceptance, disposition, stops (done, closed), reopen and
 * dispute (filed without a state, then accepted), stateless events naming a unit, events that never move custody,
 * equal timestamps, weekends and a holiday.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../src/domain/random.ts";
import { makeCalendar, custodySegmentsFromEvents, heldTimeByUnit } from "../src/domain/sla-clock.ts";
import { listEvents } from "../src/store/reports.store.ts";
import { heldByUnit } from "../src/store/stats.store.ts";
import { PLACES, startTestApp, type TestApp } from "./harness.ts";

const START = new Date("2026-12-18T01:30:00Z"); // Friday 08:30 WIB, a week before the 25 December holiday
const NOW = new Date("2027-07-01T05:00:00Z");
const UNITS = ["kel-31.71.01.1001", "dinas-bina-marga", "dinas-cipta-karya-tata-ruang-pertanahan", "dinas-bina-marga@31.71", "kel-31.73.03.1008"];

interface Step { type: string; toState: string | null; toUnit?: boolean; unit?: boolean }
const STEPS: Step[] = [
  { type: "taken_up", toState: "in_process" },
  { type: "coordinated", toState: "coordination", toUnit: true },
  { type: "coordination_accepted", toState: "waiting" },
  { type: "disposed", toState: "disposition", toUnit: true },
  { type: "follow_up_submitted", toState: null },
  { type: "follow_up_validated", toState: "done" },
  { type: "closed", toState: "closed" },
  { type: "reopened", toState: "waiting" },
  { type: "disputed", toState: null },
  { type: "disputed", toState: "waiting" },
  { type: "commented", toState: null },
  { type: "routed", toState: "waiting", unit: true },
  { type: "assigned", toState: null, toUnit: true },
  { type: "message_in", toState: null },
  { type: "escalated", toState: null, toUnit: true },
  { type: "noted", toState: null, toUnit: true },
  // more of the stops and the stateless events, so that many follow a stop
  { type: "follow_up_validated", toState: "done" },
  { type: "closed", toState: "closed" },
  { type: "noted", toState: null, toUnit: true },
  { type: "disputed", toState: null },
];

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ now: START });
});
afterAll(async () => {
  await app?.close();
});

describe("time held per unit", () => {
  it("the triggers, the set-based rebuild and the domain rule agree on random histories", async () => {
    const pool = app.running.ctx.pool;
    await pool.query("insert into holidays (date, name) values ('2026-12-25', 'Natal') on conflict do nothing");
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const res = await app.post("/api/v1/public/reports", {
        description: `Laporan acak nomor ${i} tentang jalan rusak di dekat pasar`,
        lat: PLACES.monas.lat, lon: PLACES.monas.lon, category: "fasilitas_kelurahan",
        contact: { email: `warga${i}@example.com` },
      });
      expect(res.statusCode, res.body).toBe(201);
      const ticket = (res.json() as { ticket: string }).ticket;
      ids.push((await pool.query<{ id: string }>("select id from reports where ticket = $1", [ticket])).rows[0]!.id);
    }

    // Random events, interleaved across reports, at non-decreasing instants (equal ones included).
    const rnd = mulberry32(20261128);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    let at = START.getTime() + 60_000;
    for (let n = 0; n < 24 * 9; n++) {
      const reportId = pick(ids);
      const step = pick(STEPS);
      const gap = rnd();
      at += gap < 0.15 ? 0 : gap < 0.7 ? Math.floor(rnd() * 6 * 3_600_000) : Math.floor(rnd() * 3 * 86_400_000);
      await pool.query(
        `insert into report_events (report_id, type, unit_id, to_state, to_unit_id, created_at) values ($1, $2, $3, $4, $5, $6)`,
        [reportId, step.type, step.unit ? pick(UNITS) : null, step.toState, step.toUnit ? pick(UNITS) : null, new Date(at)],
      );
    }
    expect(at).toBeLessThan(NOW.getTime());

    // 1. the domain rule, report by report
    const cal = makeCalendar(["2026-12-25"]);
    const expected = new Map<string, number>();
    for (const id of ids) {
      for (const [unit, ms] of heldTimeByUnit(cal, custodySegmentsFromEvents(await listEvents(pool, id)), NOW)) {
        expected.set(unit, (expected.get(unit) ?? 0) + ms);
      }
    }
    expect(expected.size).toBeGreaterThanOrEqual(4);

    const held = async () => {
      const rows = await heldByUnit(pool, null, { from: null, to: null }, NOW);
      const out = new Map<string, number>();
      for (const r of rows) out.set(r.unitId, (out.get(r.unitId) ?? 0) + r.heldMs);
      return out;
    };
    const near = (got: Map<string, number>) => {
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      // SQL rounds each segment to the millisecond; the domain counts exact milliseconds of Date
      for (const [unit, ms] of expected) expect(Math.abs(got.get(unit)! - ms), unit).toBeLessThanOrEqual(24 * 9);
    };

    // 2. the triggers, before and after the fold
    near(await held());
    await pool.query("select stats_compact()");
    near(await held());
    const snapshot = async () => ({
      custody: (await pool.query("select * from stats_custody order by report_id")).rows,
      held: (await pool.query("select * from stats_held order by 1, 2, 3")).rows,
      flow: (await pool.query("select * from stats_flow order by 1, 2, 3, 4, 5")).rows,
    });
    const incremental = await snapshot();
    expect(incremental.held.length).toBeGreaterThan(10);

    // 3. the set-based rebuild
    await pool.query("select stats_rebuild()");
    expect(await snapshot()).toEqual(incremental);
    near(await held());
  });
});
