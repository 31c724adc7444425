-- test: accepted_values gender, birth_year (top-coded at 90), zip3 and state; table: dim_patients
-- Inside a run, the versions that run wrote; on demand (npm run dq), every version.
select patient_id as key from dim_patients
where (gender not in ('Male', 'Female', 'Other', 'Unknown')
   or birth_year > extract(year from age_reference_date())::integer
   or birth_year <= extract(year from age_reference_date())::integer - 90
   or zip3 !~ '^[0-9]{3}$'
   or state !~ '^[A-Z]{2}$')
  and (pipeline_run_id() is null or run_id = pipeline_run_id());
