-- Fixed-window request counters for callers without an account (issue 6): Open311 clients by API key, open-data
-- downloads by client address. One row per key; a request in a new window starts it again. The worker prunes
-- rows whose window ended a day ago.
create table rate_limits (
  key          text primary key,
  window_start timestamptz not null,
  hits         integer not null
);
create index rate_limits_window_idx on rate_limits (window_start);
