import { z } from "zod";
import { canReplyToCitizen, canSeeReport, type Actor } from "../domain/access-policy.ts";
import { DomainError } from "../domain/errors.ts";
import { DEFAULT_REPLY_TEMPLATES, renderReplyTemplate, type ReplyTemplate } from "../domain/message-templates.ts";
import type { Language, Report } from "../domain/report.ts";
import { withTransaction } from "../store/db.ts";
import { enqueueOutbox } from "../store/outbox.store.ts";
import { findReportByTicket, insertEvents } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { STATUS_ONLY_CHANNELS } from "./notify.ts";
import type { Reference } from "./reference-cache.ts";
import { ticketOrThrow } from "./transition-report.ts";

const replyTemplatesSchema = z.array(
  z.object({
    id: z.string().min(1).max(64),
    title: z.object({ id: z.string().min(1), en: z.string().min(1) }),
    text: z.object({ id: z.string().min(1), en: z.string().min(1) }),
  }),
);

/** The deployment's reply templates (deployment.json `replyTemplates`), else the product's defaults. */
function replyTemplates(ref: Reference): readonly ReplyTemplate[] {
  const parsed = replyTemplatesSchema.safeParse((ref.deployment as { replyTemplates?: unknown }).replyTemplates);
  return parsed.success && parsed.data.length ? parsed.data : DEFAULT_REPLY_TEMPLATES;
}

async function reportInScope(ctx: AppContext, actor: Actor, ticket: string, ref: Reference): Promise<Report> {
  const report = await findReportByTicket(ctx.pool, ticketOrThrow(ticket));
  if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
  if (!canSeeReport(actor, report, ref.units)) throw new DomainError("FORBIDDEN", "this report is outside your scope");
  return report;
}

/** The replies an officer can start from, filled in for this report in the request's language. */
export async function replyTemplatesFor(ctx: AppContext, actor: Actor, ticket: string, language: Language) {
  const ref = await ctx.reference.get();
  const report = await reportInScope(ctx, actor, ticket, ref);
  const unit = ref.units.get(report.holdingUnitId);
  const category = report.categoryCode ? ref.categories.get(report.categoryCode) : undefined;
  const params: Record<string, string> = {
    ticket: report.ticket,
    unit: unit?.name ?? report.holdingUnitId,
    category: category ? (language === "en" ? category.nameEn : category.nameId) : language === "en" ? "uncategorised" : "tanpa kategori",
    kelurahan: report.kelurahanCode ? (ref.regionNames.get(report.kelurahanCode) ?? report.kelurahanCode) : "-",
  };
  return {
    items: replyTemplates(ref).map((t) => renderReplyTemplate(t, params, language)),
    // the channel shows status and public comments only: the workspace says so instead of offering the form
    statusOnly: STATUS_ONLY_CHANNELS.has(report.channel),
  };
}

/**
 * An officer writes to the citizen on the channel the report came from. The reply joins the report's
 * timeline as an internal event (officer_reply, never public) and leaves through the outbox after
 * commit, like every other citizen message; its delivery shows on the timeline too.
 */
export async function replyToCitizen(ctx: AppContext, actor: Actor, ticket: string, input: { text: string; templateId?: string }) {
  const ref = await ctx.reference.get();
  const text = input.text.trim();
  if (!text) throw new DomainError("VALIDATION_FAILED", "text is required");
  if (input.templateId && !replyTemplates(ref).some((t) => t.id === input.templateId))
    throw new DomainError("VALIDATION_FAILED", `unknown reply template ${input.templateId}`);
  const t = ticketOrThrow(ticket);
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t, { forUpdate: true });
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    if (!canSeeReport(actor, report, ref.units)) throw new DomainError("FORBIDDEN", "this report is outside your scope");
    if (!canReplyToCitizen(actor, report, ref.units))
      throw new DomainError("FORBIDDEN", "only officers of the unit holding the report answer the citizen");
    if (!report.citizenId) throw new DomainError("NO_CHANNEL", "this report has no citizen to answer (no contact was given)");
    if (STATUS_ONLY_CHANNELS.has(report.channel))
      throw new DomainError("NO_CHANNEL", `${report.channel} shows the report's status and public comments only, not messages: write a public comment with the next transition`);
    const now = ctx.now();
    const [eventId] = await insertEvents(tx, report.id, { userId: actor.userId, role: actor.role, citizenId: null }, [{
      type: "officer_reply",
      unitId: actor.unitId,
      fromState: null,
      toState: null,
      fromUnitId: null,
      toUnitId: null,
      note: text,
      publicComment: null,
      reason: null,
      data: { channel: report.channel, templateId: input.templateId ?? null },
    }], now);
    await enqueueOutbox(tx, [{
      reportId: report.id,
      eventId: eventId!,
      kind: "citizen_message",
      channel: report.channel,
      recipient: { citizenId: report.citizenId },
      template: "officer_reply",
      payload: { ticket: report.ticket, text },
      idempotencyKey: `${report.id}:${eventId}:officer_reply`,
    }]);
    return { id: eventId!, channel: report.channel, at: now.toISOString() };
  });
}
