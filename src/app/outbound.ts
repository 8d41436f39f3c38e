/**
 * What a channel connector implements to answer a citizen. Connectors live in src/channels/;
 * a channel that is not configured has no sender and its messages are recorded as skipped.
 */
export interface OutboundMessage {
  channel: string;
  citizen: { id: string; name: string | null; email: string | null; phone: string | null; language: "id" | "en" };
  reportTicket: string | null;
  text: string;
  /** the same key is sent on every retry so the far side can drop duplicates */
  idempotencyKey: string;
}

export interface OutboundSender {
  send(message: OutboundMessage): Promise<{ externalId?: string }>;
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
