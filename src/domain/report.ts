/** The report, its states and what each state looks like to people (docs/domain.md, "The lifecycle"). */

import type { TriageRecord } from "./triage/triage.ts";

export const REPORT_STATES = [
  "triage",
  "waiting",
  "coordination",
  "disposition",
  "in_progress",
  "awaiting_validation",
  "follow_up_rejected",
  "done",
  "closed",
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

import type { ReportKind } from "./report-kind.ts";
export { REPORT_KINDS, type ReportKind } from "./report-kind.ts";

export const CLOSE_REASONS = ["invalid", "duplicate", "outside_jurisdiction", "no_further_action"] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export type Colour = "red" | "yellow" | "green" | "grey";
export type Language = "id" | "en";

export const STATE_COLOUR: Record<ReportState, Colour> = {
  triage: "red",
  waiting: "red",
  coordination: "red",
  disposition: "red",
  in_progress: "yellow",
  awaiting_validation: "yellow",
  follow_up_rejected: "yellow",
  done: "green",
  closed: "grey",
};

/** The states behind each public colour (a colour filter is a set of states). */
export const COLOUR_STATES: Record<Colour, ReportState[]> = {
  red: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "red"),
  yellow: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "yellow"),
  green: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "green"),
  grey: REPORT_STATES.filter((s) => STATE_COLOUR[s] === "grey"),
};

export const STATE_LABEL: Record<Language, Record<ReportState, string>> = {
  id: {
    triage: "Verifikasi",
    waiting: "Menunggu",
    coordination: "Koordinasi",
    disposition: "Disposisi",
    in_progress: "Proses",
    awaiting_validation: "Menunggu Validasi",
    follow_up_rejected: "TL Ditolak",
    done: "Selesai",
    closed: "Ditutup",
  },
  en: {
    triage: "Verification",
    waiting: "Waiting",
    coordination: "Coordination",
    disposition: "Disposition",
    in_progress: "In process",
    awaiting_validation: "Awaiting validation",
    follow_up_rejected: "Follow-up rejected",
    done: "Done",
    closed: "Closed",
  },
};

export const CLOSE_REASON_LABEL: Record<Language, Record<CloseReason, string>> = {
  id: {
    invalid: "Tidak valid (tanpa substansi, spam, atau kasar)",
    duplicate: "Duplikat dari laporan lain",
    outside_jurisdiction: "Bukan kewenangan Pemprov",
    no_further_action: "Tidak ada tindak lanjut lebih lanjut",
  },
  en: {
    invalid: "Invalid (no substance, spam or abuse)",
    duplicate: "Duplicate of another report",
    outside_jurisdiction: "Outside our jurisdiction",
    no_further_action: "No further action",
  },
};

export type UnitKind = "kelurahan" | "kecamatan" | "kota" | "province" | "agency" | "sub_office" | "triage" | "external";

export interface Unit {
  id: string;
  kind: UnitKind;
  name: string;
  parentId: string | null;
  regionCode: string | null;
  supervisorUnitId: string | null;
  hasPpsu: boolean;
  active: boolean;
}

export type OwnerPolicy =
  | { kind: "kelurahan" }
  | { kind: "agency"; agency: string }
  | { kind: "external"; unit: string }
  | { kind: "triage" };

export type DisputePolicy = "reporter_only" | "any_citizen" | "none";

export interface Category {
  code: string;
  nameId: string;
  nameEn: string;
  ownerPolicy: OwnerPolicy;
  slaFirstActionDays: number;
  slaResolutionDays: number;
  disputePolicy: DisputePolicy;
  disputeWindowDays: number;
  reopenEscalationThreshold: number;
  ppsuAllowed: boolean;
  active: boolean;
  /** phrases that name the category in reports (the classifier reads them too) */
  keywords?: readonly string[];
}

/** The fields of a report the lifecycle rules read and write. */
export interface Report {
  id: string;
  ticket: string;
  kind: ReportKind;
  description: string;
  categoryCode: string | null;
  lat: number | null;
  lon: number | null;
  address: string | null;
  kelurahanCode: string | null;
  channel: string;
  /** the channel's own id of the report (a Qlue or LAPOR! report id, the first message's id) */
  channelRef: string | null;
  citizenId: string | null;
  state: ReportState;
  stateBeforeHandover: ReportState | null;
  holdingUnitId: string;
  handoverFromUnitId: string | null;
  followUpUnitId: string | null;
  followUpBy: string | null;
  assigneeUserId: string | null;
  involvedUnitIds: string[];
  duplicateOf: string | null;
  closeReason: CloseReason | null;
  responsibleParty: string | null;
  reopenCount: number;
  supportCount: number;
  escalationLevel: number;
  escalatedToUnitId: string | null;
  overdue: boolean;
  firstActionBreached: boolean;
  resolutionBreached: boolean;
  firstActionDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstActionAt: Date | null;
  doneAt: Date | null;
  closedAt: Date | null;
  /** deadlines a partner system set (LAPOR!: verify in 3 working days, answer in 5) */
  partnerDeadlines: PartnerDeadline[];
  /** what triage worked out at intake: guesses, candidates, flags (null for reports from before triage) */
  triage: TriageRecord | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface PartnerDeadline {
  /** e.g. "lapor_verify", "lapor_answer" */
  name: string;
  due: string;
}

export const EVENT_TYPES = [
  "created",
  "routed",
  "taken_up",
  "coordinated",
  "coordination_accepted",
  "coordination_refused",
  "disposed",
  "assigned",
  "follow_up_submitted",
  "follow_up_validated",
  "follow_up_rejected",
  "closed",
  "reopened",
  "disputed",
  "escalated",
  "sla_breached",
  "supported",
  "message_in",
  "message_out",
  /** an officer's own message to the citizen (note = the text); delivery follows as message_out */
  "officer_reply",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One entry of the audit trail and timeline. */
export interface ReportEvent {
  id?: number;
  reportId: string;
  type: EventType;
  actorUserId: string | null;
  actorRole: string | null;
  actorCitizenId: string | null;
  unitId: string | null;
  fromState: ReportState | null;
  toState: ReportState | null;
  fromUnitId: string | null;
  toUnitId: string | null;
  note: string | null;
  publicComment: string | null;
  reason: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}
