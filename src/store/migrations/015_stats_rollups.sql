-- Monitoring aggregates, second shape (issue 6: every dashboard query under 300 ms on 1,000,000 reports).
--
-- Measured with 014's shape on 1M demo reports: 2-4 s per dashboard request. Three causes, three changes:
--   1. Readers summed one wide table (every dimension, plus each open report's creation day) and the minute's
--      compaction rewrote all of it. Now the triggers append to small delta LOGS (stats_log_*), and
--      stats_compact() folds only the new log rows into keyed tables with an upsert.
--   2. One grain for every question. Now each measure is kept at a few grains and a reader picks the smallest
--      table that has the dimensions its filters and groupings need (src/store/stats.store.ts):
--        stats_now / stats_flow               every dimension (place, unit, category, channel)
--        stats_now_place / stats_flow_place   place and unit only (area and unit screens, scoped callers)
--        stats_now_kind / stats_flow_kind     category and channel only (the city-wide view)
--        stats_open_age                       open reports by creation day (ageing)
--      Readers add the log rows not folded yet, so a figure is exact right after a change.
--   3. Working time of open custody was a PL/pgSQL call per open report. It is now a join with a working-day
--      calendar (stats_calendar), and stats_rebuild() is set-based (window functions) instead of replaying
--      every event, so it runs in minutes on a million reports, not hours.
-- The report-level columns (red_reason, reopen_red), stats_custody, stats_apply_custody() and stats_working_ms()
-- stay as 014 made them.
-- Plain SQL and PL/pgSQL of PostgreSQL 15 (runs on PGlite too).

drop trigger reports_stats on reports;
drop trigger report_events_stats on report_events;
drop function stats_rebuild();
drop function stats_compact();
drop function stats_event_added();
drop function stats_apply_event(report_events);
drop function stats_reports_changed();
drop function stats_current_add(reports, integer);
drop table stats_current;
drop table stats_daily;
drop table stats_held;

-- ---------------------------------------------------------------------------------------------------------
-- Delta logs: triggers only append here (+1 / -1 rows; no shared row is updated, so no writer waits on
-- another and opposite transitions cannot deadlock). stats_compact() empties them.

create table stats_log_current (
  kelurahan_code  text not null,
  holding_unit_id text not null,
  category_code   text not null,
  channel         text not null,
  state           text not null,
  red_reason      text not null,
  overdue         boolean not null,
  -- Jakarta creation day of an open report; null once it is done or closed
  created_day     date,
  n               integer not null
);

create table stats_log_flow (
  day             date not null,
  kelurahan_code  text not null,
  unit_id         text not null,
  category_code   text not null,
  channel         text not null,
  created         integer not null,
  first_action    integer not null,
  first_action_on_time integer not null,
  follow_up_submitted integer not null,
  done            integer not null,
  closed          integer not null,
  resolved_on_time integer not null,
  reopened        integer not null,
  follow_up_rejected integer not null,
  sla_breached    integer not null
);

create table stats_log_held (
  unit_id         text not null,
  day             date not null,
  bucket          smallint not null,
  segments        integer not null,
  held_ms         bigint not null
);

-- ---------------------------------------------------------------------------------------------------------
-- Folded tables: one row per key.

-- Reports now, by every dimension; n = reports, overdue = of which overdue.
create table stats_now (
  kelurahan_code  text not null,
  holding_unit_id text not null,
  category_code   text not null,
  channel         text not null,
  state           text not null,
  red_reason      text not null,
  n               bigint not null,
  overdue         bigint not null,
  primary key (kelurahan_code, holding_unit_id, category_code, channel, state, red_reason)
);
create index stats_now_unit_idx on stats_now (holding_unit_id);
create index stats_now_zero_idx on stats_now (kelurahan_code) where n = 0 and overdue = 0;

create table stats_now_place (
  kelurahan_code  text not null,
  holding_unit_id text not null,
  state           text not null,
  red_reason      text not null,
  n               bigint not null,
  overdue         bigint not null,
  primary key (kelurahan_code, holding_unit_id, state, red_reason)
);

create table stats_now_kind (
  category_code   text not null,
  channel         text not null,
  state           text not null,
  red_reason      text not null,
  n               bigint not null,
  overdue         bigint not null,
  primary key (category_code, channel, state, red_reason)
);

-- Open reports by Jakarta creation day (ageing buckets move with today, so the day is kept).
create table stats_open_age (
  kelurahan_code  text not null,
  holding_unit_id text not null,
  category_code   text not null,
  channel         text not null,
  created_day     date not null,
  n               bigint not null,
  primary key (kelurahan_code, holding_unit_id, category_code, channel, created_day)
);
create index stats_open_age_zero_idx on stats_open_age (created_day) where n = 0;

-- Flows per Jakarta day (created, first action, done, closed, reopened, follow-up rejected, SLA breached).
create table stats_flow (
  day             date not null,
  kelurahan_code  text not null,
  unit_id         text not null,
  category_code   text not null,
  channel         text not null,
  created         bigint not null,
  first_action    bigint not null,
  first_action_on_time bigint not null,
  follow_up_submitted bigint not null,
  done            bigint not null,
  closed          bigint not null,
  resolved_on_time bigint not null,
  reopened        bigint not null,
  follow_up_rejected bigint not null,
  sla_breached    bigint not null,
  primary key (day, kelurahan_code, unit_id, category_code, channel)
);
-- Area filters are prefix ranges of region codes: `collate "C"` orders bytes, so '31.71.' .. '31.71/' is every
-- code under 31.71 whatever the database's collation (readers write the same range).
create index stats_flow_kelurahan_idx on stats_flow (kelurahan_code collate "C", day);
create index stats_flow_unit_idx on stats_flow (unit_id, day);
create index stats_flow_category_idx on stats_flow (category_code, day);

create table stats_flow_place (like stats_flow);
alter table stats_flow_place drop column category_code, drop column channel;
alter table stats_flow_place add primary key (day, kelurahan_code, unit_id);
create index stats_flow_place_kelurahan_idx on stats_flow_place (kelurahan_code collate "C", day);
create index stats_flow_place_unit_idx on stats_flow_place (unit_id, day);

create table stats_flow_kind (like stats_flow);
alter table stats_flow_kind drop column kelurahan_code, drop column unit_id;
alter table stats_flow_kind add primary key (day, category_code, channel);

-- Closed custody segments per (day the segment ended, unit, whole working days held capped at 60).
create table stats_held (
  day             date not null,
  unit_id         text not null,
  bucket          smallint not null,
  segments        bigint not null,
  held_ms         bigint not null,
  primary key (day, unit_id, bucket)
);
create index stats_held_unit_idx on stats_held (unit_id, day);

-- ---------------------------------------------------------------------------------------------------------
-- Working-day calendar for set-based working time: for each Jakarta day from `first` to `last`, whether it is
-- a working day and the working milliseconds from `first` 00:00 to that day's 00:00. The working time between
-- two instants is then before_ms(b) + part(b) - before_ms(a) - part(a), which is what stats_working_ms() counts.
create function stats_calendar(first date, last date) returns table (day date, working boolean, before_ms bigint)
language sql stable rows 500 as $$
  select c.d, c.w, (coalesce(sum(c.w::int) over (order by c.d rows between unbounded preceding and 1 preceding), 0) * 86400000)::bigint
  from (
    select g::date as d, extract(isodow from g) < 6 and h.date is null as w
    from generate_series(first::timestamp, last::timestamp, interval '1 day') g
    left join holidays h on h.date = g::date
  ) c
$$;

-- Milliseconds since Jakarta midnight of an instant (not rounded: a difference of two is rounded once, as
-- stats_working_ms() rounds its total).
create function stats_ms_into_day(t timestamptz) returns numeric language sql immutable as $$
  select extract(epoch from ((t at time zone 'UTC') + interval '7 hours') - ((t at time zone 'UTC') + interval '7 hours')::date::timestamp) * 1000
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Triggers

create function stats_reports_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if old.kelurahan_code is not distinct from new.kelurahan_code and old.holding_unit_id = new.holding_unit_id
       and old.category_code is not distinct from new.category_code and old.channel = new.channel and old.state = new.state
       and old.red_reason is not distinct from new.red_reason and old.overdue = new.overdue and old.created_at = new.created_at then
      return null;
    end if;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    insert into stats_log_current values (coalesce(old.kelurahan_code, ''), old.holding_unit_id, coalesce(old.category_code, ''), old.channel,
      old.state, coalesce(old.red_reason, ''), old.overdue,
      case when old.state in ('done', 'closed') then null else stats_jakarta_day(old.created_at) end, -1);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    insert into stats_log_current values (coalesce(new.kelurahan_code, ''), new.holding_unit_id, coalesce(new.category_code, ''), new.channel,
      new.state, coalesce(new.red_reason, ''), new.overdue,
      case when new.state in ('done', 'closed') then null else stats_jakarta_day(new.created_at) end, 1);
  end if;
  return null;
end $$;

create trigger reports_stats after insert or update or delete on reports
  for each row execute function stats_reports_changed();

-- 014's stats_apply_custody() stays as it is; the closed segments it hands here now go to the held log.
create or replace function stats_held_add(unit text, ended timestamptz, ms bigint) returns void language plpgsql as $$
begin
  insert into stats_log_held values (unit, stats_jakarta_day(ended), least(ms / 86400000, 60)::smallint, 1, ms);
end $$;

-- One event into the flow log and the custody tables.
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
    insert into stats_log_flow values (
      stats_jakarta_day(e.created_at), coalesce(r.kelurahan_code, ''), unit, coalesce(r.category_code, ''), r.channel,
      d.created, d.first_action, d.first_on_time, d.submitted, d.done, d.closed, d.on_time, d.reopened, d.rejected, d.breached);
  end if;

  perform stats_apply_custody(e);
end $$;

create function stats_event_added() returns trigger language plpgsql as $$
begin
  perform stats_apply_event(new);
  return null;
end $$;

create trigger report_events_stats after insert on report_events
  for each row execute function stats_event_added();

-- ---------------------------------------------------------------------------------------------------------
-- Adds the flows of `source` (any table with every dimension and the ten measures) into a flow table, grouped by
-- that table's key, in day order: the fold and the rebuild fill the three grains with it, so the measures are
-- listed once. `keys` is the target's primary key (trusted text from this file).
create function stats_add_flows(source text, target text, keys text) returns void language plpgsql as $$
declare
  measures text[] := array['created', 'first_action', 'first_action_on_time', 'follow_up_submitted', 'done', 'closed',
    'resolved_on_time', 'reopened', 'follow_up_rejected', 'sla_breached'];
begin
  execute format('insert into %I select %s, %s from %I group by %s order by %s on conflict (%s) do update set %s',
    target, keys, (select string_agg(format('sum(%I)', m), ', ') from unnest(measures) m),
    source, keys, keys, keys,
    (select string_agg(format('%I = %I.%I + excluded.%I', m, target, m, m), ', ') from unnest(measures) m));
end $$;

-- ---------------------------------------------------------------------------------------------------------
-- Folding the logs. Log rows of transactions still in flight are invisible here and stay for the next fold;
-- readers add whatever is left in the logs. One fold at a time; returns false when another one runs.

create function stats_compact() returns boolean language plpgsql as $$
begin
  if not pg_try_advisory_xact_lock(1406201406) then return false; end if;

  with d as (delete from stats_log_current returning *),
  g as (
    select kelurahan_code, holding_unit_id, category_code, channel, state, red_reason, created_day,
      sum(n) as n, coalesce(sum(n) filter (where overdue), 0) as overdue
    from d group by 1, 2, 3, 4, 5, 6, 7
  ),
  now_all as (
    insert into stats_now
      select kelurahan_code, holding_unit_id, category_code, channel, state, red_reason, sum(n), sum(overdue) from g group by 1, 2, 3, 4, 5, 6
    on conflict (kelurahan_code, holding_unit_id, category_code, channel, state, red_reason)
      do update set n = stats_now.n + excluded.n, overdue = stats_now.overdue + excluded.overdue
  ),
  now_place as (
    insert into stats_now_place
      select kelurahan_code, holding_unit_id, state, red_reason, sum(n), sum(overdue) from g group by 1, 2, 3, 4
    on conflict (kelurahan_code, holding_unit_id, state, red_reason)
      do update set n = stats_now_place.n + excluded.n, overdue = stats_now_place.overdue + excluded.overdue
  ),
  now_kind as (
    insert into stats_now_kind
      select category_code, channel, state, red_reason, sum(n), sum(overdue) from g group by 1, 2, 3, 4
    on conflict (category_code, channel, state, red_reason)
      do update set n = stats_now_kind.n + excluded.n, overdue = stats_now_kind.overdue + excluded.overdue
  )
  insert into stats_open_age
    select kelurahan_code, holding_unit_id, category_code, channel, created_day, sum(n) from g where created_day is not null group by 1, 2, 3, 4, 5
  on conflict (kelurahan_code, holding_unit_id, category_code, channel, created_day)
    do update set n = stats_open_age.n + excluded.n;
  -- keys nothing is in any more (a report moved on): a partial index finds them
  delete from stats_open_age where n = 0;
  delete from stats_now where n = 0 and overdue = 0;

  create temp table if not exists stats_fold_flow (like stats_log_flow) on commit drop;
  with d as (delete from stats_log_flow returning *)
  insert into stats_fold_flow select * from d;
  perform stats_add_flows('stats_fold_flow', 'stats_flow', 'day, kelurahan_code, unit_id, category_code, channel');
  perform stats_add_flows('stats_fold_flow', 'stats_flow_place', 'day, kelurahan_code, unit_id');
  perform stats_add_flows('stats_fold_flow', 'stats_flow_kind', 'day, category_code, channel');
  truncate stats_fold_flow;

  with d as (delete from stats_log_held returning *)
  insert into stats_held select day, unit_id, bucket, sum(segments), sum(held_ms) from d group by 1, 2, 3
  on conflict (day, unit_id, bucket) do update set segments = stats_held.segments + excluded.segments, held_ms = stats_held.held_ms + excluded.held_ms;
  return true;
end $$;

-- ---------------------------------------------------------------------------------------------------------
-- Recomputes every aggregate from reports and report_events, set-based (after a bulk load, after this
-- migration, or to check the incremental ones). Takes the fold's lock, so no fold runs meanwhile.

create function stats_rebuild() returns void language plpgsql as $$
declare
  first_day date;
  last_day date;
begin
  perform pg_advisory_xact_lock(1406201406);

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

  -- truncate, not delete: no dead rows left behind for the readers' index scans to skip
  truncate stats_log_current, stats_log_flow, stats_log_held, stats_now, stats_now_place, stats_now_kind, stats_open_age,
    stats_flow, stats_flow_place, stats_flow_kind, stats_held, stats_custody;

  -- Reports now.
  insert into stats_now
    select coalesce(kelurahan_code, ''), holding_unit_id, coalesce(category_code, ''), channel, state, coalesce(red_reason, ''),
      count(*), count(*) filter (where overdue)
    from reports group by 1, 2, 3, 4, 5, 6;
  insert into stats_now_place select kelurahan_code, holding_unit_id, state, red_reason, sum(n), sum(overdue) from stats_now group by 1, 2, 3, 4;
  insert into stats_now_kind select category_code, channel, state, red_reason, sum(n), sum(overdue) from stats_now group by 1, 2, 3, 4;
  insert into stats_open_age
    select coalesce(kelurahan_code, ''), holding_unit_id, coalesce(category_code, ''), channel, stats_jakarta_day(created_at), count(*)
    from reports where state not in ('done', 'closed') group by 1, 2, 3, 4, 5;

  -- Flows, as stats_apply_event counts them (the report's place, category and channel as they are now).
  insert into stats_flow
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
    having count(*) filter (where e2.type in ('created', 'follow_up_submitted', 'follow_up_rejected', 'sla_breached') or e2.is_first
      or e2.to_state in ('done', 'closed') or (e2.type in ('reopened', 'disputed') and e2.to_state is not null)) > 0
    -- stored in day order, as the folds append them: a period's rows sit in few pages (measured on 1M reports:
    -- a month of one category in one kota read 33,311 pages unordered, 3,961 ordered; 216 ms -> 21 ms)
    order by 1, 2, 3, 4, 5;
  perform stats_add_flows('stats_flow', 'stats_flow_place', 'day, kelurahan_code, unit_id');
  perform stats_add_flows('stats_flow', 'stats_flow_kind', 'day, category_code, channel');

  -- Custody, the rules of stats_apply_custody without a loop. Per report, in event order:
  --   * an event that stops the clock (to done/closed, or 'closed') leaves no holder, once custody started;
  --   * an event naming a unit (to_unit_id; unit_id of created/routed) gives it to that unit, except a
  --     stateless one while the clock is stopped (a filed dispute not yet accepted);
  --   * any other state change gives it back to the last unit named (restarts a stopped clock).
  -- So after each event that counts the holder is null (stop) or the last unit named so far. A segment ends
  -- where the holder changes.
  select min(stats_jakarta_day(created_at)), max(stats_jakarta_day(created_at)) + 1 into first_day, last_day from report_events;
  if first_day is null then return; end if;
  create temp table stats_rebuild_moves on commit drop as
  with ev as (
    select e.id, e.report_id, e.created_at, e.to_state is not null as stateful,
      (e.to_state in ('done', 'closed') or e.type = 'closed') as stop,
      coalesce(e.to_unit_id, case when e.type in ('created', 'routed') then e.unit_id end) as named
    from report_events e
    where e.type not in ('assigned', 'escalated', 'sla_breached', 'supported', 'message_in', 'message_out', 'officer_reply')
  ),
  gated as (
    -- started: a unit was named before this event; gate: how many stops or state changes so far
    select ev.*,
      coalesce(count(named) over (partition by report_id order by id rows between unbounded preceding and 1 preceding), 0) > 0 as started,
      count(*) filter (where stop or stateful) over (partition by report_id order by id) as gate
    from ev where stop or stateful or named is not null
  ),
  stopped as (
    -- a stateless event is ignored when the last stop or state change before it was a stop after custody started
    select gated.*, first_value(stop and started) over (partition by report_id, gate order by id) as gate_stopped from gated
  ),
  effective as (
    select stopped.*, count(named) over (partition by report_id order by id) as named_so_far
    from stopped where stop or stateful or gate = 0 or not gate_stopped
  ),
  holders as (
    select id, report_id, created_at,
      case when stop then null else first_value(named) over (partition by report_id, named_so_far order by id) end as holder
    from effective
  ),
  changes as (
    select h.*, lag(holder) over (partition by report_id order by id) as previous from holders h
  )
  select report_id, id, created_at, holder, previous, lag(created_at) over (partition by report_id order by id) as since
  from changes where holder is distinct from previous;

  insert into stats_held
    select stats_jakarta_day(m.created_at), m.previous, least(m.ms / 86400000, 60)::smallint, count(*), sum(m.ms)
    from (
      with cal as materialized (select * from stats_calendar(first_day, last_day))
      select mv.created_at, mv.previous,
        round(cb.before_ms - ca.before_ms
          + case when cb.working then stats_ms_into_day(mv.created_at) else 0 end
          - case when ca.working then stats_ms_into_day(mv.since) else 0 end)::bigint as ms
      from stats_rebuild_moves mv
      join cal ca on ca.day = stats_jakarta_day(mv.since)
      join cal cb on cb.day = stats_jakarta_day(mv.created_at)
      where mv.previous is not null
    ) m
    group by 1, 2, 3 order by 1, 2, 3;

  insert into stats_custody
    select l.report_id, l.holder, n.holder, l.created_at
    from (select distinct on (report_id) report_id, holder, created_at from stats_rebuild_moves order by report_id, id desc) l
    join (select distinct on (report_id) report_id, holder from stats_rebuild_moves where holder is not null order by report_id, id desc) n
      on n.report_id = l.report_id;
  drop table stats_rebuild_moves;

  -- Fresh statistics for the planner: right after a bulk rebuild it would still see the old row counts and
  -- choose plans for them (measured: a seq scan plus 670 ms of JIT compilation on a 22 ms query).
  analyze stats_now;
  analyze stats_now_place;
  analyze stats_now_kind;
  analyze stats_open_age;
  analyze stats_flow;
  analyze stats_flow_place;
  analyze stats_flow_kind;
  analyze stats_held;
  analyze stats_custody;
end $$;

-- The new tables start from what 014's triggers recorded: recompute them once.
select stats_rebuild();
