-- Inbound channel traffic. A webhook's raw payload is stored before it is acknowledged; a job
-- parses it later. Each message in it is recorded once per (channel, external id), so a
-- redelivered webhook never creates a second report.

create table inbound_payloads (
  id            bigserial primary key,
  channel       text not null,
  -- sha256 of the raw bytes: the same delivery twice is stored once
  payload_hash  text not null,
  body          bytea not null,
  content_type  text not null,
  headers       jsonb not null default '{}'::jsonb,
  received_at   timestamptz not null default now(),
  status        text not null default 'pending' check (status in ('pending', 'processed', 'malformed')),
  attempts      integer not null default 0,
  error         text,
  processed_at  timestamptz,
  unique (channel, payload_hash)
);
create index inbound_payloads_pending_idx on inbound_payloads (id) where status = 'pending';

create table inbound_messages (
  id            bigserial primary key,
  channel       text not null,
  external_id   text not null,
  payload_id    bigint not null references inbound_payloads(id),
  kind          text not null,
  sender_kind   text not null,
  sender_value  text not null,
  citizen_id    uuid references citizens(id),
  report_id     uuid references reports(id),
  -- report_created, thread_appended, status_answered, ignored
  outcome       text not null,
  created_at    timestamptz not null default now(),
  unique (channel, external_id)
);
create index inbound_messages_report_idx on inbound_messages (report_id) where report_id is not null;
create index inbound_messages_sender_idx on inbound_messages (channel, sender_value, created_at desc);
