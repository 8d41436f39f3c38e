/**
 * What the public sees of a report, per channel (docs/domain.md, "Projection per channel").
 *
 * Every projection is a pure function of the report and its events. They exist because one internal
 * state means different things on different channels: the article's case is a report the kelurahan
 * already coordinated to an agency, which is "Koordinasi" on our portal but can only be "wait" in Qlue,
 * so Qlue gets a comment naming the unit instead of a bare red light.
 *
 * Privacy: nothing here may emit an internal note, actor or citizen ids, event `data`, free-text
 * refusal/dispute reasons, or contact details. Public comments are written by officers for the public,
 * but they are still scrubbed of e-mail addresses, phone numbers and NIK as a last line of defence
 * (reports became private by default after a reporter's identity leaked).
 */
import {
  CLOSE_REASONS,
  CLOSE_REASON_LABEL,
  STATE_COLOUR,
  STATE_LABEL,
  type CloseReason,
  type Colour,
  type EventType,
  type Language,
  type Report,
  type ReportEvent,
  type ReportState,
  type Unit,
} from "./report.ts";

export type ProjectionUnit = Pick<Unit, "id" | "name" | "kind">;

export type ProjectedReport = Pick<
  Report,
  | "ticket"
  | "state"
  | "categoryCode"
  | "kelurahanCode"
  | "holdingUnitId"
  | "handoverFromUnitId"
  | "closeReason"
  | "responsibleParty"
  | "duplicateOf"
  | "createdAt"
  | "updatedAt"
  | "reopenCount"
  | "supportCount"
>;

export interface ProjectionInput {
  report: ProjectedReport;
  events: readonly ReportEvent[];
  units: (id: string) => ProjectionUnit | undefined;
  /** Ticket of the original report when this one is closed as a duplicate. */
  duplicateOfTicket?: string | null;
  language: Language;
}

/** One public timeline entry: no person, no note, no data; the unit is named, never the officer. */
export interface PublicEvent {
  at: string;
  type: EventType;
  label: string;
  comment: string | null;
  unit: string | null;
}

/** Why a report shows red: the three meanings the article says hide behind a red light, plus triage. */
/** The kinds of red, in the order the dashboard, the summary and its PDF list them. */
export const RED_REASONS = ["waiting", "reopened", "coordination", "disposition", "triage"] as const;
export type RedReason = (typeof RED_REASONS)[number];

export interface PortalProjection {
  ticket: string;
  state: ReportState;
  label: string;
  colour: Colour;
  /** Which kind of red, so the portal can say "already coordinated" instead of a bare red light. */
  redReason: RedReason | null;
  /** One sentence on where the report stands (the same text Qlue and Open311 get). */
  statusComment: string | null;
  publicTimeline: PublicEvent[];
}

export type QlueStatus = "wait" | "process" | "complete";

export interface QlueProjection {
  status: QlueStatus;
  comment: string | null;
}

/** mySociety's Open311 servicerequestupdates extension statuses. */
export type Open311ExtendedStatus =
  | "OPEN"
  | "INVESTIGATING"
  | "IN_PROGRESS"
  | "ACTION_SCHEDULED"
  | "FIXED"
  | "NOT_COUNCILS_RESPONSIBILITY"
  | "DUPLICATE"
  | "NO_FURTHER_ACTION"
  | "INTERNAL_REFERRAL"
  | "REOPEN"
  | "CLOSED";

export interface Open311Projection {
  status: "open" | "closed";
  status_notes: string | null;
  extended_status: Open311ExtendedStatus;
}

/** The public colour of a state (red / yellow / green / grey). */
export function publicColour(state: ReportState): Colour {
  return STATE_COLOUR[state];
}

/** The public label of a state in a language ("Koordinasi", "Coordination"). */
export function publicLabel(state: ReportState, language: Language): string {
  return STATE_LABEL[language][state];
}

// ---------------------------------------------------------------------------------------------
// Privacy scrubbing

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// Indonesian phone numbers: 0.., 62.., +62.., at least 9 digits, optional separators (0812-3456-7890).
const PHONE = /(?<![\p{L}\p{N}])(?:\+62|62|0)(?:[\s.-]?\d){7,13}(?!\d)/gu;
// NIK (KTP number) and other long identifiers: 16 digits.
const NIK = /(?<!\d)\d{16}(?!\d)/g;

