/**
 * The OUTBOUND Qlue status callback: how a report's state reaches the citizen in the Qlue app.
 * Our documented contract with Qlue (also in ./README.md):
 *
 *   POST {QLUE_API_BASE_URL}/partner/reports/{report_id}/status
 *   Content-Type: application/json
 *   X-Aspirasi-Signature: sha256=<hex HMAC-SHA256(QLUE_CALLBACK_SECRET, raw body)>
 *
 *   { "report_id": "<Qlue report id>", "ticket": "JKT-260412-0073",
 *     "status": "wait" | "process" | "complete", "comment": "<text>" | null,
 *     "updated_at": "<ISO 8601>" }
 *
 * status and comment come from projectForQlue (src/domain/projection.ts): every red state is
 * "wait" and the comment says why ("Laporan sedang dikoordinasikan ke Dinas Bina Marga").
 *
 * Failures are classified for the outbound retry policy (DeliveryError.kind):
 * - 5xx, 408, network errors, the 10 s timeout -> "temporary" (retried)
 * - 429 -> "rate_limited", retryAfterMs from Retry-After (seconds or an HTTP date) when given
 * - 401, 403 -> "auth_revoked" (dead-lettered: the shared secret or partnership needs attention)
 * - any other non-2xx -> "malformed" (dead-lettered: Qlue refuses this callback as such)
 */
import type { QlueStatus } from "../../domain/projection.ts";
import type { OutboundSender, PartnerStatusUpdate } from "../../app/outbound.ts";
import { projectForQlue } from "../../domain/projection.ts";
import { classifyStatus, networkFailure, redact } from "../outbound/http-delivery.ts";
import { qlueSignature } from "./qlue.connector.ts";

export const ASPIRASI_SIGNATURE_HEADER = "X-Aspirasi-Signature";
export const QLUE_STATUS_TIMEOUT_MS = 10_000;

export interface QlueStatusInput {
  /** Qlue's report id (the inbound thread.externalReportId) */
  reportId: string;
  /** our ticket number */
  ticket: string;
  status: QlueStatus;
  comment: string | null;
  /** when the state shown changed */
  at: Date;
}

export interface QlueStatusCallback {
  body: string;
  headers: Record<string, string>;
}

/** The signed request body and headers of one status callback. */
export function buildStatusCallback(input: QlueStatusInput, secret: string): QlueStatusCallback {
  const body = JSON.stringify({
    report_id: input.reportId,
    ticket: input.ticket,
    status: input.status,
    comment: input.comment,
    updated_at: input.at.toISOString(),
  });
  return {
    body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      [ASPIRASI_SIGNATURE_HEADER.toLowerCase()]: qlueSignature(secret, body),
    },
  };
}

export interface QlueStatusClientOptions {
  /** QLUE_API_BASE_URL, e.g. https://partner.qlue.example (no trailing path needed) */
  baseUrl: string;
  /** QLUE_CALLBACK_SECRET: the key our callbacks are signed with */
  secret: string;
  fetch?: typeof fetch;
  /** defaults to 10 s */
  timeoutMs?: number;
}

export class QlueStatusClient {
  private readonly baseUrl: string;
  private readonly secret: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(opts: QlueStatusClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.secret = opts.secret;
    this.fetchImpl = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? QLUE_STATUS_TIMEOUT_MS;
  }

  /** The URL a report's status is posted to. */
  statusUrl(reportId: string): string {
    return `${this.baseUrl}/partner/reports/${encodeURIComponent(reportId)}/status`;
  }

  /** Posts one status callback; resolves on 2xx, throws a DeliveryError otherwise. */
  async send(input: QlueStatusInput): Promise<void> {
    const { body, headers } = buildStatusCallback(input, this.secret);
    const what = `Qlue status callback for report ${input.reportId}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.statusUrl(input.reportId), {
        method: "POST",
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw networkFailure(what, err, this.timeoutMs);
    }
    const detail = await responseDetail(res);
    if (res.status >= 200 && res.status < 300) return;
    throw classifyStatus(what, res.status, res.headers, detail);
  }
}

/** The answer, redacted and cut to 200 characters, for the record; the body is always consumed. */
async function responseDetail(res: Response): Promise<string> {
  try {
    return redact(await res.text());
  } catch {
    return "";
  }
}

/**
 * Qlue's outbound side: the partner shows our status in its app, so every change of a Qlue report
 * becomes a status callback. Qlue has no message API: citizen messages of Qlue reports are carried
 * by the callback's comment, so there is no send().
 */
export class QlueStatusSender implements OutboundSender {
  constructor(private readonly client: QlueStatusClient) {}

  async pushStatus(update: PartnerStatusUpdate): Promise<void> {
    const qlue = projectForQlue({ report: update.report, events: update.events, units: update.units, language: "id" });
    await this.client.send({ reportId: update.partnerRef, ticket: update.report.ticket, status: qlue.status, comment: qlue.comment, at: update.report.updatedAt });
  }
}
