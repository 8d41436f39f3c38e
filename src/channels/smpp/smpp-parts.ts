/**
 * Where a received deliver_sm goes before the session acknowledges it (its SQL is in
 * src/store/smpp-parts.store.ts). One transaction per deliver_sm, serialized per message by an advisory
 * lock on its set key:
 *
 * - a part that repeats one already received (same set, part number and content, within the
 *   last hour) is a redelivery: nothing is stored, the SMSC may be answered ESME_ROK;
 * - otherwise the part is kept; when it completes its message (a single SMS completes at once),
 *   the whole message is stored as ONE inbound payload (channel "smpp", deliver-payload.ts) in the
 *   same transaction, so the inbound job sees one message, never a part;
 * - a part whose set key already holds a different part of that number means the sender reuses the
 *   reference (8-bit references wrap): what still waits of the older message is handed on as it
 *   is, and the new message starts over;
 * - a message still missing parts after `incompleteAfterMs` is handed on with what came and the
 *   numbers of the missing parts, so nothing a citizen sent is held back forever (checked whenever
 *   a deliver_sm arrives, so on a silent link it waits for the next one).
 *
 * The instant each part first arrived is inside the payload; the connector's external id is made
 * from it, which is why a redelivery must be caught here and not later.
 */
import type pg from "pg";
import { withTransaction, type Queryable } from "../../store/db.ts";
import { storePayload } from "../../store/inbound.store.ts";
import {
  deletePartSet,
  findPart,
  forgetHandedOnParts,
  insertPart,
  lockPartSet,
  markPartSetHandedOn,
  staleIncompleteSets,
  tryLockPartSet,
  waitingParts,
} from "../../store/smpp-parts.store.ts";
import { MESSAGE_CONTENT_TYPE, PART_CONTENT_TYPE, messagePayload, partIdentity, readPart, type DeliverPart } from "./deliver-payload.ts";

export interface SmppPartsOptions {
  /** a concatenated message still missing parts after this long is handed on without them; default 1 hour */
  incompleteAfterMs?: number;
}

export type StoreOutcome = "stored" | "waiting" | "duplicate";

const HOUR = 3600_000;
/** A part repeating one received this recently is a redelivery (the SMSC retries within minutes of a lost answer). */
const DUPLICATE_WINDOW_SECS = 3600;

/** Stores one deliver_sm as the session serialized it; resolves once it is durable (or known). */
export async function storeDeliverSm(pool: pg.Pool, body: Buffer, contentType: string, opts: SmppPartsOptions = {}): Promise<StoreOutcome> {
  if (contentType !== PART_CONTENT_TYPE) throw new Error(`smpp parts: expected ${PART_CONTENT_TYPE}, got ${contentType}`);
  const part = readPart(body);
  const id = partIdentity(part);
  return withTransaction(pool, async (tx) => {
    await lockPartSet(tx, id.setKey);
    const seen = await findPart(tx, id.setKey, id.partNo, DUPLICATE_WINDOW_SECS);
    if (seen?.contentHash === id.contentHash && seen.fresh) return "duplicate";
    if (seen) {
      await handOnWaiting(tx, id.setKey);
      await deletePartSet(tx, id.setKey);
    }
    await insertPart(tx, { setKey: id.setKey, partNo: id.partNo, total: id.total, contentHash: id.contentHash, part });
    const outcome = (await handOnWaiting(tx, id.setKey, { onlyWhenComplete: true })) ? "stored" : "waiting";
    await sweep(tx, (opts.incompleteAfterMs ?? HOUR) / 1000);
    return outcome;
  });
}

/**
 * Stores the waiting parts of a set as one inbound payload and marks them handed on; with
 * onlyWhenComplete, only when every part is there. Returns whether it stored anything.
 */
async function handOnWaiting(tx: Queryable, setKey: string, opts: { onlyWhenComplete?: boolean } = {}): Promise<boolean> {
  const rows = await waitingParts<DeliverPart>(tx, setKey);
  if (!rows.length) return false;
  const total = rows[0]!.total;
  if (opts.onlyWhenComplete && rows.length < total) return false;
  const present = new Set(rows.map((r) => r.partNo));
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !present.has(n));
  await storePayload(tx, { channel: "smpp", body: messagePayload(total, rows.map((r) => r.part), missing), contentType: MESSAGE_CONTENT_TYPE, headers: {} });
  await markPartSetHandedOn(tx, setKey);
  return true;
}

/** Hands on messages that waited too long for their missing parts; forgets what is past the duplicate window. */
async function sweep(tx: Queryable, incompleteAfterSecs: number): Promise<void> {
  for (const setKey of await staleIncompleteSets(tx, incompleteAfterSecs)) {
    // Another transaction holding that set finishes it itself; never wait for it here (no lock-order deadlocks).
    if (await tryLockPartSet(tx, setKey)) await handOnWaiting(tx, setKey);
  }
  await forgetHandedOnParts(tx, DUPLICATE_WINDOW_SECS);
}
