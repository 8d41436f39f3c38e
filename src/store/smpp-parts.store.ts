import type { Queryable } from "./db.ts";

/**
 * The parts of concatenated SMS received over SMPP (table smpp_parts, migration 004_smpp.sql):
 * the SQL behind src/channels/smpp/smpp-parts.ts, which decides what a part means.
 */
export interface StoredPart<P> {
  partNo: number;
  total: number;
  part: P;
}

/** Serializes the handling of one message's parts until the end of the transaction. */
export async function lockPartSet(tx: Queryable, setKey: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`smpp_parts:${setKey}`]);
}

/** Takes the set's lock when nobody holds it; false when another transaction is finishing it. */
export async function tryLockPartSet(tx: Queryable, setKey: string): Promise<boolean> {
  const { rows: [lock] } = await tx.query<{ ok: boolean }>("select pg_try_advisory_xact_lock(hashtext($1)) as ok", [`smpp_parts:${setKey}`]);
  return !!lock?.ok;
}

/** The part of that number already kept for the set, and whether it is recent enough to make this one a redelivery. */
export async function findPart(tx: Queryable, setKey: string, partNo: number, duplicateWindowSecs: number): Promise<{ contentHash: string; fresh: boolean } | null> {
  const { rows: [seen] } = await tx.query<{ content_hash: string; fresh: boolean }>(
    `select content_hash, (assembled_at is null or assembled_at >= now() - make_interval(secs => $3)) as fresh
     from smpp_parts where set_key = $1 and part_no = $2`,
    [setKey, partNo, duplicateWindowSecs],
  );
  return seen ? { contentHash: seen.content_hash, fresh: seen.fresh } : null;
}

export async function deletePartSet(tx: Queryable, setKey: string): Promise<void> {
  await tx.query("delete from smpp_parts where set_key = $1", [setKey]);
}

export async function insertPart(tx: Queryable, p: { setKey: string; partNo: number; total: number; contentHash: string; part: unknown }): Promise<void> {
  await tx.query(
    "insert into smpp_parts (set_key, part_no, total, content_hash, part) values ($1, $2, $3, $4, $5)",
    [p.setKey, p.partNo, p.total, p.contentHash, JSON.stringify(p.part)],
  );
}

/** The set's parts not yet handed on, in part order. */
export async function waitingParts<P>(tx: Queryable, setKey: string): Promise<Array<StoredPart<P>>> {
  const { rows } = await tx.query<{ part_no: number; total: number; part: P }>(
    "select part_no, total, part from smpp_parts where set_key = $1 and assembled_at is null order by part_no",
    [setKey],
  );
  return rows.map((r) => ({ partNo: r.part_no, total: r.total, part: r.part }));
}

export async function markPartSetHandedOn(tx: Queryable, setKey: string): Promise<void> {
  await tx.query("update smpp_parts set assembled_at = now() where set_key = $1 and assembled_at is null", [setKey]);
}

/** Sets that have waited longer than this for their missing parts (a few at a time). */
export async function staleIncompleteSets(tx: Queryable, olderThanSecs: number, limit = 10): Promise<string[]> {
  const { rows } = await tx.query<{ set_key: string }>(
    "select distinct set_key from smpp_parts where assembled_at is null and received_at < now() - make_interval(secs => $1) limit $2",
    [olderThanSecs, limit],
  );
  return rows.map((r) => r.set_key);
}

/** Forgets parts handed on longer ago than the redelivery window. */
export async function forgetHandedOnParts(tx: Queryable, olderThanSecs: number): Promise<void> {
  await tx.query("delete from smpp_parts where assembled_at < now() - make_interval(secs => $1)", [olderThanSecs]);
}
