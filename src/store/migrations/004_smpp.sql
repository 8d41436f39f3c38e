-- SMPP inbound (src/channels/smpp): every deliver_sm received is kept here for a while, one row
-- per part (a single SMS is part 1 of 1). The parts of a concatenated SMS wait here until all are
-- in; then the whole message becomes one inbound payload, in the same transaction that stored
-- the last part. A part that repeats one already received (the SMSC redelivers when our answer
-- was lost) is acknowledged without being stored again. Rows of handed-on messages are deleted
-- after the duplicate window.
create table smpp_parts (
  -- sender>recipient#reference (concatenated) or sender>recipient#content hash (single)
  set_key       text not null,
  part_no       integer not null check (part_no >= 1),
  total         integer not null check (total >= 1 and part_no <= total),
  content_hash  text not null,
  -- the deliver_sm as stored by the session (src/channels/smpp/deliver-payload.ts)
  part          jsonb not null,
  received_at   timestamptz not null default now(),
  -- when the message this part belongs to was handed on as an inbound payload
  assembled_at  timestamptz,
  primary key (set_key, part_no)
);
create index smpp_parts_waiting_idx on smpp_parts (received_at) where assembled_at is null;
create index smpp_parts_assembled_idx on smpp_parts (assembled_at) where assembled_at is not null;
