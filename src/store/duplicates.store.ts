/**
 * Duplicate candidates and linked duplicates (issue #4, "Is it new"): the SQL behind
 * src/app/duplicates.ts.
 *
 * A candidate is a report near the new report's point (the grid cells of migration 008, then the
 * exact distance) that is either open and created within `openDays` before it (an ignored pothole
 * is re-reported for months) or done within `windowDays` (the problem may be back); never a closed
 * one. The category must agree when both are known. Candidates are ranked in SQL by one score;
 * the weights are below and were chosen on data/triage/duplicates-eval.json.
 *
 * Linked duplicates are reports closed with reason `duplicate` whose `duplicate_of` points at the
 * original, directly or through a chain (a duplicate of a duplicate): nothing is copied, so every
 * message stays on the report it arrived on.
 */
import type { Notification } from "../domain/report-lifecycle.ts";
import type { Report, ReportState } from "../domain/report.ts";
import type { Queryable } from "./db.ts";
import type { NewOutbox } from "./outbox.store.ts";
import { toReport } from "./reports.store.ts";

/**
 * How the score adds up (each part in [0, 1] before its weight, so a perfect match scores 1.1):
 * text similarity (pg_trgm `similarity`), closeness within the radius, recency (1 / (1 + days /
 * windowDays)), the same category when the new report names one, and, when it names none, the
 * categories its words point to (category keywords) agreeing (+) or disagreeing (-) with the
 * candidate's category.
 */
export const SCORE_WEIGHTS = { similarity: 0.6, distance: 0.2, recency: 0.1, category: 0.1, inferredCategory: 0.1 } as const;

export interface CandidateProbe {
  lat: number | null;
  lon: number | null;
  description: string | null;
  categoryCode: string | null;
  /** without a point: the kelurahan to search in */
  kelurahanCode?: string | null;
  /** when the new report was made (now for the portal) */
  at: Date;
  excludeReportId?: string | null;
}

export interface CandidateOptions {
  radiusM?: number;
  /** how recent a done report must be, and the scale of recency */
  windowDays?: number;
  /** how old an open report may be */
  openDays?: number;
  limit?: number;
}

export interface CandidateRow {
  id: string;
  ticket: string;
  state: ReportState;
  categoryCode: string | null;
  kelurahanCode: string | null;
  description: string;
  lat: number | null;
  lon: number | null;
  createdAt: Date;
  supportCount: number;
  /** who may open it (src/domain/access-policy.ts canSeeReport) */
  holdingUnitId: string;
  involvedUnitIds: string[];
  assigneeUserId: string | null;
  handoverFromUnitId: string | null;
  /** null without a point */
  distanceM: number | null;
  similarity: number;
  score: number;
}

interface Row {
  id: string;
  ticket: string;
  state: ReportState;
  category_code: string | null;
  kelurahan_code: string | null;
  description: string;
  lat: number | null;
  lon: number | null;
  created_at: Date;
  support_count: number;
  holding_unit_id: string;
  involved_unit_ids: string[];
  assignee_user_id: string | null;
  handover_from_unit_id: string | null;
  distance_m: number | null;
  similarity: number;
  score: number;
}

// $1 lat, $2 lon, $3 text, $4 category, $5 kelurahan, $6 at, $7 exclude, $8 radius, $9 windowDays,
// $10 openDays, $11 limit; both queries name all eleven (PostgreSQL must know each one's type).
// The categories a text points to: a category keyword appearing in it as whole words.
const PROBE_CATEGORIES = `
  probe_categories as (
    select coalesce(array_agg(c.code), '{}') as codes
    from categories c
    where $4::text is null and $3::text is not null and c.active
      and exists (select 1 from unnest(c.keywords) k
        where ' ' || regexp_replace(lower($3::text), '[^a-z0-9]+', ' ', 'g') || ' '
          like '% ' || btrim(regexp_replace(lower(k), '[^a-z0-9]+', ' ', 'g')) || ' %')
  )`;

// Which reports may be candidates at all: the category agrees when both are known; not the report itself.
const ANY_CANDIDATE = `
  ($4::text is null or r.category_code is null or r.category_code = $4::text)
  and ($7::uuid is null or r.id <> $7::uuid)`;
// Open reports created up to openDays before the new one (and up to windowDays after: an officer's lookup of an old report).
const OPEN = `
  r.state not in ('done', 'closed')
  and r.created_at >= $6::timestamptz - make_interval(days => $10::int)
  and r.created_at <= $6::timestamptz + make_interval(days => $9::int)`;
// Done reports done within windowDays; no bound on creation, which would tempt the planner into reports_created_idx.
const RECENTLY_DONE = "r.state = 'done' and r.done_at >= $6::timestamptz - make_interval(days => $9::int)";

