-- depends_on: dim_patients, dim_providers, fact_partitions, quarantine_orphans
-- slices: staging_visits
-- New visits only: a visit_id already in the warehouse is not loaded again (idempotent reloads). Run
-- per slice of the staged visits: an id is in stg_visits once (later lines are quarantined), so an
-- earlier slice's rows never meet this anti-join.
insert into fact_visits (
  visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis,
  procedure_performed, cost, cost_with_privacy, run_id
)
select
  v.visit_id, p.patient_key, r.provider_key, v.visit_date, v.visit_type, v.diagnosis,
  v.procedure_performed, v.cost, v.cost_with_privacy, current_setting('pipeline.run_id')
from stg_visits as v
join dim_patients as p on p.patient_id = v.patient_id and p.is_current
join dim_providers as r on r.provider_id = v.provider_id
where not exists (select 1 from fact_visits as f where f.visit_id = v.visit_id);
