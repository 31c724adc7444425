-- depends_on:
-- Type 2 versioning: a patient whose attributes changed gets its current row closed and a new one.
-- Unchanged patients are left alone, so loading the same batch twice changes nothing.
update dim_patients as d
set valid_to = current_setting('pipeline.as_of')::date,
    is_current = false
from stg_patients as s
where d.patient_id = s.patient_id
  and d.is_current
  and (d.anonymized_name, d.age_group, d.age_band, d.gender, d.zip3, d.state)
      is distinct from (s.anonymized_name, s.age_group, s.age_band, s.gender, s.zip3, s.state);

insert into dim_patients (
  patient_id, anonymized_name, age_group, age_band, gender, zip3, state,
  valid_from, valid_to, is_current, run_id
)
select
  s.patient_id, s.anonymized_name, s.age_group, s.age_band, s.gender, s.zip3, s.state,
  current_setting('pipeline.as_of')::date, null, true, current_setting('pipeline.run_id')
from stg_patients as s
where not exists (
  select 1 from dim_patients as d where d.patient_id = s.patient_id and d.is_current
);
