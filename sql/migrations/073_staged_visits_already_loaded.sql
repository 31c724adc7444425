-- Which staged visits the warehouse already holds, settled once per run before any fact slice inserts
-- (sql/models/visits_already_loaded.sql). The fact insert used to ask fact_visits in every slice, and
-- the planner answered by hashing every visit id stored so far, this run's earlier slices included: a
-- first load of N slices hashed 0, 1, ..., N-1 slices' worth of ids (at 2M patients 24 slices, 75M ids
-- hashed). Asked before the run inserts anything, the question costs what the warehouse held before the
-- run, and nothing on a first load. A staged row only: cleared with the run's staging.
-- Forward-only and idempotent; a constant default adds the column without rewriting the table.
alter table staging_visits add column if not exists already_loaded boolean not null default false;

-- The view shows the flag (as its last column: a view may only gain columns at its end).
create or replace view stg_visits as
select
  s.visit_id, s.patient_id, s.provider_id, s.visit_date, s.visit_type, s.diagnosis,
  s.procedure_performed, s.cost, s.cost_with_privacy, s.source_line, s.already_loaded
from staging_visits as s
where s.run_id = pipeline_run_id()
  and s.source_line between slice_first_line('staging_visits') and slice_last_line('staging_visits')
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'visits' and q.source_line = s.source_line);
