-- test: every staged patient is the current version in dim_patients or quarantined; table: staging_patients
-- Only inside a run ($1): staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile. A staged patient's current version is mostly
-- one this run wrote (an anti-join with the run's own versions, by index); only the rest are looked up
-- among every current version, one probe each of the unique index on current versions. Both steps are
-- fenced (`offset 0`: the run's anti-join runs first, and the lookup stays a probe per remaining row):
-- written as two anti-joins, the planner hashed every current version of the dimension first whenever
-- the statistics had not seen the run's versions (a small run is not analysed, 078). A 10k batch into
-- 400k patients: 38 ms in a real run against 7 ms now (0.13-0.25 s against 0.01 in a profile on a
-- freshly vacuumed copy); a 400k first load is unchanged (0.4-0.6 s). The
-- transform's evidence takes its "found" count from this test having passed.
-- A batch older than the newest one is reconciled by the patient being held, whatever the attributes.
select s.patient_id || ' (line ' || s.source_line || ')' as key
from (
  select s.* from staging_patients as s
  where s.run_id = $1
    and not exists (
      select 1 from dim_patients as d
      where d.run_id = $1 and d.patient_id = s.patient_id and d.is_current
        and (d.gender, d.zip3, d.state) = (s.gender, s.zip3, s.state)
        and (d.birth_year is null or d.birth_year = s.birth_year)
    )
  offset 0
) as s
where not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'patients' and q.source_line = s.source_line
  )
  and not exists (
    select 1 from dim_patients as d
    where d.patient_id = s.patient_id and d.is_current
      and (((d.gender, d.zip3, d.state) = (s.gender, s.zip3, s.state)
            and (d.birth_year is null or d.birth_year = s.birth_year))
           -- A batch older than the newest one changes no patient the warehouse held (dim_patients.sql):
           -- their current version stands.
           or (select pipeline_as_of() < r.as_of from age_reference as r where r.id = 1))
    offset 0
  );
