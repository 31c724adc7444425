-- Tamper-evident, append-only audit log.
--
-- Chain: every entry stores prev_hash (the entry_hash of the entry before it) and
--   entry_hash = sha256(canonical text of its fields, prev_hash included), hex.
-- The canonical text is each field as '<octet length>:<text>' (or '~' for null) joined by ';', so no
-- field value can imitate a boundary. lambdas/core/integrity/audit-chain.ts builds the same text to
-- verify the chain outside the database. chain_seq orders the chain without gaps.
-- search_path: definer functions use "public, pg_temp" (pg_catalog is always searched first), and
-- PUBLIC may not create objects in public (006_roles.sql), so callers cannot shadow what they use.
-- Serialisation: the BEFORE INSERT trigger locks the single row of audit_chain_head (FOR UPDATE) until
-- commit, so concurrent writers extend the chain one at a time; under REPEATABLE READ a concurrent
-- extension makes the later writer fail with a serialisation error instead of forking the chain.
-- The lock lasts until the writer commits, so pipeline steps audit at the end of their transactions.
-- Append-only: UPDATE, DELETE and TRUNCATE raise, for every role including the owner. The one
-- exception is retention (purge_audit_log): a row may be deleted only when an earlier-recorded
-- RETENTION entry in the chain covers it (see the end of this file).

alter table audit_log add column if not exists role_name text;
alter table audit_log add column if not exists chain_seq bigint;
alter table audit_log add column if not exists prev_hash text;
alter table audit_log add column if not exists entry_hash text;

create table if not exists audit_chain_head (
  id integer primary key check (id = 1),
  last_seq bigint not null,
  last_hash text not null
);
insert into audit_chain_head (id, last_seq, last_hash) values (1, 0, repeat('0', 64)) on conflict (id) do nothing;

create or replace function audit_field(v text) returns text
language sql immutable set search_path = pg_catalog as $$
  select case when v is null then '~' else octet_length(v)::text || ':' || v end
$$;

