-- test: not_null patient_id, age_group, gender; table: dim_patients
select patient_key::text as key from dim_patients
where patient_id is null or age_group is null or gender is null;
