-- test: accepted_values gender, birth_year (top-coded at 90), zip3 and state; table: dim_patients
-- Inside a run ($1), the versions that run wrote (by index); on demand ($1 null, npm run dq), every
-- version. The batch year is a scalar subquery, so it is read once, not per row.
select d.patient_id as key from dim_patients as d
where ($1::text is null or d.run_id = $1)
  and (d.gender not in ('Male', 'Female', 'Other', 'Unknown')
   or d.birth_year > (select extract(year from age_reference_date())::integer)
   or d.birth_year <= (select extract(year from age_reference_date())::integer) - 90
   or d.zip3 !~ '^[0-9]{3}$'
   or d.state !~ '^[A-Z]{2}$');
