import type { Queryable } from "../store/db.ts";
import { countRecentOutcomes } from "../store/inbound.store.ts";

/**
 * Per-sender rate limits on the channels. One phone number, e-mail address or account may open
 * only so many reports and ask for so many statuses an hour; what it sends beyond that is kept
 * (the raw payload and a message record with the outcome `rate_limited`, visible to
 * administrators) but opens no report and costs no outbound SMS. A real citizen reporting ten
 * separate problems in an hour is rare; a script or a stuck phone is not.
 */
export interface SenderLimits {
  /** new reports one sender may open per hour on one channel */
  reportsPerHour: number;
  /** status questions ("CEK <ticket>") one sender may ask per hour, each answered on the channel */
  statusRequestsPerHour: number;
}

export const DEFAULT_SENDER_LIMITS: SenderLimits = { reportsPerHour: 10, statusRequestsPerHour: 20 };

const OUTCOMES = { report: "report_created", status: "status_answered" } as const;

/** True when this sender already used up the hour's allowance for this kind of request. */
export async function overSenderLimit(tx: Queryable, limits: SenderLimits, channel: string, sender: string, what: "report" | "status"): Promise<boolean> {
  const limit = what === "report" ? limits.reportsPerHour : limits.statusRequestsPerHour;
  return (await countRecentOutcomes(tx, channel, sender, OUTCOMES[what], 3600, limit)) >= limit;
}
