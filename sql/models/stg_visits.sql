-- depends_on:
create or replace view stg_visits as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.visit_id order by s.source_line) as occurrence
  from staging_visits as s
)
select
  visit_id, patient_id, provider_id, visit_date, visit_type, diagnosis,
  procedure_performed, cost, cost_with_privacy, source_line
from ranked
where occurrence = 1;
