/**
 * Precision and recall of duplicate candidates on the labelled set data/triage/duplicates-eval.json:
 * its seeds are submitted through the public API (at their own dates) into a fresh database, then
 * each probe asks GET /api/v1/public/duplicates as the portal does before submit. A probe is
 * predicted a duplicate of the top candidate when that candidate is `likely` (score at or above
 * DUPLICATE_SCORE_THRESHOLD); the prediction is right only when it names the labelled original.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DUPLICATE_SCORE_THRESHOLD } from "../src/app/duplicates.ts";
import { startTestApp, type TestApp } from "./harness.ts";

interface Placed {
  dx: number;
  dy: number;
  description: string;
  category: string | null;
}
interface Seed extends Placed {
  key: string;
  daysAgo: number;
  state?: "waiting" | "done" | "closed";
  doneDaysAgo?: number;
}
interface Probe extends Placed {
  case: string;
  expect: string | null;
}
interface Group {
  id: string;
  lat: number;
  lon: number;
  seeds: Seed[];
  probes: Probe[];
}

const EVAL = JSON.parse(fs.readFileSync(path.resolve("data/triage/duplicates-eval.json"), "utf8")) as { groups: Group[] };
const DAY = 86_400_000;
const NOW = new Date("2026-06-15T03:00:00Z");

/** A point dx metres east and dy metres north of the group's place. */
function placeOf(g: Group, p: Placed) {
  return {
    lat: Number((g.lat + p.dy / 111_320).toFixed(6)),
    lon: Number((g.lon + p.dx / (111_320 * Math.cos((Math.abs(g.lat) * Math.PI) / 180))).toFixed(6)),
  };
}

let app: TestApp;
const tickets = new Map<string, string>();

beforeAll(async () => {
  app = await startTestApp({ now: NOW });
  const pool = app.running.ctx.pool;
  for (const g of EVAL.groups) {
    for (const s of g.seeds) {
      app.clock.now = new Date(NOW.getTime() - s.daysAgo * DAY - 3_600_000);
      const res = await app.post("/api/v1/public/reports", { description: s.description, ...(s.category ? { category: s.category } : {}), ...placeOf(g, s) });
      expect(res.statusCode, res.body).toBe(201);
      const ticket = (res.json() as { ticket: string }).ticket;
      tickets.set(`${g.id}:${s.key}`, ticket);
      // Past outcomes are set directly: the lifecycle to get there is not what is measured here.
      if (s.state === "done")
        await pool.query("update reports set state = 'done', done_at = $2 where ticket = $1", [ticket, new Date(NOW.getTime() - (s.doneDaysAgo ?? 0) * DAY)]);
      if (s.state === "closed")
        await pool.query("update reports set state = 'closed', close_reason = 'invalid', closed_at = created_at where ticket = $1", [ticket]);
    }
  }
  app.clock.now = NOW;
}, 240_000);

afterAll(async () => {
  await app?.close();
});

interface Item {
  ticket: string;
  likely: boolean;
  score: number;
}

describe("duplicate candidates on the labelled set", () => {
  it("finds the labelled original as the likely top candidate, and little else", { timeout: 240_000 }, async () => {
    let truePositives = 0;
    let falsePositives = 0;
    let labelled = 0;
    const byCase = new Map<string, { n: number; right: number }>();
    const misses: string[] = [];
    for (const g of EVAL.groups) {
      for (const p of g.probes) {
        const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(placeOf(g, p)).map(([k, v]) => [k, String(v)])), description: p.description });
        if (p.category) params.set("category", p.category);
        const res = await app.get(`/api/v1/public/duplicates?${params}`);
        expect(res.statusCode, res.body).toBe(200);
        const top = (res.json() as { items: Item[] }).items[0];
        const predicted = top?.likely ? top.ticket : null;
        const expected = p.expect ? tickets.get(`${g.id}:${p.expect}`)! : null;
        if (expected) labelled++;
        if (predicted && predicted === expected) truePositives++;
        else if (predicted) falsePositives++;
        const right = predicted === expected;
        const stat = byCase.get(p.case) ?? { n: 0, right: 0 };
        byCase.set(p.case, { n: stat.n + 1, right: stat.right + (right ? 1 : 0) });
        if (!right) misses.push(`${g.id} ${p.case}: expected ${expected ?? "none"}, got ${predicted ?? "none"} (top score ${top?.score ?? "-"})`);
      }
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / labelled;
    console.log(
      `duplicate candidates at threshold ${DUPLICATE_SCORE_THRESHOLD}: precision ${precision.toFixed(3)} (${truePositives}/${truePositives + falsePositives}), ` +
        `recall ${recall.toFixed(3)} (${truePositives}/${labelled})\n` +
        [...byCase].map(([c, s]) => `  ${c}: ${s.right}/${s.n} right`).join("\n") +
        (misses.length ? `\n  wrong:\n    ${misses.join("\n    ")}` : ""),
    );
    expect(labelled).toBeGreaterThanOrEqual(100);
    expect(precision).toBeGreaterThanOrEqual(0.92);
    expect(recall).toBeGreaterThanOrEqual(0.92);
  });
});
