-- test: every staged provider is in dim_providers or quarantined; table: staging_providers
-- Only inside a run: staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile.
select s.provider_id || ' (line ' || s.source_line || ')' as key from staging_providers as s
where s.run_id = pipeline_run_id()
  and not exists (
    select 1 from dim_providers as d
    where d.provider_id = s.provider_id and (d.provider_name, d.specialty) = (s.provider_name, s.specialty)
  )
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'providers' and q.source_line = s.source_line
  );
