-- The officer workspace: saved inbox views per officer, and the inbox filters added with them.

-- A saved view is an officer's named inbox filter (the query parameters of GET /api/v1/reports, as strings).
create table saved_views (
  id          uuid primary key,
  user_id     uuid not null references users(id) on delete cascade,
  name        text not null,
  filters     jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);
create index saved_views_user_idx on saved_views (user_id, created_at);

-- reopened=true (reopen_count > 0): a small minority of reports, walked in inbox order without touching the rest.
create index reports_reopened_created_idx on reports (created_at desc, id desc) where reopen_count > 0;

-- assignee=<user>: a person's tasks in inbox order (replaces the unordered reports_assignee_idx of 001).
create index reports_assignee_created_idx on reports (assignee_user_id, created_at desc, id desc) where assignee_user_id is not null;
drop index if exists reports_assignee_idx;
