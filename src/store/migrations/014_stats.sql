-- Monitoring aggregates (issue 6): kept fresh by triggers in the same transaction as every report
-- change, so no code path can miss them; stats_rebuild() recomputes them from reports + report_events.
--
-- stats_current   how many reports are in each state now, by place, holder, category, channel, red
--                 reason, overdue flag and (open reports only) Jakarta creation day for ageing
-- stats_daily     flows per Jakarta day (created, first action, done, closed, reopened, TL rejected,
--                 SLA breached), by place, acting unit, category, channel (from report_events)
-- stats_held      closed custody segments per (unit, day the segment ended, whole working days held):
--                 working time each unit held a report, as custodySegmentsFromEvents counts it
-- stats_custody   each report's current custody segment (open segments are summed at query time)
-- Plain PL/pgSQL: runs on PostgreSQL 15 and PGlite. Days are Asia/Jakarta (fixed UTC+7).
--
-- The aggregate tables are append-only between compactions: a trigger only INSERTs a delta row (+1 / -1)
-- and readers sum them. Upserting shared counter rows instead deadlocks two transitions that move reports
-- between the same two keys in opposite directions, and serialises every writer on hot rows.
-- stats_compact() folds the deltas into one row per key (readers call it every few seconds).

-- Which kind of red (projection.ts redReason): a reopen (reopen_count went up) keeps a waiting report
-- "reopened" until it leaves the red states, also across a refused coordination.
alter table reports add column reopen_red boolean not null default false;
alter table reports add column red_reason text;

create function stats_set_red_reason() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    new.reopen_red := new.state in ('triage', 'waiting', 'coordination', 'disposition') and new.reopen_count > 0;
  elsif new.state not in ('triage', 'waiting', 'coordination', 'disposition') then
    new.reopen_red := false;
  elsif new.reopen_count > old.reopen_count then
    new.reopen_red := true;
  end if;
  -- otherwise reopen_red keeps its value (the old one, or one stats_rebuild() sets from the events)
  new.red_reason := case new.state
    when 'triage' then 'triage'
    when 'coordination' then 'coordination'
    when 'disposition' then 'disposition'
    when 'waiting' then case when new.reopen_red then 'reopened' else 'waiting' end
    else null end;
  return new;
end $$;

create trigger reports_red_reason before insert or update on reports
  for each row execute function stats_set_red_reason();

create index reports_red_reason_idx on reports (red_reason, created_at desc) where red_reason is not null;

create function stats_jakarta_day(t timestamptz) returns date language sql immutable as $$
  select ((t at time zone 'UTC') + interval '7 hours')::date
$$;

-- Working days: not Saturday/Sunday, not in holidays (sla-clock.ts: whole local days count).
create function stats_is_working(d date) returns boolean language sql stable as $$
  select extract(isodow from d) < 6 and not exists (select 1 from holidays h where h.date = d)
$$;

-- Working milliseconds in [a, b) (sla-clock.ts workingMillisBetween), without walking every day.
create function stats_working_ms(a timestamptz, b timestamptz) returns bigint language plpgsql stable as $$
declare
  la timestamp;
  lb timestamp;
  da date;
  db date;
  n integer;
  weekdays integer;
  total numeric := 0;
begin
  if a is null or b is null or b <= a then return 0; end if;
  la := (a at time zone 'UTC') + interval '7 hours';
  lb := (b at time zone 'UTC') + interval '7 hours';
  da := la::date;
  db := lb::date;
  if da = db then
    if stats_is_working(da) then return round(extract(epoch from lb - la) * 1000); end if;
    return 0;
  end if;
  if stats_is_working(da) then total := total + extract(epoch from (da + 1)::timestamp - la) * 1000; end if;
  if stats_is_working(db) then total := total + extract(epoch from lb - db::timestamp) * 1000; end if;
  -- whole days da+1 .. db-1
  n := db - da - 1;
  if n > 0 then
    weekdays := (n / 7) * 5;
    select weekdays + count(*) into weekdays
      from generate_series(0, n % 7 - 1) g where extract(isodow from (da + 1 + (n / 7) * 7 + g)) < 6;
    select weekdays - count(*) into weekdays
      from holidays h where h.date > da and h.date < db and extract(isodow from h.date) < 6;
    total := total + weekdays::numeric * 86400000;
  end if;
  return round(total);
