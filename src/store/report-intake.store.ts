import type { NewEvent } from "../domain/report-lifecycle.ts";
import type { Queryable } from "./db.ts";
import type { NewOutbox, NewUnitNotification } from "./outbox.store.ts";
import type { NewReport } from "./reports.store.ts";
import type { UploadRecord } from "./uploads.store.ts";

export interface ReportIntake {
  report: Omit<NewReport, "citizenId"> & { confidential?: boolean };
  /** the citizen's identities (normalized), and the details for a new citizen record */
  citizen: { newId: string; name: string | null; email: string | null; phone: string | null; language: "id" | "en"; identities: Array<[string, string]> } | null;
  actor: { userId: string | null; role: string | null };
  events: NewEvent[];
  /** notifications for units; their event is the first event */
  unitNotifications: Array<Omit<NewUnitNotification, "reportId" | "eventId">>;
  /** messages to the citizen, sent only when the report has a citizen */
  citizenMessages: Array<Pick<NewOutbox, "channel" | "template" | "payload" | "idempotencyKey">>;
  uploads: Array<Omit<UploadRecord, "createdAt" | "eventId" | "reportId">>;
}

/**
 * Stores a new report with everything it causes in ONE statement (so in one implicit
 * transaction, one round trip): the citizen linked by any of their identities (or created),
 * the report, its events, its photos, the units' notifications and the outbox messages.
 */
export async function insertNewReport(q: Queryable, intake: ReportIntake): Promise<{ citizenId: string | null; firstEventId: number }> {
  const r = intake.report;
  const c = intake.citizen;
  const { rows } = await q.query<{ citizen_id: string | null; first_event_id: number }>({
    // Prepared once per connection: this statement is planned on every new report otherwise.
    name: "insert_new_report",
    text: `with
     found as (
       select coalesce(cz.merged_into, cz.id) as id
       -- a join on the primary key (an IN over unnest was planned as a scan of all identities)
       from unnest($1::text[], $2::text[]) as wanted(kind, value)
       join citizen_identities ci on ci.kind = wanted.kind and ci.value = wanted.value
       join citizens cz on cz.id = ci.citizen_id limit 1
     ),
     created_citizen as (
       insert into citizens (id, name, email, phone, language)
       select $3::uuid, $4, $5, $6, $7 where $8 and not exists (select 1 from found)
       returning id
     ),
     citizen as (select coalesce((select id from found), (select id from created_citizen)) as id),
     identities as (
       insert into citizen_identities (kind, value, citizen_id)
       select k, v, citizen.id from unnest($1::text[], $2::text[]) as t(k, v), citizen where citizen.id is not null
       on conflict (kind, value) do nothing
     ),
     report as (
       insert into reports (id, ticket, kind, description, category_code, lat, lon, address, kelurahan_code, channel, channel_ref,
         citizen_id, state, holding_unit_id, involved_unit_ids, first_action_due_at, resolution_due_at, created_at, updated_at, triage, confidential)
       select $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, citizen.id, $20, $21, array[$21]::text[], $22, $23, $24, $24, $31::jsonb, $32
       from citizen
       returning id, citizen_id
     ),
     events as (
       insert into report_events (report_id, type, actor_user_id, actor_role, actor_citizen_id, unit_id, from_state, to_state,
         from_unit_id, to_unit_id, note, public_comment, reason, data, created_at)
       select report.id, e.type, $25, $26, report.citizen_id, e.unit_id, e.from_state, e.to_state, e.from_unit_id, e.to_unit_id,
         e.note, e.public_comment, e.reason, coalesce(e.data, '{}'::jsonb), $24
       from report, jsonb_to_recordset($27::jsonb) as e(n int, type text, unit_id text, from_state text, to_state text,
         from_unit_id text, to_unit_id text, note text, public_comment text, reason text, data jsonb)
       order by e.n
       returning id
     ),
     first_event as (select min(id) as id from events),
     photos as (
       insert into uploads (id, original_key, public_key, content_type, size_bytes, width, height, exif, uploaded_by_user_id, report_id, event_id)
       select u.id, u.original_key, u.public_key, u.content_type, u.size_bytes, u.width, u.height, u.exif, $25, report.id, first_event.id
       from report, first_event, jsonb_to_recordset($28::jsonb) as u(id uuid, original_key text, public_key text, content_type text,
         size_bytes int, width int, height int, exif jsonb)
     ),
     notes as (
       insert into unit_notifications (unit_id, report_id, event_id, template, payload)
       select n.unit_id, report.id, first_event.id, n.template, n.payload
       from report, first_event, jsonb_to_recordset($29::jsonb) as n(unit_id text, template text, payload jsonb)
     ),
     messages as (
       insert into outbox (report_id, event_id, kind, channel, recipient, template, payload, idempotency_key)
       select report.id, first_event.id, 'citizen_message', m.channel, jsonb_build_object('citizenId', report.citizen_id),
         m.template, m.payload, m.idempotency_key
       from report, first_event, jsonb_to_recordset($30::jsonb) as m(channel text, template text, payload jsonb, idempotency_key text)
       where report.citizen_id is not null
       on conflict (idempotency_key) do nothing
     )
     select report.citizen_id, first_event.id as first_event_id from report, first_event`,
    values: [
      c?.identities.map((i) => i[0]) ?? [],
      c?.identities.map((i) => i[1]) ?? [],
      c?.newId ?? null,
      c?.name ?? null,
      c?.email ?? null,
      c?.phone ?? null,
      c?.language ?? "id",
      !!c && c.identities.length > 0,
      r.id, r.ticket, r.kind, r.description, r.categoryCode, r.lat, r.lon, r.address, r.kelurahanCode, r.channel, r.channelRef,
      r.state, r.holdingUnitId, r.firstActionDueAt, r.resolutionDueAt, r.createdAt,
      intake.actor.userId, intake.actor.role,
      JSON.stringify(intake.events.map((e, n) => ({
        n, type: e.type, unit_id: e.unitId, from_state: e.fromState, to_state: e.toState, from_unit_id: e.fromUnitId,
        to_unit_id: e.toUnitId, note: e.note, public_comment: e.publicComment, reason: e.reason, data: e.data,
      }))),
      JSON.stringify(intake.uploads.map((u) => ({
        id: u.id, original_key: u.originalKey, public_key: u.publicKey, content_type: u.contentType, size_bytes: u.sizeBytes,
        width: u.width, height: u.height, exif: u.exif,
      }))),
      JSON.stringify(intake.unitNotifications.map((n) => ({ unit_id: n.unitId, template: n.template, payload: n.payload }))),
      JSON.stringify(intake.citizenMessages.map((m) => ({ channel: m.channel, template: m.template, payload: m.payload, idempotency_key: m.idempotencyKey }))),
      r.triage === undefined ? null : JSON.stringify(r.triage),
      r.confidential === true,
    ],
  });
  return { citizenId: rows[0]!.citizen_id, firstEventId: rows[0]!.first_event_id };
}
