-- Every visit id fact_visits holds, once, in one unpartitioned table (issue 10: a small batch into a
-- large warehouse). fact_visits is partitioned by year, so its visit_id index was one index per
-- partition, and each "is this id already here?" was a descent into every year's index: with four
-- years, 30k staged visits into a 400k-patient warehouse cost 0.44 s probed (0.5 s hashed), and more
-- with every year the warehouse keeps. Here it is one descent (0.1 s). The row names the fact row that
-- holds the id (visit_key), so a test can tell the registered row from any other with the same id.
--
-- Who keeps it: the fact insert registers the visits it adds (sql/models/fact_visits.sql); what rewrites
-- or removes visits outside a transform (rotate-key, retention) rebuilds it (rebuild_fact_visit_ids);
-- the visits a warehouse held before this migration are registered by the next transform (below).
-- The primary key makes a second row for an id impossible; fact_visits_unique_visit_id checks that
-- each of a run's fact rows is the one registered, and on demand that fact_visits and the registry agree.
-- fact_visits' own visit_id index goes: everything that looked an id up asks here (the fact insert's
-- index maintenance moves here, so a first load pays about the same).
-- Forward-only and idempotent.

create table if not exists fact_visit_ids (
  visit_id text primary key,
  visit_key bigint not null
);

-- Every id again, from fact_visits as it is (after its ids were rewritten or partitions detached).
-- Ordered by id: the primary key is filled leaf by leaf.
create or replace function rebuild_fact_visit_ids() returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  truncate fact_visit_ids;
  delete from fact_visit_ids_pending;
  insert into fact_visit_ids (visit_id, visit_key)
  select visit_id, visit_key from fact_visits order by visit_id;
  get diagnostics n = row_count;
  return n;
end;
$$;

-- A warehouse that already held visits registers them in bounded calls, not in this migration: it runs
-- through the Data API on deploy, which cancels a call after 45 s, and registering costs about 3.5 s
-- per million visits on a small server. The range of keys to register is noted here; each transform
-- registers it a part per call before it looks an id up (lambdas/steps/io/visit-id-registry.ts), and
-- the pending row goes when the range is done. Keys only grow, so every visit added later is above it.
create table if not exists fact_visit_ids_pending (
  id integer primary key check (id = 1),
  -- Registered up to and including this key.
  after_key bigint not null,
  -- The largest key fact_visits held when the registry was made.
  last_key bigint not null
);

insert into fact_visit_ids_pending (id, after_key, last_key)
select 1, 0, max(visit_key) from fact_visits
where not exists (select 1 from fact_visit_ids)
having count(*) > 0
on conflict (id) do nothing;

-- Registers the next p_limit pending visits (by key; inserted in id order, so the primary key is filled
-- leaf by leaf); true once nothing is pending. An id already registered is left unregistered a second
-- time (a duplicate the warehouse held before: npm run dq names it).
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
  select visit_id, visit_key from fact_visits
  where visit_key > pending.after_key and visit_key <= upto
  order by visit_id
  on conflict (visit_id) do nothing;
  update fact_visit_ids_pending set after_key = upto where id = 1;
  return false;
end;
$$;

drop index if exists fact_visits_visit_id_idx;

-- Restricted like fact_visits: the pipeline's, nobody else's.
revoke all on fact_visit_ids, fact_visit_ids_pending from public;
revoke execute on function rebuild_fact_visit_ids(), register_pending_fact_visit_ids(integer) from public;
grant select, insert, update, delete, truncate on fact_visit_ids to hw_pipeline;
grant select, update, delete on fact_visit_ids_pending to hw_pipeline;
grant execute on function rebuild_fact_visit_ids(), register_pending_fact_visit_ids(integer) to hw_pipeline;
