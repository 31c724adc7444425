-- test: every staged provider is in dim_providers or quarantined; table: staging_providers
select s.provider_id || ' (line ' || s.source_line || ')' as key from staging_providers as s
where not exists (
    select 1 from dim_providers as d
    where d.provider_id = s.provider_id and (d.provider_name, d.specialty) = (s.provider_name, s.specialty)
  )
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'providers' and q.source_line = s.source_line
  );
