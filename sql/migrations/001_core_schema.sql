-- Core warehouse schema: staging, star schema with a date-partitioned fact table, run bookkeeping.
-- Forward-only and idempotent: every statement may run again on an existing warehouse.
-- Runs unchanged on PostgreSQL 15+, PGlite (18) and Aurora PostgreSQL 17.

-- Staging holds the latest batch, already anonymised (no direct identifiers ever reach it).
create table if not exists staging_patients (
  patient_id text not null,
  anonymized_name text not null,
  age_group text not null,
  age_band text not null,
  gender text not null,
  zip3 text not null,
  state text not null,
  source_line integer not null
);

create table if not exists staging_providers (
  provider_id text not null,
  provider_name text not null,
  specialty text not null,
  source_line integer not null
);

create table if not exists staging_visits (
  visit_id text not null,
  patient_id text not null,
  provider_id text not null,
  visit_date date not null,
  visit_type text not null,
  diagnosis text not null,
  procedure_performed text not null,
  cost numeric(12, 2) not null,
  cost_with_privacy numeric(12, 2) not null,
  source_line integer not null
);

-- Patients are versioned (type 2): a change of attributes closes the current row and opens a new one.
create table if not exists dim_patients (
  patient_key bigint generated always as identity primary key,
  patient_id text not null,
  anonymized_name text not null,
  age_group text not null,
  age_band text not null,
  gender text not null,
  zip3 text not null,
  state text not null,
  valid_from date not null,
  valid_to date,
  is_current boolean not null default true,
  run_id text not null
);
create unique index if not exists dim_patients_current_uq on dim_patients (patient_id) where is_current;
create index if not exists dim_patients_patient_id_idx on dim_patients (patient_id);
create index if not exists dim_patients_age_group_idx on dim_patients (age_group);

create table if not exists dim_providers (
  provider_key bigint generated always as identity primary key,
  provider_id text not null unique,
  provider_name text not null,
  specialty text not null,
  run_id text not null
);

-- Keys into the dimensions are checked by the fact_visits_relationships data test on every run (a
-- failure rolls the run back) instead of per-row foreign key triggers, which cost a third of the load.
create table if not exists fact_visits (
  visit_key bigint generated always as identity,
  visit_id text not null,
  patient_key bigint not null,
  provider_key bigint not null,
  visit_date date not null,
  visit_type text not null,
  diagnosis text not null,
  procedure_performed text not null,
  cost numeric(12, 2) not null check (cost >= 0),
  cost_with_privacy numeric(12, 2) not null,
  run_id text not null,
  primary key (visit_key, visit_date)
) partition by range (visit_date);
create table if not exists fact_visits_default partition of fact_visits default;
create index if not exists fact_visits_visit_id_idx on fact_visits (visit_id);
create index if not exists fact_visits_patient_key_idx on fact_visits (patient_key);
create index if not exists fact_visits_provider_key_idx on fact_visits (provider_key);
create index if not exists fact_visits_visit_date_idx on fact_visits (visit_date);

-- One yearly partition per year that arrives; no year is hard-coded. Security definer so that the
-- pipeline role, which does not own fact_visits, can still add partitions to it.
create or replace function ensure_fact_partition(year integer) returns text
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  part text := format('fact_visits_y%s', year);
begin
  if to_regclass(part) is null then
    execute format(
      'create table %I partition of fact_visits for values from (%L) to (%L)',
      part, make_date(year, 1, 1), make_date(year + 1, 1, 1));
  end if;
  return part;
end;
$$;

-- Rows the warehouse itself rejected (duplicates within a batch, unknown references). Pseudonymised.
create table if not exists quarantine_rows (
  run_id text not null,
  entity text not null,
  source_line integer not null,
  record_key text not null,
  reason text not null,
  quarantined_at timestamptz not null default now()
);
create index if not exists quarantine_rows_run_idx on quarantine_rows (run_id);

-- Exactly one run per batch: the first act of a run is to claim its batch here.
create table if not exists batch_ledger (
  batch_key text primary key,
  run_id text not null,
  status text not null default 'running',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists pipeline_runs (
  run_id text primary key,
  batch_key text not null,
  status text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  counts jsonb not null default '{}'::jsonb,
  error text
);
