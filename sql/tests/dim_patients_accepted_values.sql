-- test: accepted_values gender, age_group, age_band, zip3 and state; table: dim_patients
-- Inside a run, the versions that run wrote; on demand (npm run dq), every version.
select patient_id as key from dim_patients
where (gender not in ('Male', 'Female', 'Other', 'Unknown')
   or age_group not in ('0-17', '18-34', '35-49', '50-64', '65+')
   or age_band !~ '^([0-9]+-[0-9]+|90\+)$'
   or zip3 !~ '^[0-9]{3}$'
   or state !~ '^[A-Z]{2}$')
  and (pipeline_run_id() is null or run_id = pipeline_run_id());
