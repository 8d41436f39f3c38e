-- Aspirasi core schema. Plain SQL that runs on PostgreSQL 15 and on PGlite.
-- Names follow the glossary: report, channel, unit, agency, sub-office, coordination,
-- disposition, follow-up (TL), dispute, SLA.

-- Administrative regions (Kemendagri codes, any province): 31 > 31.71 > 31.71.01 > 31.71.01.1001
create table regions (
  code          text primary key,
  name          text not null,
  level         text not null check (level in ('provinsi', 'kabupaten_kota', 'kecamatan', 'desa_kelurahan')),
  parent_code   text references regions(code),
  -- GeoJSON geometry (Polygon / MultiPolygon, [lng, lat]) when a boundary is shipped
  geometry      jsonb,
  centroid_lat  double precision,
  centroid_lon  double precision
);
create index regions_parent_idx on regions (parent_code);
create index regions_level_idx on regions (level);

-- Anything that can hold a report: kelurahan office, kecamatan, kota, agency, sub-office,
-- the triage desk, an external body.
create table units (
  id            text primary key,
  kind          text not null check (kind in ('kelurahan', 'kecamatan', 'kota', 'province', 'agency', 'sub_office', 'triage', 'external')),
  name          text not null,
  short_name    text,
  parent_id     text references units(id),
  -- the region a territorial unit governs, or the kota a sub-office serves
  region_code   text references regions(code),
  -- where escalations go; null = the parent
  supervisor_unit_id text references units(id),
  has_ppsu      boolean not null default false,
  active        boolean not null default true,
  contact       jsonb not null default '{}'::jsonb,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create index units_parent_idx on units (parent_id);
create index units_region_idx on units (region_code);

-- Categories with their owner policy, SLA targets and dispute policy.
create table categories (
  code                 text primary key,
  name_id              text not null,
  name_en              text not null,
  -- {"kind":"agency","agency":"dinas-bina-marga"} | {"kind":"kelurahan"} | {"kind":"external","unit":"pam-jaya"} | {"kind":"triage"}
  owner_policy         jsonb not null,
  sla_first_action_days integer not null check (sla_first_action_days between 0 and 365),
  sla_resolution_days  integer not null check (sla_resolution_days between 1 and 365),
  dispute_policy       text not null default 'reporter_only' check (dispute_policy in ('reporter_only', 'any_citizen', 'none')),
  dispute_window_days  integer not null default 7 check (dispute_window_days between 0 and 365),
  reopen_escalation_threshold integer not null default 2 check (reopen_escalation_threshold between 1 and 100),
  ppsu_allowed         boolean not null default false,
  keywords             text[] not null default '{}',
  sort_order           integer not null default 0,
  active               boolean not null default true,
  updated_at           timestamptz not null default now()
);

-- Working-day calendar: national holidays and joint leave days.
create table holidays (
  date          date primary key,
  name          text not null,
  joint_leave   boolean not null default false
);

-- Deployment settings (ticket prefix, time zone, default language...).
create table settings (
  key           text primary key,
  value         jsonb not null,
  updated_at    timestamptz not null default now()
);

create table citizens (
  id            uuid primary key,
  name          text,
  email         text,
  phone         text,
  language      text not null default 'id' check (language in ('id', 'en')),
  verified      boolean not null default false,
  merged_into   uuid references citizens(id),
  created_at    timestamptz not null default now()
);

-- One citizen, many identities: phone, email, handles, partner-app ids.
create table citizen_identities (
  kind          text not null,
  value         text not null,
  citizen_id    uuid not null references citizens(id),
  created_at    timestamptz not null default now(),
  primary key (kind, value)
);
create index citizen_identities_citizen_idx on citizen_identities (citizen_id);

create table users (
  id            uuid primary key,
  email         text not null unique,
  name          text not null,
  password_hash text not null,
  role          text not null check (role in ('jsc_admin', 'kelurahan_officer', 'ppsu_crew', 'agency_officer', 'validator', 'supervisor', 'executive')),
  unit_id       text references units(id),
  language      text not null default 'id' check (language in ('id', 'en')),
  active        boolean not null default true,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create index users_unit_idx on users (unit_id);

create table sessions (
  token_hash    text primary key,
  user_id       uuid not null references users(id) on delete cascade,
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

-- Failed logins per key (email and client address) for rate limiting across processes.
create table login_attempts (
  key           text primary key,
  window_start  timestamptz not null,
  failures      integer not null
);

-- Tickets: a readable per-day sequence, never reused.
create table ticket_counters (
  day           text primary key,
  last_value    integer not null
);

-- Reports and events name units, categories and regions without foreign keys: those are reference
-- data checked by the application against its cache, never deleted (only deactivated), and a foreign
-- key would take a share lock on the same few hot unit rows in every concurrent write.
create table reports (
  id                   uuid primary key,
  ticket               text not null unique,
  kind                 text not null check (kind in ('pengaduan', 'aspirasi', 'permintaan_informasi')),
  description          text not null,
  category_code        text,
  lat                  double precision,
  lon                  double precision,
  address              text,
  kelurahan_code       text,
  channel              text not null,
  channel_ref          text,
  citizen_id           uuid references citizens(id),
  state                text not null check (state in ('triage', 'waiting', 'coordination', 'disposition', 'in_progress', 'awaiting_validation', 'follow_up_rejected', 'done', 'closed')),
  -- the state before a coordination or disposition, restored when it is refused
  state_before_handover text,
  holding_unit_id      text not null,
  handover_from_unit_id text,
  -- the unit whose follow-up made the report done: a dispute returns it there
  follow_up_unit_id    text,
  follow_up_by         uuid references users(id),
  assignee_user_id     uuid references users(id),
  -- every unit that has held the report (scope for monitoring)
  involved_unit_ids    text[] not null default '{}',
  duplicate_of         uuid references reports(id),
  close_reason         text check (close_reason in ('invalid', 'duplicate', 'outside_jurisdiction', 'no_further_action')),
  responsible_party    text,
  reopen_count         integer not null default 0,
  support_count        integer not null default 0,
  escalation_level     integer not null default 0,
  escalated_to_unit_id text,
  -- flagged by the SLA sweep: late now, and which targets were missed (each is flagged once)
  overdue              boolean not null default false,
  first_action_breached boolean not null default false,
  resolution_breached  boolean not null default false,
  first_action_due_at  timestamptz,
  resolution_due_at    timestamptz,
  first_action_at      timestamptz,
  done_at              timestamptz,
  closed_at            timestamptz,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  version              integer not null default 1
);
-- Few indexes: every one is paid on each new report. The holder is always among involved_unit_ids,
-- so the GIN index serves "held by" and "was held by" scopes alike.
create index reports_kelurahan_idx on reports (kelurahan_code text_pattern_ops);
create index reports_created_idx on reports (created_at desc, id desc);
create index reports_involved_idx on reports using gin (involved_unit_ids);
create index reports_assignee_idx on reports (assignee_user_id) where assignee_user_id is not null;
create index reports_due_idx on reports (resolution_due_at) where state not in ('done', 'closed');
create unique index reports_channel_ref_idx on reports (channel, channel_ref) where channel_ref is not null;

-- Every change and every message: the audit trail and the timeline.
create table report_events (
  id             bigserial primary key,
  report_id      uuid not null references reports(id),
  type           text not null,
  actor_user_id  uuid references users(id),
  actor_role     text,
  actor_citizen_id uuid references citizens(id),
  unit_id        text,
  from_state     text,
  to_state       text,
  from_unit_id   text,
  to_unit_id     text,
  note           text,
  public_comment text,
  reason         text,
  data           jsonb not null default '{}'::jsonb,
  created_at     timestamptz not null default now()
);
create index report_events_report_idx on report_events (report_id, id);

create table report_supports (
  report_id      uuid not null references reports(id),
  supporter_key  text not null,
  created_at     timestamptz not null default now(),
  primary key (report_id, supporter_key)
);

-- Uploaded photos: the original stays private, the public copy has no EXIF.
create table uploads (
  id             uuid primary key,
  original_key   text not null,
  public_key     text not null,
  content_type   text not null,
  size_bytes     integer not null,
  width          integer,
  height         integer,
  exif           jsonb,
  uploaded_by_user_id uuid references users(id),
  report_id      uuid references reports(id),
  event_id       bigint references report_events(id),
  created_at     timestamptz not null default now()
);
create index uploads_report_idx on uploads (report_id);

-- Transactional outbox: messages leaving the system (to citizens, on their channel), written in the
-- same transaction as the state change and delivered after commit by the worker's relay.
create table outbox (
  id              bigserial primary key,
  report_id       uuid references reports(id),
  event_id        bigint references report_events(id),
  kind            text not null check (kind in ('citizen_message')),
  channel         text not null,
  recipient       jsonb not null,
  template        text not null,
  payload         jsonb not null default '{}'::jsonb,
  idempotency_key text not null unique,
  status          text not null default 'pending' check (status in ('pending', 'sent', 'skipped', 'dead')),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  created_at      timestamptz not null default now(),
  delivered_at    timestamptz
);
-- The relay's work list: pending rows due now, oldest first.
create index outbox_pending_idx on outbox (next_attempt_at, id) where status = 'pending';

-- Notifications to units: the officer workspace's inbox, written in the same transaction as the change.
create table unit_notifications (
  id              bigserial primary key,
  unit_id         text not null,
  report_id       uuid references reports(id),
  event_id        bigint references report_events(id),
  template        text not null,
  payload         jsonb not null default '{}'::jsonb,
  read_at         timestamptz,
  created_at      timestamptz not null default now()
);
create index unit_notifications_unit_idx on unit_notifications (unit_id, id desc);
