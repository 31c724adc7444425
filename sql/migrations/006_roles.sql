-- Roles: the pipeline writes; analysts read only through the audited functions and the published
-- layer; auditors read the audit log. NOLOGIN group roles: grant them to login users (or IAM users).
-- Roles belong to the cluster, not the database: several databases may migrate at once, so a
-- concurrent creation of the same role is tolerated.
do $$
declare
  r text;
begin
  foreach r in array array['hw_pipeline', 'hw_analyst', 'hw_auditor'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      begin
        execute format('create role %I nologin', r);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end;
$$;

-- Nothing for PUBLIC: no table access, no function calls, no objects in the schema.
revoke create on schema public from public;
revoke all on all tables in schema public from public;
revoke execute on all functions in schema public from public;
alter default privileges in schema public revoke execute on functions from public;
grant usage on schema public to hw_pipeline, hw_analyst, hw_auditor;

-- ensure_fact_partition (001) is a security definer function: the partition gets the owner of
-- fact_visits (creating a partition requires owning the parent), whoever runs the transform.
revoke execute on function ensure_fact_partition(integer) from public;

-- The pipeline: the staging, star schema, quarantine, run bookkeeping and published layer.
grant select, insert, update, delete, truncate on
  staging_patients, staging_providers, staging_visits, dim_patients, dim_providers, fact_visits,
  quarantine_rows, batch_ledger, pipeline_runs, privacy_budget_ledger, published_releases,
  published_cells, k_anonymity_measurements
  to hw_pipeline;
grant usage, select on all sequences in schema public to hw_pipeline;
grant execute on function write_audit(text, text, bigint, jsonb), ensure_fact_partition(integer), pipeline_as_of()
  to hw_pipeline;

-- Analysts: audited reads (each leaves a READ entry) and the differentially private layer only.
grant execute on function get_dim_patients(), get_dim_providers(), get_fact_visits() to hw_analyst;
grant select on published_cells, published_latest, privacy_budget_ledger to hw_analyst;

-- Auditors: the log, read-only (append-only triggers stop writes even from the owner).
grant select on audit_log to hw_auditor;
