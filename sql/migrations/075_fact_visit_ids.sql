-- Every visit id fact_visits holds, once, in one unpartitioned table (issue 10: a small batch into a
-- large warehouse). fact_visits is partitioned by year, so its visit_id index was one index per
-- partition, and each "is this id already here?" was a descent into every year's index: with four
-- years, 30k staged visits into a 400k-patient warehouse cost 0.44 s probed (0.5 s hashed), and more
-- with every year the warehouse keeps. Here it is one descent (0.1 s). The row names the fact row that
-- holds the id (visit_key), so a test can tell the registered row from any other with the same id.
--
-- Who keeps it: the fact insert registers the visits it adds (sql/models/fact_visits.sql); what rewrites
-- or removes visits outside a transform (rotate-key, retention) rebuilds it (rebuild_fact_visit_ids).
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
  insert into fact_visit_ids (visit_id, visit_key)
  select visit_id, visit_key from fact_visits order by visit_id;
  get diagnostics n = row_count;
  return n;
end;
$$;

-- A warehouse that already holds visits registers them now (once: later runs of this file find them).
do $$
begin
  if not exists (select 1 from fact_visit_ids) and exists (select 1 from fact_visits) then
    perform rebuild_fact_visit_ids();
  end if;
end;
$$;

drop index if exists fact_visits_visit_id_idx;

-- Restricted like fact_visits: the pipeline's, nobody else's.
revoke all on fact_visit_ids from public;
revoke execute on function rebuild_fact_visit_ids() from public;
grant select, insert, update, delete, truncate on fact_visit_ids to hw_pipeline;
grant execute on function rebuild_fact_visit_ids() to hw_pipeline;
