-- One index on dim_patients.patient_id where there were two (issue 10): the partial unique index of
-- current versions (dim_patients_current_uq) and the plain index of every version
-- (dim_patients_patient_id_idx) held the same random pseudonyms, 28 MB each at 400k patients, and a
-- batch of new patients wrote into most leaves of both. One unique index on
-- (patient_id, nullif(is_current, false)) does both jobs: a current version's second column is true, so
-- a patient keeps at most one, while a closed version's is NULL, and NULLs never conflict; and any
-- lookup by patient_id, of the current version or of all of them, reads its first column. Measured
-- (bench:transform-profile, a 10k batch into 400k, alternated): dim_patients' insert 0.15-0.16 s
-- against 0.29, and 3,338 fewer full-page images after a checkpoint (19 MB of WAL).
-- It keeps the name dim_patients_current_uq, which dim_patients_unique_current checks in the catalogue.
-- Forward-only and idempotent.
do $$
begin
  if exists (select 1 from pg_index where indexrelid = to_regclass('dim_patients_current_uq') and indnatts = 1) then
    create unique index dim_patients_current_versions_uq on dim_patients (patient_id, (nullif(is_current, false)));
    drop index dim_patients_current_uq;
    alter index dim_patients_current_versions_uq rename to dim_patients_current_uq;
  end if;
end;
$$;

drop index if exists dim_patients_patient_id_idx;
