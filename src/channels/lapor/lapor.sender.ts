/**
 * The OUTBOUND LAPOR! side (./README.md): `pushStatus` tells LAPOR! the report's status as a
 * tindak lanjut; `send` posts a citizen message as a tanggapan on the LAPOR! report.
 *
 * The status is computed when the push leaves, from the report and its events: the sentence is
 * statusComment (src/domain/projection.ts), so coordination and disposition are "diproses" with a
 * comment naming the unit, and done carries the follow-up's public comment and the public URLs of
 * its photos. Nothing personal is sent: unit names and public comments only, scrubbed once more.
 *
 * OutboundMessage carries our report id, not the report's channelRef (the LAPOR! id), so the
 * sender is given a lookup `laporIdOf(reportId)`.
 */
import type { OutboundMessage, OutboundSender, PartnerStatusUpdate } from "../../app/outbound.ts";
import { DeliveryError } from "../../app/outbound.ts";
import { redReason, scrubPublicText, statusComment } from "../../domain/projection.ts";
import type { ReportEvent, ReportState } from "../../domain/report.ts";
import { checkBaseUrl, truncateText } from "../outbound/http-delivery.ts";
import type { LaporClient, LaporStatus, LaporTindakLanjut } from "./lapor-client.ts";

/** The longest isi we send; LAPOR! refuses longer texts. */
export const LAPOR_MAX_TEXT = 4000;

/** Our state -> LAPOR!'s status. Every handover is still "in process" for LAPOR!. */
export const LAPOR_STATUS: Readonly<Record<ReportState, LaporStatus>> = {
  triage: "belum_diverifikasi",
  waiting: "diverifikasi",
  coordination: "diproses",
  disposition: "diproses",
  in_progress: "diproses",
  awaiting_validation: "diproses",
  follow_up_rejected: "diproses",
  done: "selesai",
  closed: "ditutup",
};

export interface LaporSenderOptions {
  client: LaporClient;
  /** the LAPOR! id (channelRef) of one of our reports; null when it has none */
  laporIdOf: (reportId: string) => Promise<string | null>;
  /** PUBLIC_BASE_URL: follow-up photos are sent as public URLs under it */
  publicBaseUrl: string;
}

export class LaporSender implements OutboundSender {
  private readonly publicBaseUrl: string;

  constructor(private readonly opts: LaporSenderOptions) {
    this.publicBaseUrl = checkBaseUrl("lapor", opts.publicBaseUrl);
  }

  async pushStatus(update: PartnerStatusUpdate): Promise<void> {
    await this.opts.client.postTindakLanjut(update.partnerRef, laporTindakLanjut(update, this.publicBaseUrl), update.idempotencyKey);
  }

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const laporId = message.reportId ? await this.opts.laporIdOf(message.reportId) : null;
    if (!laporId) throw new DeliveryError("malformed", "lapor tanggapan: the message is not about a LAPOR! report");
    const isi = scrubbed(message.text);
    if (!isi) throw new DeliveryError("malformed", "lapor tanggapan: empty message text");
    const { id } = await this.opts.client.postTanggapan(laporId, { isi, nomor_tiket: message.reportTicket }, message.idempotencyKey);
    return id ? { externalId: id } : {};
  }
}

/** The tindak lanjut body for the report as it is now. */
export function laporTindakLanjut(update: Pick<PartnerStatusUpdate, "report" | "events" | "units">, publicBaseUrl: string): LaporTindakLanjut {
  const { report, events, units } = update;
  const input = { report, events, units, language: "id" as const };
  const reopened = report.state === "waiting" && redReason(input) === "reopened";
  return {
    status: reopened ? "diproses" : LAPOR_STATUS[report.state],
    isi: scrubbed(statusComment(input)) ?? "",
    lampiran: report.state === "done" ? followUpPhotos(events).map((id) => ({ url: `${publicBaseUrl}/api/v1/public/photos/${encodeURIComponent(id)}` })) : [],
    nomor_tiket: report.ticket,
    updated_at: report.updatedAt.toISOString(),
  };
}

/** The photo (upload) ids of the latest follow-up submitted: the one the validator accepted. */
function followUpPhotos(events: readonly ReportEvent[]): string[] {
  const latest = [...events]
    .filter((e) => e.type === "follow_up_submitted")
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .at(-1);
  const photos = latest?.data["photos"];
  return Array.isArray(photos) ? photos.filter((p): p is string => typeof p === "string") : [];
}

function scrubbed(text: string): string | null {
  const clean = scrubPublicText(text, "id");
  return clean === null ? null : truncateText(clean, LAPOR_MAX_TEXT);
}
