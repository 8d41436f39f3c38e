import { DomainError } from "../domain/errors.ts";
import { inRegion, type Actor } from "../domain/access-policy.ts";
import { STATE_COLOUR, STATE_LABEL, type Language, type ReportKind } from "../domain/report.ts";
import { routeReport } from "../domain/routing.ts";
import { decideTriage } from "../domain/triage/decide-triage.ts";
import type { PlaceResult } from "../domain/triage/triage.ts";
import { localDateOf } from "../domain/sla-clock.ts";
import { formatTicket } from "../domain/ticket.ts";
import { contactIdentities, type ChannelIdentity, type CitizenContact } from "../store/citizens.store.ts";
import { insertNewReport, type ReportIntake } from "../store/report-intake.store.ts";
import type { Queryable } from "../store/db.ts";
import type { AppContext } from "./context.ts";
import type { TriageService } from "./triage-service.ts";
import { checkPhotos, discardBlobs, storePhotoBlobs } from "./uploads.ts";

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
  /** the sender's identity on a channel (phone, e-mail, handle, partner id) */
  identity?: ChannelIdentity | null;
  /** extra data for the created event (the channel's message id, attachments to fetch) */
  eventData?: Record<string, unknown>;
  /** false when nobody chose the kind (a channel message): triage may sort it */
  kindGiven?: boolean;
  /** kept from the public list, map and open data (LAPOR!'s pelapor.rahasia) */
  confidential?: boolean;
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
  const { ticket, state, language } = await intakeReport(ctx, ctx.pool, input);
  return { ticket, state, label: STATE_LABEL[language][state], colour: STATE_COLOUR[state] };
}

/** The intake behind every channel; runs on the given connection (a channel job's transaction). */
export async function intakeReport(ctx: AppContext, db: Queryable, input: SubmitReportInput) {
  const ref = await ctx.reference.get();
  const given = input.category ? ref.categories.get(input.category) : null;
  if (input.category && (!given || !given.active))
    throw new DomainError("CATEGORY_NOT_FOUND", `unknown category ${input.category}`);
  const hasPoint = typeof input.lat === "number" && typeof input.lon === "number";
  if ((input.lat == null) !== (input.lon == null)) throw new DomainError("VALIDATION_FAILED", "lat and lon go together");
  let pointKelurahan: string | null = null;
  if (hasPoint) {
    const code = ref.kelurahanLocator.locate(input.lat!, input.lon!);
    pointKelurahan = code && inRegion(code, ref.deployment.provinceCode) ? code : null;
  }
  // Triage reads what nobody said: the category, the place in the words, the kind, the substance.
  const triage = readReport(ref.triage, input, hasPoint, pointKelurahan);
  const category = triage.categoryCode ? (ref.categories.get(triage.categoryCode) ?? null) : null;
  const kelurahanCode = triage.kelurahanCode;
  const kind = triage.kind;
  const routed = routeReport({ kind, category, kelurahanCode, units: ref.units });
  if (!routed) throw new Error("no triage unit configured");
  const desk = ref.units.triageUnit();
  const routing = triage.holdForDesk && desk ? { state: "triage" as const, unit: desk, reason: `${routed.reason}; ${triage.holdForDesk}` } : routed;
  const basis = guessBasis(triage, input.category ?? null, hasPoint);
  const reason = (hasPoint && !kelurahanCode && !triage.holdForDesk ? `${routing.reason}; titik di luar ${ref.deployment.name}` : routing.reason) + basis;
  const triageRecord = { ...triage.record, automatic: triage.record.automatic && routing.state === "waiting" };

  // Every photo is checked before anything is written: one bad photo refuses the whole report.
  const photos = await checkPhotos(input.photos ?? []);

  const now = ctx.now();
  const language = input.language ?? ref.deployment.defaultLanguage;
  const deadlines = ref.deadlines(category, now);
  const day = localDateOf(ref.calendar, now);
  const ticket = formatTicket(ref.deployment.ticketPrefix, day, await ctx.tickets.next(day));
  const reportId = ctx.newId();
  const enteredBy = input.enteredByUserId ?? null;
  const uploads = await storePhotoBlobs(ctx, photos, enteredBy);
  try {
    const stored = await insertNewReport(db, {
      report: {
        id: reportId,
        ticket,
        kind,
        description: input.description,
        categoryCode: category?.code ?? null,
        lat: hasPoint ? input.lat! : null,
        lon: hasPoint ? input.lon! : null,
        address: input.address ?? null,
        kelurahanCode,
        channel: input.channel,
        channelRef: input.channelRef ?? null,
        state: routing.state,
        holdingUnitId: routing.unit.id,
        firstActionDueAt: deadlines.firstActionDueAt,
        resolutionDueAt: deadlines.resolutionDueAt,
        createdAt: now,
        triage: triageRecord,
        confidential: input.confidential === true,
      },
      citizen: citizenOf(input, ctx.newId(), language),
      actor: { userId: enteredBy, role: enteredBy ? "officer" : null },
      events: [
        // One event tells the arrival and where the automatic routing sent it, with the reason.
        { type: "created", unitId: routing.unit.id, fromState: null, toState: routing.state, fromUnitId: null, toUnitId: routing.unit.id,
          note: reason, publicComment: null, reason,
          data: { ...input.eventData, channel: input.channel, photos: uploads.map((u) => u.id), routing: { automatic: true, kelurahanCode, category: category?.code ?? null } } },
      ],
      unitNotifications: [{ unitId: routing.unit.id, template: "new_report", payload: { ticket } }],
      citizenMessages: [{
        channel: input.channel,
        template: "received",
        payload: { ticket, url: `${ctx.publicBaseUrl}/laporan/${ticket}` },
        idempotencyKey: `${reportId}:received`,
      }],
      uploads,
    });
    return { ticket, reportId, citizenId: stored.citizenId, eventId: stored.firstEventId, state: routing.state, language };
  } catch (err) {
    await discardBlobs(ctx, uploads.flatMap((u) => [u.originalKey, u.publicKey]));
    throw err;
  }
}

