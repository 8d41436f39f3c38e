-- Channels that pull (IMAP, LAPOR!, Twitter mentions, SMPP receipts) keep where they are in a
-- cursor, advanced in the same transaction that stores what was fetched, so a restart resumes.
create table channel_cursors (
  name        text primary key,
  value       jsonb not null,
  updated_at  timestamptz not null default now()
);

-- Partners that show a report's status in their own system (Qlue, LAPOR!) get a status update
-- from the outbox, like a citizen message: after commit, with retry, once per event.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('citizen_message', 'partner_status'));

-- Deadlines a partner system sets on a report (LAPOR!: verify in 3 working days, answer in 5),
-- carried next to our own SLA: [{"name": "lapor_verify", "due": "<ISO>"}, ...].
alter table reports add column partner_deadlines jsonb not null default '[]'::jsonb;