end $$;

create table stats_current (
  kelurahan_code  text not null,
  holding_unit_id text not null,
  category_code   text not null,
  channel         text not null,
  state           text not null,
  red_reason      text not null,
  overdue         boolean not null,
  -- Jakarta creation day of open reports; '-infinity' for done and closed ones
  created_day     date not null,
  n               integer not null
);

create table stats_daily (
  day             date not null,
  kelurahan_code  text not null,
  unit_id         text not null,
  category_code   text not null,
  channel         text not null,
  created         integer not null default 0,
  first_action    integer not null default 0,
  first_action_on_time integer not null default 0,
  follow_up_submitted integer not null default 0,
  done            integer not null default 0,
  closed          integer not null default 0,
  resolved_on_time integer not null default 0,
  reopened        integer not null default 0,
  follow_up_rejected integer not null default 0,
  sla_breached    integer not null default 0
);
create index stats_daily_day_idx on stats_daily (day);
create index stats_daily_unit_idx on stats_daily (unit_id, day);

create table stats_held (
  unit_id         text not null,
  day             date not null,
  -- whole working days held in the segment, capped at 60
  bucket          smallint not null,
  segments        integer not null,
  held_ms         bigint not null
);
create index stats_held_unit_idx on stats_held (unit_id, day);

create table stats_custody (
  report_id       uuid primary key,
  unit_id         text,
  last_unit_id    text,
  since           timestamptz not null
);
create index stats_custody_unit_idx on stats_custody (unit_id) where unit_id is not null;

-- One report row in or out of stats_current.
create function stats_current_add(r reports, delta integer) returns void language plpgsql as $$
begin
  insert into stats_current values (
    coalesce(r.kelurahan_code, ''), r.holding_unit_id, coalesce(r.category_code, ''), r.channel, r.state,
    coalesce(r.red_reason, ''), r.overdue,
    case when r.state in ('done', 'closed') then '-infinity'::date else stats_jakarta_day(r.created_at) end, delta);
end $$;

create function stats_reports_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if old.kelurahan_code is not distinct from new.kelurahan_code and old.holding_unit_id = new.holding_unit_id
       and old.category_code is not distinct from new.category_code and old.channel = new.channel and old.state = new.state
       and old.red_reason is not distinct from new.red_reason and old.overdue = new.overdue and old.created_at = new.created_at then
      return null;
    end if;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then perform stats_current_add(old, -1); end if;
  if tg_op in ('UPDATE', 'INSERT') then perform stats_current_add(new, 1); end if;
  return null;
end $$;

create trigger reports_stats after insert or update or delete on reports
  for each row execute function stats_reports_changed();

-- Adds working time held to stats_held.
create function stats_held_add(unit text, ended timestamptz, ms bigint) returns void language plpgsql as $$
begin
  insert into stats_held values (unit, stats_jakarta_day(ended), least(ms / 86400000, 60)::smallint, 1, ms);
end $$;

-- One event into stats_daily and the custody tables (the same rules as custodySegmentsFromEvents).
create function stats_apply_event(e report_events) returns void language plpgsql as $$
declare
  r reports;
  d record;
  unit text;
  is_first boolean := false;
