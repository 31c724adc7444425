-- test: versions close in order (valid_to set exactly when not current, never before valid_from, no overlap) and keep their patient's serial; table: dim_patients
-- Inside a run ($1), the patients that run staged; on demand ($1 null, npm run dq), every patient.
-- Two branches, one of which the planner drops, so the run's branch is a join from its staged ids; that
-- one is split again by whether the run's patients are few beside the dimension (079: probed through
-- the patient_id index, or the dimension hashed once).
-- Overlap is looked for from closed versions only: of two overlapping versions at least one is closed,
-- since a patient has at most one current version (the unique index dim_patients_current_uq, and the
-- test dim_patients_unique_current). So a batch of new patients (no closed versions) probes nothing,
-- where a probe per version cost 1.7 s of the 400k transform. The same goes for the serial
-- (081_patient_serials.sql): a closed version with another serial than its patient's current version
-- would split the patient's contributions from the rows a release joins.
with patients as (
  select d.* from dim_patients as d where $1::text is null
  union all
  select d.* from dim_patients as d
  where $1::text is not null and patients_are_few(format('select patient_id from staging_patients where run_id = %L', $1::text))
    and d.patient_id = any(array(select patient_id from staging_patients where run_id = $1))
  union all
  select d.* from dim_patients as d
  where $1::text is not null and not patients_are_few(format('select patient_id from staging_patients where run_id = %L', $1::text))
    and d.patient_id in (select patient_id from staging_patients where run_id = $1)
)
select d.patient_id || ' (key ' || d.patient_key || ')' as key from patients as d
where (d.is_current and d.valid_to is not null)
   or (not d.is_current and d.valid_to is null)
   or d.valid_to < d.valid_from
   or (d.is_current is not true and exists (
     select 1 from dim_patients as o
     where o.patient_id = d.patient_id and o.patient_key <> d.patient_key
       and (o.is_current and o.patient_serial <> d.patient_serial
            or o.valid_from < coalesce(d.valid_to, 'infinity'::date)
               and d.valid_from < coalesce(o.valid_to, 'infinity'::date))
   ));