const W = SCORE_WEIGHTS;
const SCORED = `
  select n.*,
    ${W.similarity} * n.similarity
    + ${W.distance} * (case when n.distance_m is null then 0 else 1 - least(n.distance_m, $8::float8) / $8::float8 end)
    + ${W.recency} / (1 + abs(extract(epoch from n.created_at - $6::timestamptz)) / 86400 / $9::int)
    + ${W.category} * (case when $4::text is not null and n.category_code = $4::text then 1 else 0 end)
    + ${W.inferredCategory} * (case when $4::text is null and n.category_code is not null and cardinality(pc.codes) > 0
        then case when n.category_code = any(pc.codes) then 1 else -1 end else 0 end) as score
  from near n, probe_categories pc`;

const COLUMNS = `r.id, r.ticket, r.state, r.category_code, r.kelurahan_code, r.description, r.lat, r.lon, r.created_at, r.support_count,
  r.holding_unit_id, r.involved_unit_ids, r.assignee_user_id, r.handover_from_unit_id,
  case when $3::text is null then 0 else similarity(r.description, $3::text) end as similarity`;

const DISTANCE = "6371008.8 * sqrt(power(radians(r.lat - $1::float8), 2) + power(cos(radians($1::float8)) * radians(r.lon - $2::float8), 2))";
const IN_CELLS = "r.lat is not null and r.lon is not null and geo_cell(r.lat, r.lon) = any(geo_cells_near($1::float8, $2::float8, $8::float8))";

/**
 * With a point: the grid cells around it, open reports (index reports_open_cell_idx) and done ones
 * (reports_done_cell_idx) apart, each arm naming its index's predicate; then the exact distance.
 */
const NEAR_POINT_SQL = `
  with ${PROBE_CATEGORIES},
  near as (
    select ${COLUMNS}, ${DISTANCE} as distance_m
    from reports r
    where ${IN_CELLS} and ${OPEN} and ${ANY_CANDIDATE} and $5::text is null
    union all
    select ${COLUMNS}, ${DISTANCE} as distance_m
    from reports r
    where ${IN_CELLS} and ${RECENTLY_DONE} and ${ANY_CANDIDATE}
  )
  select * from (${SCORED} where n.distance_m <= $8::float8) s
  order by score desc, created_at desc limit $11::int`;

/** Without a point: the same kelurahan (reports_open_kelurahan_idx, reports_done_kelurahan_idx); text alone places it. */
const IN_KELURAHAN_SQL = `
  with ${PROBE_CATEGORIES},
  near as (
    select ${COLUMNS}, null::float8 as distance_m
    from reports r
    where r.kelurahan_code = $5::text and ${OPEN} and ${ANY_CANDIDATE} and $1::float8 is null and $2::float8 is null
    union all
    select ${COLUMNS}, null::float8 as distance_m
    from reports r
    where r.kelurahan_code = $5::text and ${RECENTLY_DONE} and ${ANY_CANDIDATE}
  )
  select * from (${SCORED}) s
  order by score desc, created_at desc limit $11::int`;

const MAX_GRID_LATITUDE = 80;

/**
 * Reports the new one may duplicate, best first. With a point: within radiusM of it. Without one:
 * in the given kelurahan. With neither: none (text alone over the whole city finds the same words
 * everywhere). Returns the fields the caller needs to present; the caller decides what is public.
 */
export async function findDuplicateCandidates(q: Queryable, probe: CandidateProbe, options: CandidateOptions = {}): Promise<CandidateRow[]> {
  const { radiusM = 250, windowDays = 30, openDays = 180, limit = 5 } = options;
  const hasPoint = probe.lat !== null && probe.lon !== null;
  if (!hasPoint && !probe.kelurahanCode) return [];
  // Near the poles a radius spans ever more cells of longitude (thousands at 89.9°): no deployment is there.
  if (hasPoint && Math.abs(probe.lat!) > MAX_GRID_LATITUDE) return [];
  const { rows } = await q.query<Row>({
    name: hasPoint ? "duplicate_candidates_near_point" : "duplicate_candidates_in_kelurahan",
    text: hasPoint ? NEAR_POINT_SQL : IN_KELURAHAN_SQL,
    values: [
      hasPoint ? probe.lat : null, hasPoint ? probe.lon : null, probe.description?.trim() || null, probe.categoryCode,
      hasPoint ? null : probe.kelurahanCode, probe.at, probe.excludeReportId ?? null, radiusM, windowDays, openDays, limit,
    ],
  });
  return rows.map((r) => ({
    id: r.id,
    ticket: r.ticket,
    state: r.state,
    categoryCode: r.category_code,
    kelurahanCode: r.kelurahan_code,
    description: r.description,
    lat: r.lat,
    lon: r.lon,
    createdAt: r.created_at,
    supportCount: r.support_count,
    holdingUnitId: r.holding_unit_id,
    involvedUnitIds: r.involved_unit_ids ?? [],
    assigneeUserId: r.assignee_user_id,
    handoverFromUnitId: r.handover_from_unit_id,
    distanceM: r.distance_m === null ? null : Number(r.distance_m),
    similarity: Number(r.similarity),
    score: Number(r.score),
  }));
}