/** An officer enters a walk-in or phone report for a citizen; executives have read-only access. */
export async function enterReportForCitizen(ctx: AppContext, actor: Actor, input: Omit<SubmitReportInput, "enteredByUserId">): Promise<SubmitReportResult> {
  if (actor.role === "executive") throw new DomainError("FORBIDDEN", "executives have read-only access");
  return submitReport(ctx, { ...input, enteredByUserId: actor.userId });
}

/** The citizen behind a contact or channel identity: identities to link by, details for a new record. */
function citizenOf(input: SubmitReportInput, newId: string, language: Language): ReportIntake["citizen"] {
  const who = contactIdentities(input.contact, input.identity);
  return who.identities.length ? { newId, language, ...who } : null;
}

/** The triage guesses for a new report and what the intake makes of them (no service: only facts). */
function readReport(service: TriageService | null, input: SubmitReportInput, hasPoint: boolean, pointKelurahan: string | null) {
  const text = [input.description, input.address].filter(Boolean).join("\n");
  const facts = { categoryCode: input.category ?? null, kind: input.kindGiven === false ? null : input.kind, pointKelurahanCode: pointKelurahan, hasPoint };
  if (!service) return decideTriage(facts, { classification: null, place: null, flags: [] }, { category: 1, place: 1, kind: 1 });
  const place: PlaceResult = hasPoint
    ? pointKelurahan
      ? { best: { kelurahanCode: pointKelurahan, confidence: 1, evidence: "point", source: "point" }, candidates: [], outside: null }
      : { best: null, candidates: [], outside: service.outside(input.lat!, input.lon!) }
    : service.locateText(text);
  const classification = input.category && facts.kind ? null : service.classify(text);
  return decideTriage(facts, { classification, place, flags: service.substance(input.description) }, service.thresholds);
}

/** What the routing rested on when it was read from the words, for the reason officers see. */
function guessBasis(triage: ReturnType<typeof readReport>, givenCategory: string | null, hasPoint: boolean): string {
  const parts: string[] = [];
  const top = triage.record.classification?.top[0];
  if (!givenCategory && triage.categoryCode && top)
    parts.push(`kategori dibaca dari teks (${top.confidence.toFixed(2)}: ${triage.record.classification!.evidence.slice(0, 3).join(", ")})`);
  const best = triage.record.place?.best;
  if (!hasPoint && triage.kelurahanCode && best) parts.push(`tempat dibaca dari teks ("${best.evidence}", ${best.confidence.toFixed(2)})`);
  return parts.length ? `; ${parts.join("; ")}` : "";
}