begin
  select * into r from reports where id = e.report_id;
  if not found then return; end if;
  unit := coalesce(e.unit_id, e.from_unit_id, r.holding_unit_id);

  if e.type in ('taken_up', 'coordinated', 'disposed', 'closed', 'follow_up_submitted', 'coordination_accepted') then
    is_first := not exists (
      select 1 from report_events p where p.report_id = e.report_id and p.id < e.id
        and p.type in ('taken_up', 'coordinated', 'disposed', 'closed', 'follow_up_submitted', 'coordination_accepted'));
  end if;

  select
    (e.type = 'created')::int as created,
    is_first::int as first_action,
    (is_first and (r.first_action_due_at is null or e.created_at <= r.first_action_due_at))::int as first_on_time,
    (e.type = 'follow_up_submitted')::int as submitted,
    (coalesce(e.to_state, '') = 'done')::int as done,
    (coalesce(e.to_state, '') = 'closed')::int as closed,
    (coalesce(e.to_state, '') in ('done', 'closed') and (r.resolution_due_at is null or e.created_at <= r.resolution_due_at))::int as on_time,
    (e.type in ('reopened', 'disputed') and e.to_state is not null)::int as reopened,
    (e.type = 'follow_up_rejected')::int as rejected,
    (e.type = 'sla_breached')::int as breached
  into d;
  if d.created + d.first_action + d.submitted + d.done + d.closed + d.reopened + d.rejected + d.breached > 0 then
    insert into stats_daily values (
      stats_jakarta_day(e.created_at), coalesce(r.kelurahan_code, ''), unit, coalesce(r.category_code, ''), r.channel,
      d.created, d.first_action, d.first_on_time, d.submitted, d.done, d.closed, d.on_time, d.reopened, d.rejected, d.breached);
  end if;

  perform stats_apply_custody(e);
end $$;

-- Custody changes of one event (sla-clock.ts custodySegmentsFromEvents): closes the current segment
-- into stats_held when the holder changes or the clock stops.
create function stats_apply_custody(e report_events) returns void language plpgsql as $$
declare
  c stats_custody;
  named text;
  target text;
begin
  if e.type in ('assigned', 'escalated', 'sla_breached', 'supported', 'message_in', 'message_out', 'officer_reply') then
    return;
  end if;
  select * into c from stats_custody where report_id = e.report_id;
  if e.to_state in ('done', 'closed') or e.type = 'closed' then
    if found and c.unit_id is not null then
      perform stats_held_add(c.unit_id, e.created_at, stats_working_ms(c.since, e.created_at));
      update stats_custody set unit_id = null, since = e.created_at where report_id = e.report_id;
    end if;
    return;
  end if;
  if found and c.unit_id is null and e.to_state is null then return; end if;
  named := coalesce(e.to_unit_id, case when e.type in ('created', 'routed') then e.unit_id end);
  if named is not null then
    target := named;
  elsif found and c.unit_id is null and c.last_unit_id is not null then
    target := c.last_unit_id;
  else
    return;
  end if;
  if not found then
    insert into stats_custody values (e.report_id, target, target, e.created_at);
  elsif c.unit_id is distinct from target then
    if c.unit_id is not null then
      perform stats_held_add(c.unit_id, e.created_at, stats_working_ms(c.since, e.created_at));
    end if;
    update stats_custody set unit_id = target, last_unit_id = target, since = e.created_at where report_id = e.report_id;
  end if;
end $$;

create function stats_event_added() returns trigger language plpgsql as $$
begin
  perform stats_apply_event(new);
  return null;
end $$;

create trigger report_events_stats after insert on report_events
  for each row execute function stats_event_added();

-- Recomputes every aggregate from reports and report_events (after a bulk load, or to check the
-- incremental ones). Custody is replayed event by event in insert order, as the trigger saw it; red_reason
-- is recomputed from the events (for reports loaded in bulk without their history in reopen_red).
create function stats_rebuild() returns void language plpgsql as $$
declare
  e report_events;
