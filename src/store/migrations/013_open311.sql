-- Open311 GeoReport v2: API keys administrators issue to client applications, and the tokens a client may keep
-- for the requests it posted.

-- Keys issued by administrators (OPEN311_API_KEYS from the environment are accepted too). The key itself is shown
-- once; only its SHA-256 digest is kept. A revoked key is refused from then on.
create table open311_api_keys (
  id                 uuid primary key,
  name               text not null,
  key_hash           text not null unique,
  created_by_user_id uuid references users(id),
  created_at         timestamptz not null default now(),
  revoked_at         timestamptz
);

-- One token per posted request (tokens/{token}): the client that posted it and the report it became.
create table open311_tokens (
  token      text primary key,
  report_id  uuid not null references reports(id),
  client     text not null,
  created_at timestamptz not null default now()
);
create index open311_tokens_report_idx on open311_tokens (report_id);
