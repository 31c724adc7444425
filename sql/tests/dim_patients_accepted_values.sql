-- test: accepted_values gender and age_group; table: dim_patients
select patient_id as key from dim_patients
where gender not in ('Male', 'Female', 'Other', 'Unknown')
   or age_group not in ('0-17', '18-34', '35-49', '50-64', '65+');
