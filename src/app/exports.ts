import type { Actor } from "../domain/access-policy.ts";
import { scrubPublicText } from "../domain/projection.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type ReportState } from "../domain/report.ts";
import { CSV_BOM, csvRow } from "../domain/summary.ts";
import { exportReportBatch, type KeysetCursor } from "../store/exports.store.ts";
import type { AppContext } from "./context.ts";
import { inboxFilter, type ListInput } from "./report-queries.ts";

/** Rows read per query while streaming an export. */
export const EXPORT_BATCH = 1000;

/** The CSV export's columns, in order. Never an identity: no citizen, no contact, no address. */
export const REPORT_CSV_COLUMNS = [
  "ticket", "created_at", "state", "label", "colour", "kind", "category", "kelurahan_code", "kelurahan", "holding_unit", "channel",
  "overdue", "reopen_count", "support_count", "resolution_due_at", "done_at", "closed_at", "close_reason", "lat", "lon", "description",
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The inbox's filtered list as CSV (UTF-8 with BOM, RFC 4180, formula cells guarded), newest first, every row
 * of the caller's scope (contact details in the text masked except for jsc_admin): read in keyset batches of 1,000 so memory stays flat however long the list is.
 */
export async function* reportsCsv(ctx: AppContext, actor: Actor, input: Omit<ListInput, "cursor" | "limit">, language: Language): AsyncGenerator<string> {
  const ref = await ctx.reference.get();
  const filter = inboxFilter(actor, ref, input);
  // A file leaves the system: contact details a citizen typed into the text are masked, as identities are for
  // every role but the triage desk (which sees them in full on the report page anyway).
  const description = actor.role === "jsc_admin" ? (d: string) => d : (d: string) => scrubPublicText(d, language) ?? "";
  yield CSV_BOM + csvRow(REPORT_CSV_COLUMNS);
  let after: KeysetCursor | null = null;
  for (;;) {
    const rows = await exportReportBatch(ctx.pool, filter, after, EXPORT_BATCH);
    if (rows.length === 0) return;
    let chunk = "";
    for (const r of rows) {
      const state = r.state as ReportState;
      const category = r.category_code ? ref.categories.get(r.category_code) : undefined;
      chunk += csvRow([
        r.ticket, iso(r.created_at), state, STATE_LABEL[language][state], STATE_COLOUR[state], r.kind,
        category ? (language === "en" ? category.nameEn : category.nameId) : r.category_code,
        r.kelurahan_code, r.kelurahan_code ? (ref.regionNames.get(r.kelurahan_code) ?? null) : null,
        ref.units.get(r.holding_unit_id)?.name ?? r.holding_unit_id, r.channel,
        r.overdue, r.reopen_count, r.support_count, iso(r.resolution_due_at), iso(r.done_at), iso(r.closed_at), r.close_reason,
        r.lat, r.lon, description(r.description),
      ]);
    }
    yield chunk;
    if (rows.length < EXPORT_BATCH) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.id };
  }
}
