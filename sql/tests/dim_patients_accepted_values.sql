-- test: accepted_values gender, birth_year (top-coded at 90), zip3 and state; table: dim_patients
select patient_id as key from dim_patients
where gender not in ('Male', 'Female', 'Other', 'Unknown')
   or birth_year > extract(year from age_reference_date())::integer
   or birth_year <= extract(year from age_reference_date())::integer - 90
   or zip3 !~ '^[0-9]{3}$'
   or state !~ '^[A-Z]{2}$';
