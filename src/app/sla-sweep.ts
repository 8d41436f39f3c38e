import { decideSlaBreach } from "../domain/report-lifecycle.ts";
import { accountableUnitAt, custodySegmentsFromEvents } from "../domain/sla-clock.ts";
import { withTransaction } from "../store/db.ts";
import { findReportById, insertEvents, listEvents, listSlaCandidates, updateReport } from "../store/reports.store.ts";
import type { AppContext } from "./context.ts";
import { queueNotifications } from "./notify.ts";

/**
 * Flags open reports past their SLA deadline, charges the unit that held each one when its
 * clock ran out, and escalates to that unit's supervisor. Safe to run from several workers.
 */
export async function sweepSla(ctx: AppContext, batch = 500): Promise<number> {
  const ref = await ctx.reference.get();
  const now = ctx.now();
  const candidates = await listSlaCandidates(ctx.pool, now, batch);
  let flagged = 0;
  for (const candidate of candidates) {
    const done = await withTransaction(ctx.pool, async (tx) => {
      const report = await findReportById(tx, candidate.id, { forUpdate: true });
      if (!report) return false;
      const events = await listEvents(tx, report.id);
      const due = !report.firstActionAt && report.firstActionDueAt && report.firstActionDueAt < now ? report.firstActionDueAt : report.resolutionDueAt ?? now;
      const accountableUnitId = accountableUnitAt(custodySegmentsFromEvents(events), due) ?? report.holdingUnitId;
      const category = report.categoryCode ? (ref.categories.get(report.categoryCode) ?? null) : null;
      const decision = decideSlaBreach(report, { now, units: ref.units, category, accountableUnitId });
      if (!decision) return false;
      const updated = await updateReport(tx, report, decision.patch, now);
      const ids = await insertEvents(tx, report.id, { userId: null, role: "system", citizenId: null }, decision.events, now);
      await queueNotifications(tx, updated, ids[0] ?? null, decision.notifications);
      return true;
    });
    if (done) flagged++;
  }
  return flagged;
}
