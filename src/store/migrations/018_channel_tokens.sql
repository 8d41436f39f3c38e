-- OAuth tokens a channel renews by itself (Twitter/X's user-context token lasts two hours and each refresh token
-- is good for one use): the current pair, shared by every worker process. A process renews it holding the row's
-- lock, so two never spend the same refresh token.
create table channel_tokens (
  name          text primary key,
  access_token  text not null,
  refresh_token text not null,
  expires_at    timestamptz not null,
  updated_at    timestamptz not null default now()
);