begin
  -- Which red reports are red because of a reopen (a reopen with no move out of red after it).
  update reports r set reopen_red = x.v
  from (
    select r2.id, (r2.state in ('triage', 'waiting', 'coordination', 'disposition') and r2.reopen_count > 0 and exists (
      select 1 from report_events o where o.report_id = r2.id and o.type in ('reopened', 'disputed') and o.to_state is not null
        and not exists (select 1 from report_events l where l.report_id = r2.id and l.id > o.id and l.to_state is not null
          and l.to_state not in ('triage', 'waiting', 'coordination', 'disposition')))) as v
    from reports r2 where r2.reopen_count > 0 or r2.reopen_red
  ) x
  where r.id = x.id and r.reopen_red is distinct from x.v;
  delete from stats_current;
  delete from stats_daily;
  delete from stats_held;
  delete from stats_custody;
  insert into stats_daily
    select stats_jakarta_day(e2.created_at), coalesce(r.kelurahan_code, ''), coalesce(e2.unit_id, e2.from_unit_id, r.holding_unit_id),
      coalesce(r.category_code, ''), r.channel,
      count(*) filter (where e2.type = 'created'),
      count(*) filter (where e2.is_first),
      count(*) filter (where e2.is_first and (r.first_action_due_at is null or e2.created_at <= r.first_action_due_at)),
      count(*) filter (where e2.type = 'follow_up_submitted'),
      count(*) filter (where e2.to_state = 'done'),
      count(*) filter (where e2.to_state = 'closed'),
      count(*) filter (where e2.to_state in ('done', 'closed') and (r.resolution_due_at is null or e2.created_at <= r.resolution_due_at)),
      count(*) filter (where e2.type in ('reopened', 'disputed') and e2.to_state is not null),
      count(*) filter (where e2.type = 'follow_up_rejected'),
      count(*) filter (where e2.type = 'sla_breached')
    from (
      select ev.*, ev.type in ('taken_up', 'coordinated', 'disposed', 'closed', 'follow_up_submitted', 'coordination_accepted')
        and row_number() over (partition by ev.report_id,
          ev.type in ('taken_up', 'coordinated', 'disposed', 'closed', 'follow_up_submitted', 'coordination_accepted') order by ev.id) = 1 as is_first
      from report_events ev
      where ev.type in ('created', 'taken_up', 'coordinated', 'disposed', 'closed', 'follow_up_submitted', 'coordination_accepted',
        'reopened', 'disputed', 'follow_up_rejected', 'sla_breached') or ev.to_state in ('done', 'closed')
    ) e2 join reports r on r.id = e2.report_id
    group by 1, 2, 3, 4, 5
    -- the trigger writes a row only for an event that counts somewhere
    having count(*) filter (where e2.type in ('created', 'follow_up_submitted', 'follow_up_rejected', 'sla_breached') or e2.is_first
      or e2.to_state in ('done', 'closed') or (e2.type in ('reopened', 'disputed') and e2.to_state is not null)) > 0;
  insert into stats_current
    select coalesce(kelurahan_code, ''), holding_unit_id, coalesce(category_code, ''), channel, state, coalesce(red_reason, ''), overdue,
      case when state in ('done', 'closed') then '-infinity'::date else stats_jakarta_day(created_at) end, count(*)
    from reports group by 1, 2, 3, 4, 5, 6, 7, 8;
  for e in select * from report_events
      where type not in ('assigned', 'escalated', 'sla_breached', 'supported', 'message_in', 'message_out', 'officer_reply')
      order by id loop
    perform stats_apply_custody(e);
  end loop;
  perform stats_compact();
end $$;

-- Folds the delta rows into one row per key. Rows of transactions still in flight are invisible here and
-- stay as they are (readers sum anyway). One compaction at a time; returns false when another one runs.
create function stats_compact() returns boolean language plpgsql as $$
begin
  if not pg_try_advisory_xact_lock(1406201406) then return false; end if;
  with d as (delete from stats_current returning *)
  insert into stats_current
    select kelurahan_code, holding_unit_id, category_code, channel, state, red_reason, overdue, created_day, sum(n)
    from d group by 1, 2, 3, 4, 5, 6, 7, 8 having sum(n) <> 0;
  with d as (delete from stats_daily returning *)
  insert into stats_daily
    select day, kelurahan_code, unit_id, category_code, channel, sum(created), sum(first_action), sum(first_action_on_time),
      sum(follow_up_submitted), sum(done), sum(closed), sum(resolved_on_time), sum(reopened), sum(follow_up_rejected), sum(sla_breached)
    from d group by 1, 2, 3, 4, 5;
  with d as (delete from stats_held returning *)
  insert into stats_held select unit_id, day, bucket, sum(segments), sum(held_ms) from d group by 1, 2, 3;
  return true;
end $$;
