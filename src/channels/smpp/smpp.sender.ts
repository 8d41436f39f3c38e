/**
 * SMS answers over SMPP 3.4: submit_sm on the bound session (smpp-session.ts), from our source
 * address to the citizen's number (international, TON 1 / NPI 1, without "+"), asking for a
 * delivery receipt (registered_delivery 1). A text that does not fit one SMS goes as parts with
 * a concatenation header (8-bit reference, esm_class 0x40): GSM 03.38 when every character
 * allows it (160 / 153 septets), else UCS-2 (70 / 67). The reference comes from the outbox's
 * idempotency key, so a retried answer repeats the same reference and a phone can tell the
 * parts of a resend from a new message. The first part's message_id is the external id.
 *
 * Failures, for the outbox's retry policy: not bound, link dropped, no answer within the timeout,
 * ESME_RSYSERR / ESME_RX_T_APPN / ESME_RINVBNDSTS -> temporary; ESME_RTHROTTLED and
 * ESME_RMSGQFUL -> rate_limited; not bound because the SMSC refused our system_id or password ->
 * auth_revoked; any other status (ESME_RINVDSTADR ...) -> malformed, the same PDU would fail again.
 * When a later part fails, the retry sends every part again.
 */
import { createHash } from "node:crypto";
import type { OutboundMessage, OutboundSender } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { NPI_ISDN, TON, toE164 } from "./msisdn.ts";
import { SmppError, type SmppSession } from "./smpp-session.ts";
import { STATUS } from "./smpp-wire.ts";
import { segmentText } from "./sms-text.ts";
import { ESM_UDHI, concatHeader } from "./udh.ts";

export interface SmppSenderOptions {
  session: Pick<SmppSession, "submit">;
  /** our number, short code or alphanumeric name, e.g. "1708" */
  sourceAddr: string;
  /** default: 5/0 for an alphanumeric name, 1/1 for an international number ("+62..."), else 0/0 */
  sourceTon?: number;
  sourceNpi?: number;
  /** per submit_sm; default 10 s */
  timeoutMs?: number;
  /** a longer text is cut; default 10 parts (1530 GSM characters, 670 UCS-2) */
  maxParts?: number;
}

const TEMPORARY: ReadonlySet<number> = new Set([STATUS.ESME_RSYSERR, STATUS.ESME_RX_T_APPN, STATUS.ESME_RINVBNDSTS]);
const RATE_LIMITED: ReadonlySet<number> = new Set([STATUS.ESME_RTHROTTLED, STATUS.ESME_RMSGQFUL]);
const AUTH_REFUSED: ReadonlySet<number> = new Set([STATUS.ESME_RINVPASWD, STATUS.ESME_RINVSYSID]);

export class SmppSender implements OutboundSender {
  private readonly source: { addr: string; ton: number; npi: number };

  constructor(private readonly opts: SmppSenderOptions) {
    if (!opts.sourceAddr) throw new Error("smpp sender: sourceAddr is required");
    this.source = sourceAddress(opts.sourceAddr, opts.sourceTon, opts.sourceNpi);
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const e164 = message.citizen.phone ? toE164(message.citizen.phone, TON.UNKNOWN) : null;
    if (!e164) throw new DeliveryError("malformed", "smpp: the citizen has no usable phone number");
    if (!message.text.trim()) throw new DeliveryError("malformed", "smpp: empty message text");
    const { dataCoding, segments } = segmentText(message.text, this.opts.maxParts ?? 10);
    const ref = createHash("sha256").update(message.idempotencyKey).digest()[0]!;
    let firstId: string | undefined;
    for (const [i, body] of segments.entries()) {
      const concatenated = segments.length > 1;
      const resp = await this.submit({
        source_addr_ton: this.source.ton,
        source_addr_npi: this.source.npi,
        source_addr: this.source.addr,
        dest_addr_ton: TON.INTERNATIONAL,
        dest_addr_npi: NPI_ISDN,
        destination_addr: e164.slice(1),
        esm_class: concatenated ? ESM_UDHI : 0,
        registered_delivery: 1,
        data_coding: dataCoding,
        short_message: concatenated ? Buffer.concat([concatHeader(ref, segments.length, i + 1), body]) : body,
      });
      firstId ??= typeof resp.message_id === "string" && resp.message_id ? resp.message_id : undefined;
    }
    return firstId ? { externalId: firstId } : {};
  }

  private async submit(fields: Record<string, unknown>) {
    try {
      return await this.opts.session.submit(fields, this.opts.timeoutMs ?? 10_000);
    } catch (err) {
      throw deliveryError(err);
    }
  }
}

function deliveryError(err: unknown): DeliveryError {
  if (!(err instanceof SmppError)) return new DeliveryError("temporary", `smpp: ${err instanceof Error ? err.message : String(err)}`);
  if (err.status === null) return new DeliveryError(err.bindStatus !== null && AUTH_REFUSED.has(err.bindStatus) ? "auth_revoked" : "temporary", err.message);
  if (RATE_LIMITED.has(err.status)) return new DeliveryError("rate_limited", err.message);
  return new DeliveryError(TEMPORARY.has(err.status) ? "temporary" : "malformed", err.message);
}

function sourceAddress(addr: string, ton?: number, npi?: number): { addr: string; ton: number; npi: number } {
  const international = addr.startsWith("+");
  const guess = /[A-Za-z]/.test(addr) ? { ton: TON.ALPHANUMERIC, npi: 0 } : international ? { ton: TON.INTERNATIONAL, npi: NPI_ISDN } : { ton: TON.UNKNOWN, npi: 0 };
  return { addr: international ? addr.slice(1) : addr, ton: ton ?? guess.ton, npi: npi ?? guess.npi };
}
