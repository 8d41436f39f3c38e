-- Media that came with a channel message (an MMS, a WhatsApp image, an e-mail attachment, a Qlue
-- photo), queued in the same transaction as the report or thread entry the message made, and
-- fetched later by the worker: an image becomes one of the report's photos (an upload), anything
-- else is refused with the reason. The message's event keeps the url, so nothing is lost.
create table inbound_media (
  id              bigserial primary key,
  report_id       uuid not null references reports(id),
  -- the event of the message that carried it (created or message_in)
  event_id        bigint not null references report_events(id),
  channel         text not null,
  -- where the channel serves it (an http(s) url, or `graph-media:<id>` for WhatsApp) ...
  url             text,
  -- ... or the bytes, when the payload carried them (e-mail); cleared once stored as an upload
  data            bytea,
  -- what the channel declared (the bytes decide)
  content_type    text,
  filename        text,
  status          text not null default 'pending' check (status in ('pending', 'fetched', 'failed', 'refused')),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  upload_id       uuid references uploads(id),
  last_error      text,
  created_at      timestamptz not null default now(),
  done_at         timestamptz,
  check (url is not null or data is not null or status = 'fetched'),
  check ((status = 'fetched') = (upload_id is not null))
);
-- The fetcher's work list: pending rows due now, oldest first.
create index inbound_media_pending_idx on inbound_media (next_attempt_at, id) where status = 'pending';
create index inbound_media_report_idx on inbound_media (report_id);
