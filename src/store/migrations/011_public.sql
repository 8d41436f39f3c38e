-- The public list and map of reports (Balai Warga), confidential reports, and e-mail subscriptions to a report's updates.

-- A reporter may ask for the report to be kept from the public (LAPOR!'s pelapor.rahasia). The ticket holder still
-- tracks it by ticket; it never appears in the public list, the map or open data.
alter table reports add column confidential boolean not null default false;

-- Whether a report may appear in the public list and map: not confidential, not closed as invalid (no substance,
-- spam, abuse), and not waiting at the triage desk with a substance flag that makes it unfit to show (abusive,
-- spam, empty). One stored column, so every public query names the same predicate as the index below.
alter table reports add column public_listed boolean generated always as (
  not confidential
  and not (state = 'closed' and coalesce(close_reason = 'invalid', false))
  and not (state = 'triage' and coalesce(
    triage -> 'flags' @> '[{"kind": "abusive"}]'::jsonb
    or triage -> 'flags' @> '[{"kind": "spam"}]'::jsonb
    or triage -> 'flags' @> '[{"kind": "empty"}]'::jsonb, false))
) stored;

-- GET /api/v1/public/reports (newest first, keyset cursor) and the map's newest 5,000: a walk down the publicly
-- listed reports in order, never reading a hidden one.
create index reports_public_created_idx on reports (created_at desc, id desc) where public_listed;
-- A selective filter walks its own ordered path instead of filtering that walk (measured on 100,000 reports with
-- EXPLAIN ANALYZE: a kelurahan's page read 5,700 rows of reports_public_created_idx; with its own index, 21).
-- One category (the portal's category filter; a rare one is a long walk otherwise), in order.
create index reports_public_category_idx on reports (category_code, created_at desc, id desc) where public_listed;
-- One kelurahan (kelurahan_code = ...) in order, and a kecamatan or kota prefix (like '31.71.01.%').
create index reports_public_kelurahan_idx on reports (kelurahan_code text_pattern_ops, created_at desc, id desc) where public_listed;
-- A map box (bbox): the reports inside it, then sorted; a box of a few streets holds few reports, a city-wide box
-- is served by the walk above.
create index reports_public_point_idx on reports (lat, lon) where public_listed;

-- E-mail subscriptions to one report's public changes, with double opt-in. The address is kept (lower case) to
-- send to; the tokens in the links are kept only as SHA-256 digests.
create table report_subscriptions (
  id                   uuid primary key,
  report_id            uuid not null references reports(id),
  email                text not null,
  language             text not null default 'id' check (language in ('id', 'en')),
  status               text not null default 'pending' check (status in ('pending', 'active', 'unsubscribed')),
  created_at           timestamptz not null default now(),
  -- the last confirmation mail queued: at most one per hour per (report, address)
  confirmation_sent_at timestamptz,
  confirmed_at         timestamptz,
  unsubscribed_at      timestamptz,
  unique (report_id, email)
);
-- Who hears of a report's change: its active subscribers.
create index report_subscriptions_active_idx on report_subscriptions (report_id) where status = 'active';
-- The daily allowance of pending subscriptions per address.
create index report_subscriptions_email_idx on report_subscriptions (email, confirmation_sent_at) where status = 'pending';

-- Every link we mail carries its own token (the confirmation, and each update's unsubscribe link); any of them
-- manages its subscription. `confirm` tokens confirm; every token shows and unsubscribes.
create table subscription_tokens (
  token_hash      text primary key,
  subscription_id uuid not null references report_subscriptions(id),
  purpose         text not null check (purpose in ('confirm', 'manage')),
  created_at      timestamptz not null default now()
);
create index subscription_tokens_subscription_idx on subscription_tokens (subscription_id);