create or replace function audit_entry_text(a audit_log) returns text
language sql stable set search_path = public, pg_temp as $$
  select concat_ws(';',
    audit_field(a.chain_seq::text),
    audit_field(a.audit_id::text),
    audit_field(to_char(a.action_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
    audit_field(a.action_type),
    audit_field(a.table_name),
    audit_field(a.record_count::text),
    audit_field(a.user_id),
    audit_field(a.role_name),
    audit_field(a.app_user),
    audit_field(a.run_id),
    audit_field(a.details::text),
    audit_field(a.prev_hash))
$$;

create or replace function audit_entry_hash(a audit_log) returns text
language sql stable set search_path = public, pg_temp as $$
  select encode(sha256(convert_to(audit_entry_text(a), 'UTF8')), 'hex')
$$;

-- Entries written before this migration join the chain in audit_id order (before the guards exist).
do $$
declare
  r audit_log;
  seq bigint;
  prev text;
begin
  select last_seq, last_hash into seq, prev from audit_chain_head where id = 1;
  for r in select * from audit_log where entry_hash is null order by audit_id loop
    seq := seq + 1;
    r.chain_seq := seq;
    r.prev_hash := prev;
    r.entry_hash := audit_entry_hash(r);
    update audit_log set chain_seq = r.chain_seq, prev_hash = r.prev_hash, entry_hash = r.entry_hash where audit_id = r.audit_id;
    prev := r.entry_hash;
  end loop;
  update audit_chain_head set last_seq = seq, last_hash = prev where id = 1;
end;
$$;

alter table audit_log alter column chain_seq set not null;
alter table audit_log alter column prev_hash set not null;
alter table audit_log alter column entry_hash set not null;
create unique index if not exists audit_log_chain_seq_uq on audit_log (chain_seq);
create index if not exists audit_log_retention_idx on audit_log (chain_seq) where action_type = 'RETENTION';

-- Who and when come from the database, not the writer: user_id is the login (session_user),
-- role_name the role it acted as (SET ROLE), which SECURITY DEFINER functions do not change.
create or replace function audit_log_chain() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  head audit_chain_head;
begin
  select * into strict head from audit_chain_head where id = 1 for update;
  new.action_timestamp := clock_timestamp();
  new.user_id := session_user;
  new.role_name := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  new.details := coalesce(new.details, '{}'::jsonb);
  new.chain_seq := head.last_seq + 1;
  new.prev_hash := head.last_hash;
  new.entry_hash := audit_entry_hash(new);
  update audit_chain_head set last_seq = new.chain_seq, last_hash = new.entry_hash where id = 1;
  return new;
end;
$$;

-- True when a RETENTION entry already in the chain declares this row removable.
create or replace function audit_retention_covers(a audit_log) returns boolean
language sql stable set search_path = public, pg_temp as $$
  select exists (
    select 1 from audit_log as r
    where r.action_type = 'RETENTION'
      and r.chain_seq > a.chain_seq
      and (r.details ->> 'through_chain_seq')::bigint >= a.chain_seq
      and a.action_timestamp < (r.details ->> 'cutoff')::timestamptz)
$$;

create or replace function audit_log_reject_change() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if tg_op = 'DELETE' and audit_retention_covers(old) then
    return old;
  end if;
  raise exception 'audit_log is append-only: % of audit entry % rejected', tg_op, old.audit_id
    using hint = 'audit entries cannot be changed; old entries leave only through purge_audit_log (npm run retention)';
end;
$$;

create or replace function audit_log_reject_truncate() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  raise exception 'audit_log is append-only: TRUNCATE rejected'
    using hint = 'old entries leave only through purge_audit_log (npm run retention)';
end;
$$;

create or replace trigger audit_log_chain before insert on audit_log
  for each row execute function audit_log_chain();
create or replace trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_reject_change();
create or replace trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_reject_truncate();

-- The pipeline's entry point for LOAD / TRANSFORM / PUBLISH entries; RETENTION is reserved.
create or replace function write_audit(p_action text, p_table text, p_count bigint, p_details jsonb default '{}'::jsonb)
returns void language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if p_action = 'RETENTION' then
    raise exception 'write_audit: action RETENTION is reserved for purge_audit_log';
  end if;
  insert into audit_log (action_type, table_name, record_count, app_user, run_id, details)
  values (
    p_action, p_table, p_count,
    nullif(current_setting('pipeline.app_user', true), ''),
    nullif(current_setting('pipeline.run_id', true), ''),
    coalesce(p_details, '{}'::jsonb));
end;
$$;

-- The audited reads, now with a fixed search_path (they run as their owner).
create or replace function get_dim_patients() returns setof dim_patients
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform write_audit('READ', 'dim_patients', null);
  return query select * from dim_patients;
end;
$$;

create or replace function get_dim_providers() returns setof dim_providers
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform write_audit('READ', 'dim_providers', null);
  return query select * from dim_providers;
end;
$$;

create or replace function get_fact_visits() returns setof fact_visits
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform write_audit('READ', 'fact_visits', null);
  return query select * from fact_visits;
end;
$$;

-- Retention. The log is append-only, so retention cannot quietly delete: it first appends a
-- RETENTION entry naming the cutoff, the last chain_seq removed and that entry's hash (the anchor
-- the first surviving entry's prev_hash must equal), then deletes exactly that prefix of the chain
-- and returns the removed rows so the caller can archive them. Only the oldest unbroken run of
-- entries older than the cutoff is removed, so the surviving chain stays contiguous.
-- Execute is revoked from PUBLIC (006_roles.sql): granting it is the one switch for retention.
create or replace function purge_audit_log(p_cutoff timestamptz) returns setof audit_log
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  head audit_chain_head;
  through bigint;
  removed bigint;
  anchor text;
begin
  select * into strict head from audit_chain_head where id = 1 for update;
  select coalesce(min(chain_seq), head.last_seq + 1) - 1 into through from audit_log where action_timestamp >= p_cutoff;
  select count(*), max(entry_hash) filter (where chain_seq = through) into removed, anchor
  from audit_log where chain_seq <= through;
  if removed = 0 then
    return;
  end if;
  insert into audit_log (action_type, table_name, record_count, details)
  values ('RETENTION', 'audit_log', removed,
          jsonb_build_object('cutoff', p_cutoff, 'through_chain_seq', through, 'anchor_hash', anchor));
  return query with gone as (delete from audit_log where chain_seq <= through returning *) select * from gone order by chain_seq;
end;
$$;
