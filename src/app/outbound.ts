import type { ProjectionUnit } from "../domain/projection.ts";
import type { Report, ReportEvent } from "../domain/report.ts";

/**
 * What a channel connector implements to answer a citizen. Connectors live in src/channels/;
 * a channel that is not configured has no sender and its messages are recorded as skipped.
 */
export interface OutboundMessage {
  channel: string;
  citizen: { id: string; name: string | null; email: string | null; phone: string | null; language: "id" | "en" };
  reportTicket: string | null;
  /** the report the message is about (a sender that replies in a thread looks up its anchor) */
  reportId: string | null;
  /** the template it was rendered from (a sender may pick a private form for some) */
  template: string;
  text: string;
  /** the same key is sent on every retry so the far side can drop duplicates */
  idempotencyKey: string;
  /** e-mail only: our own subject (no thread is looked up then) and extra headers (List-Unsubscribe) */
  email?: { subject?: string; headers?: Record<string, string> };
}

/**
 * A status update for a partner system that shows the report in its own app (Qlue, LAPOR!): the
 * report as it is now, with its events, so the partner's own projection can be computed.
 */
export interface PartnerStatusUpdate {
  channel: string;
  /** the partner's own id of the report (the report's channel reference) */
  partnerRef: string;
  report: Report;
  events: readonly ReportEvent[];
  units: (id: string) => ProjectionUnit | undefined;
  /** the same key is sent on every retry */
  idempotencyKey: string;
  at: Date;
}

/**
 * One channel's outbound side. `send` answers a citizen; `pushStatus` tells a partner system the
 * report's status. A channel implements what its protocol has (Qlue only takes status callbacks).
 */
export interface OutboundSender {
  send?(message: OutboundMessage): Promise<{ externalId?: string }>;
  pushStatus?(update: PartnerStatusUpdate): Promise<void>;
}

/** Failure classes decide the retry policy: temporary and rate-limited retry, the others go to the dead-letter list. */
export type DeliveryFailureKind = "temporary" | "rate_limited" | "auth_revoked" | "malformed";

export class DeliveryError extends Error {
  constructor(readonly kind: DeliveryFailureKind, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = "DeliveryError";
  }
}

export type SenderRegistry = ReadonlyMap<string, OutboundSender>;
