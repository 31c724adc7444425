-- test: unique current version per patient; table: dim_patients
-- On demand ($1 null, npm run dq), every patient's current versions are counted. Inside a run ($1),
-- the database already refuses a second current version while the unique index
-- dim_patients_current_uq (077: unique on patient_id and nullif(is_current, false)) stands, so the run's
-- patients (those it staged) are counted only when that index is missing, invalid or changed: a one-time check
-- of the catalogue instead of grouping the run's 400k patients (0.86 s at 400k).
select d.patient_id as key from dim_patients as d
where $1::text is null and d.is_current
group by d.patient_id having count(*) > 1
union all
select d.patient_id from dim_patients as d
where d.is_current and d.patient_id in (select patient_id from staging_patients where run_id = $1)
  and not exists (
    select 1 from pg_index as i
    where i.indexrelid = to_regclass('dim_patients_current_uq') and i.indrelid = 'dim_patients'::regclass
      and i.indisunique and i.indisvalid and i.indnatts = 2 and i.indpred is null
      and i.indkey[0] = (select a.attnum from pg_attribute as a where a.attrelid = i.indrelid and a.attname = 'patient_id')
      and i.indkey[1] = 0 and pg_get_expr(i.indexprs, i.indrelid) = 'NULLIF(is_current, false)'
  )
group by d.patient_id having count(*) > 1;
