-- depends_on: quarantine_duplicates
-- slices: staging_patients
-- Patients, versioned (type 2) on gender, ZIP3 and state only. Age is not stored: the birth year
-- (NULL = 90 or older, Safe Harbor's top-code) is a fact about the person, corrected in place on every
-- version (type 1), so a patient re-sent a year later with unchanged facts gets no new version and no
-- version date brackets a birthday. get_dim_patients() derives age_group and age_band from it at the
-- newest batch date (age_reference, kept by patients_top_code). Unchanged patients are left alone: the
-- same batch twice changes nothing. Run once per slice of the staged patients: each statement touches
-- only the versions of the slice's patients, and a patient is in one slice (its first line).

-- One pass over the slice's patients' versions (one join with the dimension, not two):
-- - the batch's birth years (stg_patients: each patient's first line), corrected in place on every
--   version, never moved out of the top-code once a patient is in it;
-- - the current version closed when gender, ZIP3 or state changed.
-- Neither change touches what the other tests, so one statement makes both, as two in turn would.
-- A batch dated before the newest batch the warehouse has taken (an older extract loaded late) changes
-- no existing patient: the warehouse already holds newer facts about them, and closing a version that
-- began after the batch date would end it before it started. Its new patients and its visits load as
-- any batch's; the run's summary says the batch was older (lambdas/steps/transform.ts).
update dim_patients as d
set birth_year = case when d.birth_year is not null then s.birth_year end,
    valid_to = case when d.is_current and (d.gender, d.zip3, d.state) is distinct from (s.gender, s.zip3, s.state)
                    then current_setting('pipeline.as_of')::date else d.valid_to end,
    is_current = d.is_current and (d.gender, d.zip3, d.state) is not distinct from (s.gender, s.zip3, s.state)
from stg_patients as s
where d.patient_id = s.patient_id
  and patients_are_few('select patient_id from stg_patients') and d.patient_id = any(array(select patient_id from stg_patients))
  and ((d.birth_year is not null and d.birth_year is distinct from s.birth_year)
       or (d.is_current and (d.gender, d.zip3, d.state) is distinct from (s.gender, s.zip3, s.state)))
  and current_setting('pipeline.as_of')::date >= coalesce((select as_of from age_reference where id = 1), '-infinity'::date);

-- The same statement twice, as the slice's patients are few beside the dimension (079: each of their
-- versions found through the patient_id index) or not (the dimension hashed once); one of the two
-- does nothing.
update dim_patients as d
set birth_year = case when d.birth_year is not null then s.birth_year end,
    valid_to = case when d.is_current and (d.gender, d.zip3, d.state) is distinct from (s.gender, s.zip3, s.state)
                    then current_setting('pipeline.as_of')::date else d.valid_to end,
    is_current = d.is_current and (d.gender, d.zip3, d.state) is not distinct from (s.gender, s.zip3, s.state)
from stg_patients as s
where d.patient_id = s.patient_id
  and not patients_are_few('select patient_id from stg_patients')
  and ((d.birth_year is not null and d.birth_year is distinct from s.birth_year)
       or (d.is_current and (d.gender, d.zip3, d.state) is distinct from (s.gender, s.zip3, s.state)))
  and current_setting('pipeline.as_of')::date >= coalesce((select as_of from age_reference where id = 1), '-infinity'::date);

-- The slice's patients' existing versions are read once, before any row is inserted (a materialized
-- CTE, probed or hashed as above): planned against a table vacuumed empty (a failed first transform,
-- then autovacuum), a per-row probe of dim_patients became a sequential scan of the rows this
-- statement was inserting, quadratic: over 10 minutes for a 250k slice. Versions share one birth
-- year (corrected in place) and one serial (081_patient_serials.sql), so any version's is the
-- patient's. A new patient draws the next serial, above every one held.
with existing as materialized (
  select d.patient_id, bool_or(d.is_current) as has_current, (array_agg(d.birth_year))[1] as birth_year,
    min(d.patient_serial) as patient_serial
  from (
    select d.* from dim_patients as d
    where patients_are_few('select patient_id from stg_patients') and d.patient_id = any(array(select patient_id from stg_patients))
    union all
    select d.* from dim_patients as d
    where not patients_are_few('select patient_id from stg_patients') and d.patient_id in (select patient_id from stg_patients)
  ) as d
  group by d.patient_id
)
insert into dim_patients (
  patient_id, patient_serial, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id
)
select
  s.patient_id,
  coalesce(e.patient_serial, nextval('dim_patients_serial_seq')),
  case when e.patient_id is null then s.birth_year else e.birth_year end,
  s.gender, s.zip3, s.state,
  current_setting('pipeline.as_of')::date, null, true, current_setting('pipeline.run_id')
from stg_patients as s
left join existing as e on e.patient_id = s.patient_id
where e.has_current is not true
-- In patient_id order: the patient_id index is filled leaf by leaf, not at random.
order by s.patient_id;
