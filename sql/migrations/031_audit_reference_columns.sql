-- The reference system's audit_log columns: user_name, record_id and ip_address, so its audit queries
-- (select * ... order by action_timestamp, group by user_name, ...) run unchanged. Forward-only and
-- idempotent.
--
-- None of the three can be written by a caller, and none weakens the hash chain (005_audit_chain.sql):
-- each is a generated column computed from fields the chain already hashes.
--   user_name   = user_id, the login (session_user) the chain trigger records. Not app_user: any
--                 session may set pipeline.app_user, so it is a claim, not an identity.
--   ip_address  = details ->> 'client_addr', which the trigger below writes from inet_client_addr()
--                 (the client's address when the engine knows it: a TCP connection to PostgreSQL;
--                 NULL over a Unix socket; 127.0.0.1 in PGlite, which runs in process; the Data
--                 API's own address on Aurora).
--   record_id   = details ->> 'record_id' when it is a whole number. The reference fills it for
--                 per-record actions; every entry here concerns a table or a run, so it is NULL, as
--                 in the reference's own audited reads.
-- details stays jsonb (the reference's is text): `details::text like '...'` reads it as text.

-- Runs before audit_log_chain, which hashes details: BEFORE triggers fire in name order
-- ('audit_log_address' < 'audit_log_chain'). A caller's own client_addr is replaced, never kept.
create or replace function audit_log_client_address() returns trigger
language plpgsql set search_path = public, pg_temp as $$
declare
  addr text := host(inet_client_addr());
begin
  new.details := coalesce(new.details, '{}'::jsonb) - 'client_addr';
  if addr is not null then
    new.details := new.details || jsonb_build_object('client_addr', addr);
  end if;
  return new;
end;
$$;
revoke execute on function audit_log_client_address() from public;

create or replace trigger audit_log_address before insert on audit_log
  for each row execute function audit_log_client_address();

alter table audit_log add column if not exists user_name text generated always as (user_id) stored;
alter table audit_log add column if not exists ip_address text generated always as (details ->> 'client_addr') stored;
alter table audit_log add column if not exists record_id bigint generated always as (
  case when details ->> 'record_id' ~ '^[0-9]{1,18}$' then (details ->> 'record_id')::bigint end
) stored;
create index if not exists audit_log_user_name_idx on audit_log (user_name);
