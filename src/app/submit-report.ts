import { DomainError } from "../domain/errors.ts";
import { inRegion } from "../domain/access-policy.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type ReportKind } from "../domain/report.ts";
import { routeReport } from "../domain/routing.ts";
import { localDateOf } from "../domain/sla-clock.ts";
import { formatTicket } from "../domain/ticket.ts";
import { linkCitizen, type CitizenContact } from "../store/citizens.store.ts";
import { withTransaction } from "../store/db.ts";
import { insertEvents, insertReport, nextTicketSequence } from "../store/reports.store.ts";
import { attachUploads } from "../store/uploads.store.ts";
import type { AppContext } from "./context.ts";
import { queueNotifications } from "./notify.ts";
import { checkPhotos, discardBlobs, savePhotos } from "./uploads.ts";

export interface SubmitReportInput {
  description: string;
  kind: ReportKind;
  lat?: number | null;
  lon?: number | null;
  address?: string | null;
  category?: string | null;
  contact?: CitizenContact | null;
  channel: string;
  channelRef?: string | null;
  photos?: Buffer[];
  language?: Language;
  /** an officer entering a walk-in or phone report */
  enteredByUserId?: string | null;
}

export interface SubmitReportResult {
  ticket: string;
  state: string;
  label: string;
  colour: string;
}

/**
 * A new report from any channel: place it (point -> kelurahan), route it by its category's
 * policy (or to triage), and store it with its events and the messages it causes, in one
 * transaction. Photos are checked and stored before, so a bad photo writes nothing.
 */
export async function submitReport(ctx: AppContext, input: SubmitReportInput): Promise<SubmitReportResult> {
  const ref = await ctx.reference.get();
  const category = input.category ? ref.categories.get(input.category) : null;
  if (input.category && (!category || !category.active))
    throw new DomainError("CATEGORY_NOT_FOUND", `unknown category ${input.category}`);
  const hasPoint = typeof input.lat === "number" && typeof input.lon === "number";
  if ((input.lat == null) !== (input.lon == null)) throw new DomainError("VALIDATION_FAILED", "lat and lon go together");
  let kelurahanCode: string | null = null;
  if (hasPoint) {
    const code = ref.kelurahanLocator.locate(input.lat!, input.lon!);
    kelurahanCode = code && inRegion(code, ref.deployment.provinceCode) ? code : null;
  }
  const routing = routeReport({ kind: input.kind, category: category ?? null, kelurahanCode, units: ref.units });
  if (!routing) throw new Error("no triage unit configured");
  const reason = hasPoint && !kelurahanCode ? `${routing.reason}; point outside ${ref.deployment.name}` : routing.reason;

  // Every photo is checked before anything is written: one bad photo refuses the whole report.
  const photos = await checkPhotos(input.photos ?? []);
  const written: string[] = [];

  const now = ctx.now();
  const language = input.language ?? ref.deployment.defaultLanguage;
  const deadlines = ref.deadlines(category ?? null, now);
  // The ticket is drawn before the transaction so the day's counter row is locked for one statement,
  // not for the whole write; a failed write leaves a gap, and a ticket is never reused.
  const day = localDateOf(ref.calendar, now);
  const ticket = formatTicket(ref.deployment.ticketPrefix, day, await nextTicketSequence(ctx.pool, day));
  const report = await withTransaction(ctx.pool, async (tx) => {
    const { uploads, keys } = await savePhotos(ctx, tx, photos, input.enteredByUserId ?? null);
    written.push(...keys);
    const citizenId = input.contact ? await linkCitizen(tx, input.contact, ctx.newId) : null;
    if (citizenId && input.language) await tx.query("update citizens set language = $2 where id = $1", [citizenId, input.language]);
    const report = await insertReport(tx, {
      id: ctx.newId(),
      ticket,
      kind: input.kind,
      description: input.description,
      categoryCode: category?.code ?? null,
      lat: hasPoint ? input.lat! : null,
      lon: hasPoint ? input.lon! : null,
      address: input.address ?? null,
      kelurahanCode,
      channel: input.channel,
      channelRef: input.channelRef ?? null,
      citizenId,
      state: routing.state,
      holdingUnitId: routing.unit.id,
      firstActionDueAt: deadlines.firstActionDueAt,
      resolutionDueAt: deadlines.resolutionDueAt,
      createdAt: now,
    });
    const actor = { userId: input.enteredByUserId ?? null, role: input.enteredByUserId ? "officer" : null, citizenId };
    const [createdId] = await insertEvents(tx, report.id, actor, [
      { type: "created", unitId: null, fromState: null, toState: routing.state, fromUnitId: null, toUnitId: routing.unit.id,
        note: null, publicComment: null, reason: null, data: { channel: input.channel, photos: uploads.map((u) => u.id) } },
      { type: "routed", unitId: routing.unit.id, fromState: null, toState: routing.state, fromUnitId: null, toUnitId: routing.unit.id,
        note: reason, publicComment: null, reason, data: { automatic: true, kelurahanCode, category: category?.code ?? null } },
    ], now);
    await attachUploads(tx, uploads.map((u) => u.id), report.id, createdId ?? null);
    await queueNotifications(tx, report, createdId ?? null, [
      { to: "citizen", template: "received", params: { ticket, url: `${ctx.publicBaseUrl}/laporan/${ticket}` } },
      { to: "unit", unitId: routing.unit.id, template: "new_report", params: { ticket } },
    ]);
    return report;
  }).catch(async (err: unknown) => {
    await discardBlobs(ctx, written);
    throw err;
  });
  return { ticket: report.ticket, state: report.state, label: STATE_LABEL[language][report.state], colour: STATE_COLOUR[report.state] };
}
