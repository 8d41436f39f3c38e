/**
 * Open311 GeoReport v2 (and mySociety's servicerequestupdates extension): the pure rules behind the API.
 * The request's own status and notes come from projectForOpen311 (projection.ts); this file adds the
 * service list and the updates, one per event that changed what the public sees.
 */
import { projectForOpen311, scrubPublicText, type Open311ExtendedStatus, type ProjectionInput } from "./projection.ts";
import { CLOSE_REASONS, type Category, type CloseReason, type EventType, type Language, type ReportEvent } from "./report.ts";

/** A GeoReport v2 service: one of our categories. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: false;
  type: "realtime";
  keywords: string;
  group: string;
}

/** A category as an Open311 service, named in the language asked for; `group` is who handles it by default. */
export function serviceOf(category: Category, language: Language, group: string): Open311Service {
  const name = language === "en" ? category.nameEn : category.nameId;
  const other = language === "en" ? category.nameId : category.nameEn;
  return {
    service_code: category.code,
    service_name: name,
    description: other && other !== name ? `${name} (${other})` : name,
    metadata: false,
    type: "realtime",
    keywords: (category.keywords ?? []).join(","),
    group,
  };
}

/** One entry of servicerequestupdates. */
export interface Open311Update {
  eventId: number;
  at: Date;
  status: Open311ExtendedStatus;
  description: string;
}

/**
 * Events that change nothing the public sees (assignment names a person; escalation, deadlines and support are
 * internal or counted elsewhere; replies to the reporter are private). `created` is the request itself.
 */
const NOT_AN_UPDATE: ReadonlySet<EventType> = new Set<EventType>(["created", "assigned", "sla_breached", "escalated", "supported", "officer_reply", "message_in"]);

const isCloseReason = (v: string | null): v is CloseReason => v !== null && (CLOSE_REASONS as readonly string[]).includes(v);

/**
 * The updates of one report, oldest first: every event that moved the report to another state, or carried a
 * public comment. Each update's status is projectForOpen311's extended status of the report as it stood right
 * after that event (the report replayed from its events), and its description is the event's public comment, or
 * else the status notes of that moment (naming the unit, never a person).
 */
export function open311Updates(input: ProjectionInput): Open311Update[] {
  const ordered = [...input.events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id ?? 0) - (b.id ?? 0));
  const updates: Open311Update[] = [];
  let state = ordered[0]?.toState ?? input.report.state;
  let holding = ordered[0]?.toUnitId ?? ordered[0]?.unitId ?? input.report.holdingUnitId;
  let closeReason: CloseReason | null = null;
  ordered.forEach((event, i) => {
    if (event.toState !== null) {
      state = event.toState;
      holding = event.toUnitId ?? (event.type === "coordination_refused" ? event.fromUnitId : null) ?? event.unitId ?? holding;
      closeReason = state === "closed" ? (isCloseReason(event.reason) ? event.reason : input.report.closeReason) : null;
    }
    if (event.id === undefined || NOT_AN_UPDATE.has(event.type)) return;
    const comment = scrubPublicText(event.publicComment, input.language);
    if (event.toState === null && comment === null) return;
    const isLast = i === ordered.length - 1;
    // The latest moment is the report itself (its holder, reason and links are authoritative).
    const report = isLast ? input.report : { ...input.report, state, holdingUnitId: holding, closeReason, updatedAt: event.createdAt };
    const projection = projectForOpen311({ ...input, report, events: ordered.slice(0, i + 1) as ReportEvent[] });
    updates.push({
      eventId: event.id,
      at: event.createdAt,
      status: projection.extended_status,
      description: comment ?? projection.status_notes ?? "",
    });
  });
  return updates;
}

/**
 * A GeoReport date (W3C / ISO 8601 with a time zone, or a bare date taken as UTC midnight); null when it is not one.
 */
export function parseOpen311Date(text: string): Date | null {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/.test(t)) return null;
  const d = new Date(t.length === 10 ? `${t}T00:00:00Z` : t.replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(d.getTime()) ? null : d;
}
