-- The published layer: differentially private aggregates only, the privacy budget ledger, and the
-- k-anonymity measurements. This is what analysts and the dashboard may see without restriction.
create table if not exists privacy_budget_ledger (
  release_id text primary key,
  run_id text not null unique,
  released_at timestamptz not null default now(),
  epsilon numeric(12, 6) not null check (epsilon > 0),
  cumulative numeric(12, 6) not null,
  epsilon_total numeric(12, 6) not null
);

create table if not exists published_releases (
  release_id text primary key references privacy_budget_ledger (release_id),
  released_at timestamptz not null default now(),
  snapshot jsonb not null
);

create table if not exists published_cells (
  release_id text not null references privacy_budget_ledger (release_id),
  table_name text not null,
  cell_key jsonb not null,
  visits bigint,
  patients bigint,
  mean_cost numeric(12, 2),
  suppressed boolean not null,
  epsilon numeric(12, 6) not null
);
create index if not exists published_cells_release_idx on published_cells (release_id, table_name);

create table if not exists k_anonymity_measurements (
  run_id text primary key,
  measured_at timestamptz not null default now(),
  quasi_identifiers text[] not null,
  smallest_k integer not null,
  classes integer not null,
  classes_below_k integer not null,
  k integer not null
);

create or replace view published_latest as
select c.*
from published_cells as c
where c.release_id = (select release_id from privacy_budget_ledger order by released_at desc, release_id desc limit 1);
