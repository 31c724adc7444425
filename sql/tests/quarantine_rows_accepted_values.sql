-- test: accepted_values entity, and every quarantined row has a key and a reason; table: quarantine_rows
-- Inside a run, that run's rows; on demand (npm run dq), every row.
select run_id || ' ' || entity || ' line ' || source_line as key from quarantine_rows
where (entity not in ('patients', 'providers', 'visits')
   or coalesce(btrim(reason), '') = '' or coalesce(btrim(record_key), '') = '' or source_line < 1)
  and (pipeline_run_id() is null or run_id = pipeline_run_id());
