/** Several workers, one poller: the pullers run only in the worker that holds the lead, and another takes over when it goes. */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { whileLeading, type Puller } from "../src/channels/pullers.ts";
import { freshDatabase, waitFor } from "./harness.ts";

describe("the pullers' lead", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("one of three workers polls; a stopped or disconnected leader is replaced", { timeout: 60_000 }, async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const running = new Map<number, number>(); // worker -> pullers started and not stopped
    const started: number[] = [];
    const workers = [0, 1, 2].map((i) => {
      const pool = new pg.Pool({ connectionString: db.url, max: 3 });
      pool.on("error", () => undefined);
      const start = (): Puller[] => {
        started.push(i);
        running.set(i, (running.get(i) ?? 0) + 1);
        return [{ name: "fake", stop: async () => void running.set(i, running.get(i)! - 1) }];
      };
      const lead = whileLeading(pool, "pullers", 100, start);
      cleanups.push(async () => {
        await lead.stop();
        await pool.end();
      });
      return { pool, lead };
    });
    const leaders = () => [...running.entries()].filter(([, n]) => n > 0).map(([i]) => i);

    const first = await waitFor(async () => (leaders().length ? leaders() : null));
    await new Promise((r) => setTimeout(r, 500)); // several retry rounds of the others
    expect(leaders()).toEqual(first);
    expect(first).toHaveLength(1);
    expect(started).toHaveLength(1);

    // A leader that stops hands over.
    await workers[first[0]!]!.lead.stop();
    const second = await waitFor(async () => (leaders().length ? leaders() : null));
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);

    // A leader whose connection dies loses its lock with its session.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    const { rows } = await admin.query<{ pid: number }>(
      // the pullers' lead only: other advisory locks come and go (the statistics' fold holds one for its transaction)
      `select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 1
         and ((classid::bigint << 32) | objid::bigint) = hashtextextended('aspirasi:pullers', 0)`,
    );
    expect(rows).toHaveLength(1);
    await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
    // Its pullers stop and a fresh lead starts them again (in whichever worker asks first).
    const third = await waitFor(async () => (started.length === 3 && leaders().length === 1 ? leaders() : null));
    expect(third).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(leaders()).toEqual(third);
    expect([...running.values()].reduce((a, b) => a + b, 0)).toBe(1);
  });
});
