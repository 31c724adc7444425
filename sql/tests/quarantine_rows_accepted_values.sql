-- test: accepted_values entity, every quarantined row has a line and a reason, and no pseudonym is kept beside a line; table: quarantine_rows
-- Inside a run, that run's rows; on demand (npm run dq), every row.
select run_id || ' ' || entity || ' line ' || source_line as key from quarantine_rows
where (entity not in ('patients', 'providers', 'visits')
   or coalesce(btrim(reason), '') = '' or source_line < 1
   or (entity = 'providers' and coalesce(btrim(record_key), '') = '')
   or (entity in ('patients', 'visits') and record_key is not null))
  and (pipeline_run_id() is null or run_id = pipeline_run_id());
