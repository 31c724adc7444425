-- The visit id registry (075_fact_visit_ids.sql) keeps each id as a uuid: 16 bytes where the text
-- took 33. A visit id is a keyed pseudonym, 32 lowercase hex digits (lambdas/core/anonymize/pseudonym.ts),
-- which is a uuid's digits, so the mapping is one to one. Its primary key is the warehouse's largest
-- random-key index (every batch touches most of its leaves); as text it held 93 MB at 400k patients,
-- more than the default 128 MB of shared buffers left room for beside the others. Measured on the 400k
-- bench (bench:transform-profile, alternated): the fact statement 13.6-13.8 s against 15.2-16.1 in one
-- slice; a 10k batch into that warehouse probes the registry in 0.10-0.12 s against 0.15-0.24.
-- Forward-only and idempotent.

-- A registry made as text is emptied and retyped, and every visit is noted as pending: the next
-- transform registers them again, a part per call (lambdas/steps/io/visit-id-registry.ts), since on
-- deploy this runs through the Data API, which cancels a call after 45 s.
do $$
begin
  if exists (
    select 1 from information_schema.columns
    where table_schema = current_schema() and table_name = 'fact_visit_ids' and column_name = 'visit_id' and data_type = 'text'
  ) then
    insert into fact_visit_ids_pending (id, after_key, last_key)
    select 1, 0, max(visit_key) from fact_visits having count(*) > 0
    on conflict (id) do update set after_key = 0, last_key = excluded.last_key;
    truncate fact_visit_ids;
    alter table fact_visit_ids alter column visit_id type uuid using visit_id::uuid;
  end if;
end;
$$;

-- A registered id as fact_visits holds it (the uuid's digits without hyphens), for comparisons that must
-- not fail on an id that is not a pseudonym (npm run dq judging rows written by hand).
create or replace function registered_visit_id(p_visit_id uuid) returns text
language sql immutable parallel safe as $$
  select replace(p_visit_id::text, '-', '')
$$;

create or replace function rebuild_fact_visit_ids() returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  truncate fact_visit_ids;
  delete from fact_visit_ids_pending;
  insert into fact_visit_ids (visit_id, visit_key)
  select visit_id::uuid, visit_key from fact_visits order by 1;
  get diagnostics n = row_count;
  return n;
end;
$$;

create or replace function register_pending_fact_visit_ids(p_limit integer) returns boolean
language plpgsql set search_path = public, pg_temp as $$
declare
  pending fact_visit_ids_pending%rowtype;
  upto bigint;
begin
  select * into pending from fact_visit_ids_pending where id = 1 for update;
  if not found then
    return true;
  end if;
  select max(visit_key) into upto from (
    select visit_key from fact_visits
    where visit_key > pending.after_key and visit_key <= pending.last_key
    order by visit_key limit p_limit
  ) as part;
  if upto is null then
    delete from fact_visit_ids_pending where id = 1;
    return true;
  end if;
  insert into fact_visit_ids (visit_id, visit_key)
  select visit_id::uuid, visit_key from fact_visits
  where visit_key > pending.after_key and visit_key <= upto
  order by 1
  on conflict (visit_id) do nothing;
  update fact_visit_ids_pending set after_key = upto where id = 1;
  return false;
end;
$$;

revoke execute on function registered_visit_id(uuid) from public;
grant execute on function registered_visit_id(uuid) to hw_pipeline;
