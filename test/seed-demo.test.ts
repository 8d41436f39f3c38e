import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNEL_MIX, seedDemo, type SeedDemoResult } from "../scripts/seed-demo.ts";
import { freshDatabase } from "./harness.ts";

const N = 2000;

describe("npm run seed:demo (scripts/seed-demo.ts)", () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let pool: pg.Pool;
  let result: SeedDemoResult;
  const q = async <R extends pg.QueryResultRow>(sql: string, values?: unknown[]) => (await pool.query<R>(sql, values)).rows;
  const n = async (sql: string) => Number((await q<{ n: string }>(sql))[0]!.n);

  beforeAll(async () => {
    fresh = await freshDatabase();
    pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
    result = await seedDemo(pool, { reports: N, seed: 7, months: 15, chunk: 1000, reset: false, log: () => undefined });
  }, 300_000);

  afterAll(async () => {
    await pool?.end();
    await fresh?.drop();
  });

  it("makes the reports asked for, over the last 15 months, with events and citizens", async () => {
    expect(result.reports).toBe(N);
    expect(await n("select count(*) as n from reports where ticket like 'DMO-%'")).toBe(N);
    expect(result.events).toBeGreaterThan(N * 3);
    const [span] = await q<{ oldest: number; newest: number }>(
      "select extract(epoch from now() - min(created_at)) / 86400 as oldest, extract(epoch from now() - max(created_at)) / 86400 as newest from reports");
    expect(Number(span!.oldest)).toBeGreaterThan(300);
    expect(Number(span!.oldest)).toBeLessThanOrEqual(451);
    expect(Number(span!.newest)).toBeLessThan(5);
  });

  it("follows Jakarta's channel mix within sampling tolerance", async () => {
    const rows = await q<{ channel: string; n: string }>("select channel, count(*) as n from reports group by 1");
    const got = new Map(rows.map((r) => [r.channel, Number(r.n) / N]));
    const total = CHANNEL_MIX.reduce((a, [, w]) => a + w, 0);
    for (const [channel, w] of CHANNEL_MIX) {
      const p = w / total;
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / N) + 0.003;
      expect(Math.abs((got.get(channel) ?? 0) - p), `${channel}: ${got.get(channel)} vs ${p}`).toBeLessThan(tolerance);
    }
    expect([...got.keys()].every((c) => CHANNEL_MIX.some(([k]) => k === c))).toBe(true);
    // the portal (JAKI) carries three quarters, as in 2021
    expect(got.get("portal")!).toBeGreaterThan(0.7);
  });

  it("gives every report exactly one created event, first", async () => {
    expect(await n(`select count(*) as n from reports r where (select count(*) from report_events e where e.report_id = r.id and e.type = 'created') <> 1`)).toBe(0);
    expect(await n(`select count(*) as n from reports r where (select type from report_events e where e.report_id = r.id order by e.id limit 1) <> 'created'`)).toBe(0);
  });

  it("keeps states consistent with the events", async () => {
    // the last state-changing event ends in the report's state
    expect(await n(`select count(*) as n from reports r where r.state <> (select e.to_state from report_events e
      where e.report_id = r.id and e.to_state is not null order by e.id desc limit 1)`)).toBe(0);
    // done reports have a validated follow-up, with done_at at its time
    expect(await n("select count(*) as n from reports where state = 'done'")).toBeGreaterThan(N * 0.8);
    expect(await n(`select count(*) as n from reports r where r.state = 'done' and (r.done_at is null or not exists (
      select 1 from report_events e where e.report_id = r.id and e.type = 'follow_up_validated' and e.created_at = r.done_at))`)).toBe(0);
    // coordination reports have an open coordination to their holder, from the unit that handed them over
    expect(await n(`select count(*) as n from reports r where r.state = 'coordination' and not (r.handover_from_unit_id is not null
      and exists (select 1 from report_events e where e.report_id = r.id and e.type = 'coordinated' and e.to_unit_id = r.holding_unit_id
        and e.unit_id = r.handover_from_unit_id)
      and not exists (select 1 from report_events e where e.report_id = r.id and e.type = 'coordination_accepted'))`)).toBe(0);
    // reopened reports were disputed after being done
    expect(await n(`select count(*) as n from reports r where r.reopen_count > 0 and not exists (
      select 1 from report_events e where e.report_id = r.id and e.type = 'disputed' and e.from_state = 'done')`)).toBe(0);
    expect(await n("select count(*) as n from reports where reopen_count > 0")).toBeGreaterThan(0);
    // events are in time order per report, and never in the future
    expect(await n(`select count(*) as n from (select created_at < lag(created_at) over (partition by report_id order by id) as back
      from report_events) x where back`)).toBe(0);
    expect(await n("select count(*) as n from report_events where created_at > now()")).toBe(0);
    // closed reports have a reason; open late ones are flagged
    expect(await n("select count(*) as n from reports where state = 'closed' and (close_reason is null or closed_at is null)")).toBe(0);
    expect(await n("select count(*) as n from reports where overdue and state in ('done', 'closed')")).toBe(0);
  });

  it("names only units that exist, and holders consistent with routing", async () => {
    expect(await n("select count(*) as n from reports r where not exists (select 1 from units u where u.id = r.holding_unit_id)")).toBe(0);
    expect(await n("select count(*) as n from reports r, unnest(r.involved_unit_ids) x(id) where not exists (select 1 from units u where u.id = x.id)")).toBe(0);
    expect(await n("select count(*) as n from reports where not (holding_unit_id = any(involved_unit_ids))")).toBe(0);
    expect(await n(`select count(*) as n from report_events e where (e.unit_id is not null and not exists (select 1 from units u where u.id = e.unit_id))
      or (e.to_unit_id is not null and not exists (select 1 from units u where u.id = e.to_unit_id))`)).toBe(0);
    // a kelurahan holder is the report's own kelurahan; a sub-office serves the report's kota
    expect(await n(`select count(*) as n from reports r join units u on u.id = r.holding_unit_id
      where (u.kind = 'kelurahan' and u.region_code <> r.kelurahan_code)
         or (u.kind = 'sub_office' and u.region_code <> substr(r.kelurahan_code, 1, 5))`)).toBe(0);
    // busy and quiet kelurahan: the busiest has several times the median
    const [skew] = await q<{ top: number; median: number }>(`select max(c) as top, percentile_cont(0.5) within group (order by c) as median
      from (select count(*) as c from reports group by kelurahan_code) x`);
    expect(Number(skew!.top)).toBeGreaterThan(3 * Number(skew!.median));
  });

  it("has no real-looking personal data", async () => {
    const bad = await q(`select c.name, c.email, c.phone from citizens c where exists (select 1 from reports r where r.citizen_id = c.id)
      and not (c.name ~ '^Warga Contoh [0-9]{6}$' and c.email ~ '^warga[0-9]{6}@contoh[.]invalid$' and c.phone ~ '^[+]6200[0-9]{8}$')`);
    expect(bad).toEqual([]);
    expect(await n("select count(*) as n from reports where citizen_id is not null")).toBeGreaterThan(N * 0.8);
    // nothing that looks like a phone number, an e-mail address or a NIK in the texts
    expect(await n(`select count(*) as n from reports where description ~ '(\\+62|0)8[0-9]{7,}|@|[0-9]{16}' or address ~ '(\\+62|0)8[0-9]{7,}|@'`)).toBe(0);
  });

  it("is deterministic for a seed, and --reset replaces the demo rows", async () => {
    const fingerprint = async () => (await q<{ f: string }>(
      "select md5(string_agg(id::text || channel || category_code || kelurahan_code, ',' order by id)) as f from reports where ticket like 'DMO-%'"))[0]!.f;
    const before = await fingerprint();
    const again = await seedDemo(pool, { reports: N, seed: 7, months: 15, chunk: 1000, reset: true, log: () => undefined });
    expect(again.reports).toBe(N);
    expect(await n("select count(*) as n from reports where ticket like 'DMO-%'")).toBe(N);
    expect(await fingerprint()).toBe(before);
    expect(await n("select count(*) as n from report_events e where not exists (select 1 from reports r where r.id = e.report_id)")).toBe(0);
  }, 300_000);
});
