-- test: unique current version per patient; table: dim_patients
-- Inside a run ($1), the patients that run staged; on demand ($1 null, npm run dq), every patient.
-- Two branches, one of which the planner drops, so the run's branch is a join from its staged ids.
with patients as (
  select d.patient_id, d.is_current from dim_patients as d where $1::text is null
  union all
  select d.patient_id, d.is_current from dim_patients as d
  where d.patient_id in (select patient_id from staging_patients where run_id = $1)
)
select patient_id as key from patients
where is_current
group by patient_id having count(*) > 1;
