-- Audit log. Reading the star schema through the reference system's audited read functions
-- (005_audit_chain.sql) leaves a READ entry here.
create table if not exists audit_log (
  audit_id bigint generated always as identity primary key,
  action_timestamp timestamptz not null default clock_timestamp(),
  action_type text not null,
  table_name text,
  record_count bigint,
  user_id text not null default current_user,
  app_user text,
  run_id text,
  details jsonb not null default '{}'::jsonb
);
create index if not exists audit_log_timestamp_idx on audit_log (action_timestamp);

-- write_audit() and the audited read functions get_dim_patients(), get_dim_providers() and
-- get_fact_visits() are defined with the hash chain in 005_audit_chain.sql.
