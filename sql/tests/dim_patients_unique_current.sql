-- test: unique current version per patient; table: dim_patients
-- Inside a run, the patients that run staged; on demand (npm run dq), every patient.
select patient_id as key from dim_patients
where is_current
  and (pipeline_run_id() is null
       or patient_id in (select patient_id from staging_patients where run_id = pipeline_run_id()))
group by patient_id having count(*) > 1;
