-- The inbox (issue #5, "Speed"): GET /api/v1/reports, newest first (created_at desc, id desc), first page of 50.
-- reports_created_idx (001) serves the unfiltered list; with a selective filter a walk down it reads thousands of
-- rows before it has a page (measured on 100,000 reports: bench/inbox.ts), so the common filters get their own
-- ordered or searchable paths. The scope of a kelurahan or unit officer is served by the indexes of 001
-- (involved_unit_ids GIN, kelurahan_code) combined in a bitmap, then sorted: a scope holds few enough reports.

-- Open reports in inbox order: colour red / yellow, and the open states, walk only the open reports (a minority of
-- an old city's reports) in order. The planner proves "state = any('{waiting}')" implies this predicate.
create index reports_open_created_idx on reports (created_at desc, id desc) where state not in ('done', 'closed');

-- One state (an inbox tab: state=waiting), in order; a rare state is not a walk through all open reports.
create index reports_state_created_idx on reports (state, created_at desc, id desc);

-- Reports flagged late by the SLA sweep, in inbox order (overdue=true).
create index reports_overdue_created_idx on reports (created_at desc, id desc) where overdue;

-- The unit filter (holding_unit_id = $unit) and a holder's own inbox, in order.
create index reports_holder_created_idx on reports (holding_unit_id, created_at desc, id desc);

-- q: "ticket / description / address ilike %word%"; one trigram index per column, combined in a bitmap
-- (pg_trgm since 008). A word of fewer than 3 letters has no trigram and is still a scan.
create index reports_description_trgm_idx on reports using gin (description gin_trgm_ops);
create index reports_address_trgm_idx on reports using gin (address gin_trgm_ops);
create index reports_ticket_trgm_idx on reports using gin (ticket gin_trgm_ops);
