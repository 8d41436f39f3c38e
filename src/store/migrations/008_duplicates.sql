-- Duplicate candidates (issue #4, "Is it new"): reports near a point, recent enough, ranked by
-- text similarity (pg_trgm), distance and age. No PostGIS: a fixed grid of cells over lat/lon.
-- pg_trgm is a trusted contrib extension on PostgreSQL 13+ and ships with PGlite (loaded in db.ts).
create extension if not exists pg_trgm;

-- The grid: cells of 1/400 degree (about 278 m north-south, 276 m east-west at Jakarta's latitude),
-- numbered so one bigint names a cell anywhere on earth. Immutable, so it can be indexed.
create function geo_cell(lat double precision, lon double precision) returns bigint
  language sql immutable strict parallel safe
  as $$ select (floor(lat * 400)::bigint + 36000) * 200000 + (floor(lon * 400)::bigint + 72000) $$;

-- Every cell a circle of radius_m around the point touches (its bounding box on the grid): 4 to 9 for 250 m.
-- Declared stable and parallel restricted, though it is immutable and safe: PostgreSQL cannot estimate
-- how few reports a list of cells holds, guesses thousands, and would start parallel workers (tens of
-- ms) for a lookup of a millisecond. Stable keeps the call in the plan (an immutable one is folded
-- into a constant array, and the restriction with it), so no plan of the lookup goes parallel.
create function geo_cells_near(lat double precision, lon double precision, radius_m double precision) returns bigint[]
  language sql stable strict parallel restricted
  as $$
    select array_agg((y + 36000) * 200000 + (x + 72000))
    from generate_series(floor((lat - radius_m / 111320.0) * 400)::bigint, floor((lat + radius_m / 111320.0) * 400)::bigint) as y,
         generate_series(floor((lon - radius_m / (111320.0 * cos(radians(lat)))) * 400)::bigint,
                         floor((lon + radius_m / (111320.0 * cos(radians(lat)))) * 400)::bigint) as x
  $$;

-- The candidate lookup's pre-filter: the cells around the point, then a time range inside each cell.
-- Two partial indexes, so the lookup never reads a closed report or one done long ago (most of an old
-- city's reports): open reports by creation, done reports by the time they were done. A report is in
-- at most one of them (none once closed); only reports with a point are indexed.
create index reports_open_cell_idx on reports (geo_cell(lat, lon), created_at)
  where lat is not null and lon is not null and state not in ('done', 'closed');
create index reports_done_cell_idx on reports (geo_cell(lat, lon), done_at)
  where lat is not null and lon is not null and state = 'done';

-- Without a point the lookup searches the kelurahan, with the same split (the kelurahan's whole
-- history, thousands of reports, is what reports_kelurahan_idx would read).
create index reports_open_kelurahan_idx on reports (kelurahan_code, created_at)
  where kelurahan_code is not null and state not in ('done', 'closed');
create index reports_done_kelurahan_idx on reports (kelurahan_code, done_at)
  where kelurahan_code is not null and state = 'done';

-- The reports linked to an original (its followers hear of its changes); few rows, so a partial index.
create index reports_duplicate_of_idx on reports (duplicate_of) where duplicate_of is not null;
