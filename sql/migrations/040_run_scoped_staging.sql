-- Runs that overlap must not mix rows. Staging holds every in-flight run's rows, each tagged with its
-- run (004 fills run_id from the load transaction's run context); the stg_* views show a transform
-- only its own run's rows, the first occurrence of each id (later ones are quarantined). The views
-- live here, not in sql/models, so a run creates no objects and the pipeline login needs no DDL.
-- Forward-only and idempotent.

create index if not exists staging_patients_run_idx on staging_patients (run_id);
create index if not exists staging_providers_run_idx on staging_providers (run_id);
create index if not exists staging_visits_run_idx on staging_visits (run_id);

-- The run whose rows a statement may see; null outside a run (then the views are empty).
create or replace function pipeline_run_id() returns text
language sql stable set search_path = pg_catalog as $$
  select nullif(current_setting('pipeline.run_id', true), '')
$$;

create or replace view stg_patients as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.patient_id order by s.source_line) as occurrence
  from staging_patients as s
  where s.run_id = pipeline_run_id()
)
select patient_id, anonymized_name, age_group, age_band, gender, zip3, state, source_line
from ranked
where occurrence = 1;

create or replace view stg_providers as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.provider_id order by s.source_line) as occurrence
  from staging_providers as s
  where s.run_id = pipeline_run_id()
)
select provider_id, provider_name, specialty, source_line
from ranked
where occurrence = 1;

create or replace view stg_visits as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.visit_id order by s.source_line) as occurrence
  from staging_visits as s
  where s.run_id = pipeline_run_id()
)
select
  visit_id, patient_id, provider_id, visit_date, visit_type, diagnosis,
  procedure_performed, cost, cost_with_privacy, source_line
from ranked
where occurrence = 1;

-- What each run's transform produced, written in the transaction that commits it. A transform that
-- runs again for a run already transformed (a retry after a lost response, a redrive) returns this
-- instead of working on staging rows that commit removed; a new load of the run clears it.
create table if not exists run_steps (
  run_id text not null,
  step text not null,
  output jsonb not null,
  finished_at timestamptz not null default now(),
  primary key (run_id, step)
);

revoke all on stg_patients, stg_providers, stg_visits, run_steps from public;
revoke execute on function pipeline_run_id() from public;
grant select on stg_patients, stg_providers, stg_visits to hw_pipeline;
grant select, insert, update, delete on run_steps to hw_pipeline;
grant execute on function pipeline_run_id() to hw_pipeline;
