-- test: not_null on every patient attribute (birth_year NULL means 90 or older); table: dim_patients
-- Inside a run ($1), the versions that run wrote (by index); on demand ($1 null, npm run dq), every version.
select patient_key::text as key from dim_patients
where (patient_id is null
   or gender is null or zip3 is null or state is null or valid_from is null or is_current is null
   or run_id is null)
  and ($1::text is null or run_id = $1);
