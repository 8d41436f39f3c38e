import { DomainError } from "../domain/errors.ts";
import { linkCitizen, type CitizenContact } from "../store/citizens.store.ts";
import { withTransaction } from "../store/db.ts";
import { bumpReportVersion, findReportByTicket } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { appendToThread } from "./inbound.ts";
import { ticketOrThrow } from "./transition-report.ts";

/**
 * A comment on a report's public page (Balai Warga). It takes the same path as a reply on any
 * channel: the contact is linked to a citizen by the same identities, the message joins the
 * report's timeline and the holding unit is told. Unlike an SMS or an e-mail, the citizen wrote
 * in public, so the text is the event's public comment (scrubbed of contact details when shown);
 * the author is never shown.
 */
export async function commentOnReport(ctx: AppContext, ticket: string, input: { text: string; contact?: CitizenContact }) {
  const t = ticketOrThrow(ticket);
  const text = input.text.trim();
  if (!text) throw new DomainError("VALIDATION_FAILED", "text is required");
  return withTransaction(ctx.pool, async (tx) => {
    const report = await findReportByTicket(tx, t, { forUpdate: true });
    if (!report) throw new DomainError("REPORT_NOT_FOUND", "no report with that ticket");
    if (report.state === "closed") throw new DomainError("CONFLICT", "a closed report takes no more comments");
    const citizenId = input.contact ? await linkCitizen(tx, input.contact, ctx.newId) : null;
    const now = ctx.now();
    await appendToThread(ctx, tx, report.id, {
      channel: "portal",
      externalId: `comment:${ctx.newId()}`,
      kind: "message",
      sender: { kind: "portal", value: citizenId ?? "anonymous" },
      text,
      sentAt: now,
      attachments: [],
      thread: { ticket: report.ticket },
    }, citizenId, text);
    await bumpReportVersion(tx, report.id);
    return { ticket: report.ticket, commentedAt: now.toISOString() };
  });
}
