-- Audit log and the reference system's audited read functions: reading the star schema through
-- get_dim_patients(), get_dim_providers() and get_fact_visits() leaves a READ entry.
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

create or replace function write_audit(p_action text, p_table text, p_count bigint, p_details jsonb default '{}'::jsonb)
returns void language sql as $$
  insert into audit_log (action_type, table_name, record_count, user_id, app_user, run_id, details)
  values (
    p_action, p_table, p_count, session_user,
    nullif(current_setting('pipeline.app_user', true), ''),
    nullif(current_setting('pipeline.run_id', true), ''),
    coalesce(p_details, '{}'::jsonb));
$$;

create or replace function get_dim_patients() returns setof dim_patients
language plpgsql security definer as $$
begin
  perform write_audit('READ', 'dim_patients', null);
  return query select * from dim_patients;
end;
$$;

create or replace function get_dim_providers() returns setof dim_providers
language plpgsql security definer as $$
begin
  perform write_audit('READ', 'dim_providers', null);
  return query select * from dim_providers;
end;
$$;

create or replace function get_fact_visits() returns setof fact_visits
language plpgsql security definer as $$
begin
  perform write_audit('READ', 'fact_visits', null);
  return query select * from fact_visits;
end;
$$;