/**
 * Locks two reports by ticket in id order (so two officers linking A to B and B to A cannot
 * deadlock); returns them by ticket.
 */
export async function lockReportPair(tx: Queryable, tickets: [string, string]): Promise<Map<string, Report>> {
  const { rows } = await tx.query<Parameters<typeof toReport>[0]>("select * from reports where ticket = any($1::text[]) order by id for update", [tickets]);
  return new Map(rows.map((r) => [r.ticket, toReport(r)]));
}

/**
 * Counts the duplicate's people as supporters of the original, once each: its reporter (by the
 * key given) and everyone who supported the duplicate. Returns how many were added.
 */
export async function moveSupportsToOriginal(tx: Queryable, duplicateId: string, originalId: string, reporterKey: string | null): Promise<number> {
  const { rows } = await tx.query<{ added: number }>(
    `with keys as (
       select supporter_key from report_supports where report_id = $1
       union select $3::text where $3::text is not null
     ), added as (
       insert into report_supports (report_id, supporter_key) select $2, supporter_key from keys
       on conflict do nothing returning 1
     ), counted as (
       update reports set support_count = support_count + (select count(*) from added), version = version + 1
       where id = $2 and (select count(*) from added) > 0 returning 1
     )
     select (select count(*) from added)::int as added`,
    [duplicateId, originalId, reporterKey],
  );
  return rows[0]?.added ?? 0;
}

export interface LinkedDuplicate {
  id: string;
  ticket: string;
  channel: string;
  citizenId: string | null;
  createdAt: Date;
  /** 1 = linked to this report, 2 = linked to one of its duplicates, ... */
  depth: number;
}

/** Every report closed as a duplicate of this one, directly or through a chain, oldest first. */
export async function listLinkedDuplicates(q: Queryable, reportId: string): Promise<LinkedDuplicate[]> {
  const { rows } = await q.query<{ id: string; ticket: string; channel: string; citizen_id: string | null; created_at: Date; depth: number }>({
    name: "linked_duplicates",
    text: `with recursive linked(id, depth) as (
         select id, 1 from reports where duplicate_of = $1 and state = 'closed' and close_reason = 'duplicate'
         union all
         select r.id, l.depth + 1 from reports r join linked l on r.duplicate_of = l.id
         where r.state = 'closed' and r.close_reason = 'duplicate' and l.depth < 20
       )
       select r.id, r.ticket, r.channel, r.citizen_id, r.created_at, l.depth from linked l join reports r using (id)
       order by r.created_at, r.id`,
    values: [reportId],
  });
  return rows.map((r) => ({ id: r.id, ticket: r.ticket, channel: r.channel, citizenId: r.citizen_id, createdAt: r.created_at, depth: r.depth }));
}

/**
 * The messages the reporters of linked duplicates get when the original changes: each citizen
 * once (not the original's own reporter), on the channel and in the thread of their own report
 * (the outbox row names their report, so the answer lands on its timeline too). For
 * src/app/notify.ts, beside the original reporter's messages.
 */
export async function followerMessages(q: Queryable, report: Pick<Report, "id" | "citizenId">, eventId: number | null, notifications: Notification[]): Promise<NewOutbox[]> {
  if (!notifications.some((n) => n.to === "citizen")) return [];
  const linked = await listLinkedDuplicates(q, report.id);
  const seen = new Set<string>(report.citizenId ? [report.citizenId] : []);
  const followers = linked.filter((d) => d.citizenId !== null && !seen.has(d.citizenId) && seen.add(d.citizenId));
  return notifications.flatMap((n, i) =>
    n.to === "citizen"
      ? followers.map((f) => ({
          reportId: f.id,
          eventId,
          kind: "citizen_message" as const,
          channel: f.channel,
          recipient: { citizenId: f.citizenId },
          template: n.template,
          payload: n.params,
          idempotencyKey: `${report.id}:${eventId ?? "none"}:${i}:${n.template}:follower:${f.id}`,
        }))
      : [],
  );
}