/** A coordinate as the public sees it: 3 decimals, about 100 m (the place, not the reporter's doorstep). */
export function publicCoordinate(v: number): number;
export function publicCoordinate(v: number | null): number | null;
export function publicCoordinate(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

// A social-media handle ("@budi_santoso") that is not part of an e-mail address (those are masked first).
const HANDLE = /(?<![\p{L}\p{N}_.@])@[A-Za-z0-9_.]{2,30}(?<!\.)/gu;

const HIDDEN: Record<Language, string> = { id: "[disembunyikan]", en: "[hidden]" };

/** Text fit for the public: trimmed, empty => null, e-mail addresses, phone numbers, NIK and @handles masked. */
export function scrubPublicText(text: string | null | undefined, language: Language): string | null {
  if (text == null) return null;
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const mask = HIDDEN[language];
  return trimmed.replace(EMAIL, mask).replace(NIK, mask).replace(PHONE, mask).replace(HANDLE, mask);
}

// ---------------------------------------------------------------------------------------------
// Reading the events

function chronological(events: readonly ReportEvent[]): ReportEvent[] {
  return [...events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

const RED_STATES: ReadonlySet<ReportState> = new Set<ReportState>(["triage", "waiting", "coordination", "disposition"]);

interface ReopenInfo {
  reopened: boolean;
  afterDispute: boolean;
}

/**
 * Whether the report is red again because it was reopened: walking back from the latest event, a
 * reopen (a `reopened` event, or a `disputed` event that moved it into a red state) found before any
 * event that moved the report into a non-red state (taken up, TL, done, closed). A `disputed` event in
 * the same stretch means the reopen came from a citizen disputing the follow-up.
 */
function reopenInfo(events: readonly ReportEvent[]): ReopenInfo {
  const ordered = chronological(events);
  let reopened = false;
  let afterDispute = false;
  for (let i = ordered.length - 1; i >= 0; i--) {
    const event = ordered[i] as ReportEvent;
    if (event.toState !== null && !RED_STATES.has(event.toState)) break;
    if (event.type === "reopened") reopened = true;
    if (event.type === "disputed") {
      afterDispute = true;
      if (event.toState !== null) reopened = true;
    }
  }
  return { reopened, afterDispute: reopened && afterDispute };
}

/**
 * Which kind of red a report shows, or null when it is not red: `triage`; plain `waiting`;
 * `reopened` (back to waiting after a done/closed report was reopened, usually because another
 * citizen disputed the follow-up); `coordination` or `disposition` (already handed to another unit).
 */
export function redReason(input: Pick<ProjectionInput, "report" | "events">): RedReason | null {
  switch (input.report.state) {
    case "triage":
      return "triage";
    case "coordination":
      return "coordination";
    case "disposition":
      return "disposition";
    case "waiting":
      return reopenInfo(input.events).reopened ? "reopened" : "waiting";
    default:
      return null;
  }
}

function unitName(input: ProjectionInput, id: string | null | undefined): string | null {
  if (id == null) return null;
  return input.units(id)?.name ?? null;
}

function isCloseReason(value: string | null): value is CloseReason {
  return value !== null && (CLOSE_REASONS as readonly string[]).includes(value);
}

function latestEvent(events: readonly ReportEvent[], match: (e: ReportEvent) => boolean): ReportEvent | undefined {
  const ordered = chronological(events);
  for (let i = ordered.length - 1; i >= 0; i--) {
    const event = ordered[i] as ReportEvent;
    if (match(event)) return event;
  }
  return undefined;
}

const isClosing = (e: ReportEvent): boolean => e.type === "closed" || e.toState === "closed";

// ---------------------------------------------------------------------------------------------
// Status sentence (shared by the portal, Qlue and Open311)

const SOME_UNIT: Record<Language, string> = { id: "unit terkait", en: "the responsible unit" };

const STATUS_TEXT = {
  id: {
    triage: () => "Laporan sedang diverifikasi",
    waiting: (u: string) => `Laporan menunggu tindak lanjut ${u}`,
    reopenedAfterDispute: (u: string) =>
      `Laporan dibuka kembali karena tindak lanjut disanggah warga; menunggu tindak lanjut ulang ${u}`,
    reopened: (u: string) => `Laporan dibuka kembali; menunggu tindak lanjut ${u}`,
    coordination: (u: string) => `Laporan sedang dikoordinasikan ke ${u}`,
    disposition: (u: string) => `Laporan didisposisikan ke ${u}`,
    in_progress: (u: string) => `Laporan sedang ditindaklanjuti oleh ${u}`,
    awaiting_validation: (u: string) => `Tindak lanjut ${u} sedang divalidasi`,
    follow_up_rejected: (u: string) => `Tindak lanjut ditolak validator; ${u} mengerjakan ulang`,
    done: (u: string) => `Laporan selesai ditindaklanjuti oleh ${u}`,
    closed: (reason: string) => `Laporan ditutup: ${reason}`,
    closedNoReason: () => "Laporan ditutup",
    original: (ticket: string) => `Laporan asli: ${ticket}`,
    responsible: (party: string) => `Pihak yang berwenang: ${party}`,
  },
  en: {
    triage: () => "The report is being verified",
    waiting: (u: string) => `The report is waiting for follow-up by ${u}`,
    reopenedAfterDispute: (u: string) =>
      `The report was reopened because a citizen disputed the follow-up; waiting for new follow-up by ${u}`,
    reopened: (u: string) => `The report was reopened; waiting for follow-up by ${u}`,
    coordination: (u: string) => `The report is being coordinated to ${u}`,
    disposition: (u: string) => `The report has been disposed to ${u}`,
    in_progress: (u: string) => `The report is being followed up by ${u}`,
    awaiting_validation: (u: string) => `The follow-up by ${u} is being validated`,
    follow_up_rejected: (u: string) => `The follow-up was rejected by the validator; ${u} is reworking it`,
    done: (u: string) => `The report has been resolved by ${u}`,
    closed: (reason: string) => `Report closed: ${reason}`,
    closedNoReason: () => "Report closed",
    original: (ticket: string) => `Original report: ${ticket}`,
    responsible: (party: string) => `Responsible party: ${party}`,
  },
} as const;

function sentences(parts: ReadonlyArray<string | null>): string {
  return parts
    .filter((p): p is string => p !== null && p !== "")
    .map((p) => (/[.!?]$/.test(p) ? p : `${p}.`))
    .join(" ");
}

function closedComment(input: ProjectionInput): string {
  const { report, language } = input;
  const text = STATUS_TEXT[language];
  const reason = report.closeReason;
  const head = reason ? text.closed(CLOSE_REASON_LABEL[language][reason]) : text.closedNoReason();
  let detail: string | null = null;
  if (reason === "duplicate") {
    const ticket = scrubPublicText(input.duplicateOfTicket, language);
    detail = ticket ? text.original(ticket) : null;
  } else if (reason === "outside_jurisdiction") {
    const party = scrubPublicText(unitName(input, report.responsibleParty) ?? report.responsibleParty, language);
    detail = party ? text.responsible(party) : null;
  }
  const explanation = scrubPublicText(latestEvent(input.events, isClosing)?.publicComment, language);
  return sentences([head, detail, explanation]);
}

/**
 * One sentence on where the report stands, in the input's language, naming units (never people).
 * This is the text the article asks for: a red report says whether it is plainly waiting, reopened
 * after a dispute, or already coordinated/disposed to another unit.
 */
export function statusComment(input: ProjectionInput): string {
  const { report, language } = input;
  const text = STATUS_TEXT[language];
  const holder = unitName(input, report.holdingUnitId) ?? SOME_UNIT[language];
  switch (report.state) {
    case "triage":
      return sentences([text.triage()]);
    case "waiting": {
      const info = reopenInfo(input.events);
      if (info.afterDispute) return sentences([text.reopenedAfterDispute(holder)]);
      if (info.reopened) return sentences([text.reopened(holder)]);
      return sentences([text.waiting(holder)]);
    }
    case "coordination":
      return sentences([text.coordination(holder)]);
    case "disposition":
      return sentences([text.disposition(holder)]);
    case "in_progress":
      return sentences([text.in_progress(holder)]);
    case "awaiting_validation":
      return sentences([text.awaiting_validation(holder)]);
    case "follow_up_rejected":
      return sentences([text.follow_up_rejected(holder)]);
    case "done": {
      const tl = latestEvent(
        input.events,
        (e) => (e.type === "follow_up_submitted" || e.type === "follow_up_validated") && e.publicComment !== null,
      );
      return sentences([text.done(holder), scrubPublicText(tl?.publicComment, language)]);
    }
    case "closed":
      return closedComment(input);
  }
}

// ---------------------------------------------------------------------------------------------
// Public timeline (portal)

/**
 * Events that never appear publicly: assignment names a person, escalation and SLA breach are internal
 * management; support (+1) is shown as the report's count, not as one timeline entry per citizen.
 */
const INTERNAL_EVENTS: ReadonlySet<EventType> = new Set<EventType>(["assigned", "sla_breached", "escalated", "supported", "officer_reply"]);

type LabelFn = (unit: string | null, event: ReportEvent, input: ProjectionInput) => string;

function withUnit(withName: (u: string) => string, without: string): (u: string | null) => string {
  return (u) => (u === null ? without : withName(u));
}

function closeLabel(language: Language, event: ReportEvent, input: ProjectionInput): string {
  const latest = latestEvent(input.events, isClosing);
  const reason: CloseReason | null = isCloseReason(event.reason)
    ? event.reason
    : latest === event && input.report.state === "closed"
      ? input.report.closeReason
      : null;
  const text = STATUS_TEXT[language];
  return reason ? text.closed(CLOSE_REASON_LABEL[language][reason]) : text.closedNoReason();
}

const EVENT_LABEL: Record<Language, Record<EventType, LabelFn>> = {
  id: {
    created: withUnit((u) => `Laporan diterima, diteruskan ke ${u}`, "Laporan diterima"),
    routed: withUnit((u) => `Diteruskan ke ${u}`, "Diteruskan ke unit terkait"),
    taken_up: withUnit((u) => `Diproses oleh ${u}`, "Diproses"),
    coordinated: withUnit((u) => `Dikoordinasikan ke ${u}`, "Dikoordinasikan ke unit lain"),
    coordination_accepted: withUnit((u) => `Koordinasi diterima oleh ${u}`, "Koordinasi diterima"),
    coordination_refused: withUnit((u) => `Koordinasi ditolak oleh ${u}`, "Koordinasi ditolak"),
    disposed: withUnit((u) => `Didisposisikan ke ${u}`, "Didisposisikan ke unit lain"),
    assigned: () => "Ditugaskan",
    follow_up_submitted: withUnit((u) => `Tindak lanjut dilaporkan oleh ${u}`, "Tindak lanjut dilaporkan"),
    follow_up_validated: () => "Tindak lanjut divalidasi, laporan selesai",
    follow_up_rejected: () => "Tindak lanjut ditolak validator, dikerjakan ulang",
    closed: (_u, event, input) => closeLabel("id", event, input),
    reopened: withUnit((u) => `Laporan dibuka kembali dan dikembalikan ke ${u}`, "Laporan dibuka kembali"),
    disputed: () => "Tindak lanjut disanggah warga",
    escalated: () => "Dieskalasi",
    sla_breached: () => "Melewati batas waktu",
    supported: () => "Didukung warga",
    message_in: () => "Komentar warga",
    message_out: withUnit((u) => `Tanggapan ${u}`, "Tanggapan petugas"),
    officer_reply: withUnit((u) => `Balasan ${u} kepada pelapor`, "Balasan petugas kepada pelapor"),
  },
  en: {
    created: withUnit((u) => `Report received, sent to ${u}`, "Report received"),
    routed: withUnit((u) => `Routed to ${u}`, "Routed to the responsible unit"),
    taken_up: withUnit((u) => `Taken up by ${u}`, "Taken up"),
    coordinated: withUnit((u) => `Coordinated to ${u}`, "Coordinated to another unit"),
    coordination_accepted: withUnit((u) => `Coordination accepted by ${u}`, "Coordination accepted"),
    coordination_refused: withUnit((u) => `Coordination refused by ${u}`, "Coordination refused"),
    disposed: withUnit((u) => `Disposed to ${u}`, "Disposed to another unit"),
    assigned: () => "Assigned",
    follow_up_submitted: withUnit((u) => `Follow-up submitted by ${u}`, "Follow-up submitted"),
    follow_up_validated: () => "Follow-up validated, report done",
    follow_up_rejected: () => "Follow-up rejected by the validator, back to work",
    closed: (_u, event, input) => closeLabel("en", event, input),
    reopened: withUnit((u) => `Report reopened and returned to ${u}`, "Report reopened"),
    disputed: () => "Follow-up disputed by a citizen",
    escalated: () => "Escalated",
    sla_breached: () => "Deadline passed",
    supported: () => "Supported by a citizen",
    message_in: () => "Citizen comment",
    message_out: withUnit((u) => `Response from ${u}`, "Officer response"),
    officer_reply: withUnit((u) => `Reply from ${u} to the reporter`, "Officer's reply to the reporter"),
  },
};

/** The unit a timeline entry names: where the report went for handovers, who acted otherwise. */
function eventUnitId(event: ReportEvent): string | null {
  switch (event.type) {
    case "created":
    case "routed":
    case "coordinated":
    case "disposed":
    case "reopened":
    case "disputed":
      return event.toUnitId ?? (event.type === "disputed" ? null : event.unitId);
    case "coordination_refused":
      // The refusing receiver; the report goes back to the sender (toUnitId).
      return event.unitId ?? event.fromUnitId;
    case "message_in":
      return null;
    default:
      return event.unitId ?? event.toUnitId;
  }
}

function isPublicEvent(event: ReportEvent): boolean {
  if (INTERNAL_EVENTS.has(event.type)) return false;
  if (event.type === "message_in" || event.type === "message_out") {
    return event.publicComment !== null && event.publicComment.trim() !== "";
  }
  return true;
}

/**
 * The report's public timeline, oldest first. Built field by field from an allow-list (time, type,
 * label, public comment, unit name): notes, reasons, actors, citizens and `data` are never read.
 */
export function publicTimeline(input: ProjectionInput): PublicEvent[] {
  const labels = EVENT_LABEL[input.language];
  return chronological(input.events)
    .filter(isPublicEvent)
    .map((event) => {
      const unit = unitName(input, eventUnitId(event));
      return {
        at: event.createdAt.toISOString(),
        type: event.type,
        label: labels[event.type](unit, event, input),
        comment: scrubPublicText(event.publicComment, input.language),
        unit,
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Channel projections

/** The public portal (Balai Warga): the real state label ("Koordinasi"), its colour and the public timeline. */
export function projectForPortal(input: ProjectionInput): PortalProjection {
  const { report, language } = input;
  return {
    ticket: report.ticket,
    state: report.state,
    label: publicLabel(report.state, language),
    colour: publicColour(report.state),
    redReason: redReason(input),
    statusComment: statusComment(input),
    publicTimeline: publicTimeline(input),
  };
}

const QLUE_STATUS: Record<ReportState, QlueStatus> = {
  triage: "wait",
  waiting: "wait",
  coordination: "wait",
  disposition: "wait",
  in_progress: "process",
  awaiting_validation: "process",
  follow_up_rejected: "process",
  done: "complete",
  closed: "complete",
};

/**
 * The Qlue partner app knows only wait / process / complete. Every red state is `wait`, so the comment
 * carries the difference: "Laporan sedang dikoordinasikan ke Dinas Bina Marga", "... didisposisikan ke
 * ...", or reopened because the follow-up was disputed. Closed is `complete` with the closure reason
 * (the original ticket for a duplicate, the responsible party when outside our jurisdiction).
 */
export function projectForQlue(input: ProjectionInput): QlueProjection {
  return { status: QLUE_STATUS[input.report.state], comment: statusComment(input) };
}

const OPEN311_CLOSED: Record<CloseReason, Open311ExtendedStatus> = {
  invalid: "CLOSED",
  duplicate: "DUPLICATE",
  outside_jurisdiction: "NOT_COUNCILS_RESPONSIBILITY",
  no_further_action: "NO_FURTHER_ACTION",
};

function open311Extended(input: ProjectionInput): Open311ExtendedStatus {
  const { report } = input;
  switch (report.state) {
    case "triage":
      return "OPEN";
    case "waiting":
      return redReason(input) === "reopened" ? "REOPEN" : "OPEN";
    case "coordination":
    case "disposition":
      return "INTERNAL_REFERRAL";
    case "in_progress":
    case "awaiting_validation":
    case "follow_up_rejected":
      return "IN_PROGRESS";
    case "done":
      return "FIXED";
    case "closed":
      return report.closeReason ? OPEN311_CLOSED[report.closeReason] : "CLOSED";
  }
}

/**
 * Open311 GeoReport v2 with mySociety's update statuses: coordination and disposition are
 * INTERNAL_REFERRAL (still `open`, `status_notes` naming the receiving unit); a reopened report is
 * REOPEN; done is FIXED; closed maps its reason (outside_jurisdiction => NOT_COUNCILS_RESPONSIBILITY,
 * duplicate => DUPLICATE, no_further_action => NO_FURTHER_ACTION, invalid => CLOSED).
 */
export function projectForOpen311(input: ProjectionInput): Open311Projection {
  const state = input.report.state;
  return {
    status: state === "done" || state === "closed" ? "closed" : "open",
    status_notes: statusComment(input),
    extended_status: open311Extended(input),
  };
}
