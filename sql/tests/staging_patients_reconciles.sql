-- test: every staged patient is the current version in dim_patients or quarantined; table: staging_patients
-- Only inside a run: staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile.
select s.patient_id || ' (line ' || s.source_line || ')' as key from staging_patients as s
where s.run_id = pipeline_run_id()
  and not exists (
    select 1 from dim_patients as d
    where d.patient_id = s.patient_id and d.is_current
      and (d.gender, d.zip3, d.state) = (s.gender, s.zip3, s.state)
      and (d.birth_year is null or d.birth_year = s.birth_year)
  )
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'patients' and q.source_line = s.source_line
  );
