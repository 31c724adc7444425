-- test: unique current version per patient; table: dim_patients
select patient_id as key from dim_patients where is_current group by patient_id having count(*) > 1;
