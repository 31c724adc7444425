-- depends_on: quarantine_duplicates
-- slices: staging_patients
-- Patients, versioned (type 2) on gender, ZIP3 and state only. Age is not stored: the birth year
-- (NULL = 90 or older, Safe Harbor's top-code) is a fact about the person, corrected in place on every
-- version (type 1), so a patient re-sent a year later with unchanged facts gets no new version and no
-- version date brackets a birthday. get_dim_patients() derives age_group and age_band from it at the
-- newest batch date (age_reference, kept by patients_top_code). Unchanged patients are left alone: the
-- same batch twice changes nothing. Run once per slice of the staged patients: each statement touches
-- only the versions of the slice's patients, and a patient is in one slice (its first line).

-- The batch's birth years (stg_patients: each patient's first line), corrected in place, never moved
-- out of the top-code once a patient is in it.
update dim_patients as d
set birth_year = s.birth_year
from stg_patients as s
where d.patient_id = s.patient_id
  and d.birth_year is not null
  and d.birth_year is distinct from s.birth_year;

update dim_patients as d
set valid_to = current_setting('pipeline.as_of')::date,
    is_current = false
from stg_patients as s
where d.patient_id = s.patient_id
  and d.is_current
  and (d.gender, d.zip3, d.state) is distinct from (s.gender, s.zip3, s.state);

insert into dim_patients (
  patient_id, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id
)
select
  s.patient_id,
  case when earlier.patient_id is null then s.birth_year else earlier.birth_year end,
  s.gender, s.zip3, s.state,
  current_setting('pipeline.as_of')::date, null, true, current_setting('pipeline.run_id')
from stg_patients as s
left join lateral (
  select d.patient_id, d.birth_year from dim_patients as d where d.patient_id = s.patient_id limit 1
) as earlier on true
where not exists (
  select 1 from dim_patients as d where d.patient_id = s.patient_id and d.is_current
);

