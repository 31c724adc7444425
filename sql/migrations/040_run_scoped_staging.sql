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

-- Views made by the per-run models of earlier versions had other columns: replaced, not altered. The
-- staging columns that carried ages and a name pseudonym go with them (020 stopped filling them).
drop view if exists stg_patients, stg_providers, stg_visits;
alter table staging_patients drop column if exists anonymized_name, drop column if exists age_group, drop column if exists age_band;

-- First occurrences are found by hashing (a group by over the run's ids, keeping the few ids seen
-- twice), not by a window function: that sorts every staged row, three times per run.
create or replace view stg_patients as
select s.patient_id, s.birth_year, s.gender, s.zip3, s.state, s.source_line
from staging_patients as s
where s.run_id = pipeline_run_id()
  and not exists (
    select 1 from (
      select patient_id, min(source_line) as first_line from staging_patients
      where run_id = pipeline_run_id() group by patient_id having count(*) > 1
    ) as d
    where d.patient_id = s.patient_id and d.first_line <> s.source_line);

create or replace view stg_providers as
select s.provider_id, s.provider_name, s.specialty, s.source_line
from staging_providers as s
where s.run_id = pipeline_run_id()
  and not exists (
    select 1 from (
      select provider_id, min(source_line) as first_line from staging_providers
      where run_id = pipeline_run_id() group by provider_id having count(*) > 1
    ) as d
    where d.provider_id = s.provider_id and d.first_line <> s.source_line);

create or replace view stg_visits as
select
  s.visit_id, s.patient_id, s.provider_id, s.visit_date, s.visit_type, s.diagnosis,
  s.procedure_performed, s.cost, s.cost_with_privacy, s.source_line
from staging_visits as s
where s.run_id = pipeline_run_id()
  and not exists (
    select 1 from (
      select visit_id, min(source_line) as first_line from staging_visits
      where run_id = pipeline_run_id() group by visit_id having count(*) > 1
    ) as d
    where d.visit_id = s.visit_id and d.first_line <> s.source_line);

-- Fresh statistics after a bulk load, so the models get hash joins rather than a million index
-- probes. ANALYZE needs the table's owner: the pipeline login calls this definer function instead.
create or replace function analyze_staging() returns void
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  analyze staging_patients;
  analyze staging_providers;
  analyze staging_visits;
end;
$$;

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
revoke execute on function pipeline_run_id(), analyze_staging() from public;
grant select on stg_patients, stg_providers, stg_visits to hw_pipeline;
grant select, insert, update, delete on run_steps to hw_pipeline;
grant execute on function pipeline_run_id(), analyze_staging() to hw_pipeline;
