-- Bounded transform calls (issue 10): a model marked `-- slices: staging_visits` runs once per range
-- of the run's staged lines, one call per slice (the Data API cancels any call after 45 s), all in the
-- transform's one transaction. The transform sets the range as pipeline.<table>_first_line and
-- _last_line; unset, a range is every line. Forward-only and idempotent.

-- A slice is found by index: (run_id, source_line) replaces the run_id index (it serves both).
create index if not exists staging_patients_run_line_idx on staging_patients (run_id, source_line);
create index if not exists staging_providers_run_line_idx on staging_providers (run_id, source_line);
create index if not exists staging_visits_run_line_idx on staging_visits (run_id, source_line);
drop index if exists staging_patients_run_idx;
drop index if exists staging_providers_run_idx;
drop index if exists staging_visits_run_idx;

-- The current slice's bounds for a staging table (inclusive). Plain SQL functions, so the planner
-- inlines them and a slice's predicate is an index condition, evaluated once per statement.
create or replace function slice_first_line(p_table text) returns integer
language sql stable as $$
  select coalesce(nullif(current_setting('pipeline.' || p_table || '_first_line', true), '')::integer, -2147483648)
$$;

create or replace function slice_last_line(p_table text) returns integer
language sql stable as $$
  select coalesce(nullif(current_setting('pipeline.' || p_table || '_last_line', true), '')::integer, 2147483647)
$$;

-- The views show the run's rows in the current slice, less the lines the warehouse quarantined. A
-- second occurrence of an id is quarantined by the quarantine_duplicates model, which every model
-- reading these views runs after: so each slice skips it by its line (an index probe), where the
-- views used to hash every id of the run again in every statement, which no slice could bound.
create index if not exists quarantine_rows_line_idx on quarantine_rows (run_id, entity, source_line);

create or replace view stg_patients as
select s.patient_id, s.birth_year, s.gender, s.zip3, s.state, s.source_line
from staging_patients as s
where s.run_id = pipeline_run_id()
  and s.source_line between slice_first_line('staging_patients') and slice_last_line('staging_patients')
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'patients' and q.source_line = s.source_line);

create or replace view stg_providers as
select s.provider_id, s.provider_name, s.specialty, s.source_line
from staging_providers as s
where s.run_id = pipeline_run_id()
  and s.source_line between slice_first_line('staging_providers') and slice_last_line('staging_providers')
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'providers' and q.source_line = s.source_line);

create or replace view stg_visits as
select
  s.visit_id, s.patient_id, s.provider_id, s.visit_date, s.visit_type, s.diagnosis,
  s.procedure_performed, s.cost, s.cost_with_privacy, s.source_line
from staging_visits as s
where s.run_id = pipeline_run_id()
  and s.source_line between slice_first_line('staging_visits') and slice_last_line('staging_visits')
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'visits' and q.source_line = s.source_line);

revoke execute on function slice_first_line(text), slice_last_line(text) from public;
grant execute on function slice_first_line(text), slice_last_line(text) to hw_pipeline;
