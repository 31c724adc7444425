-- test: unique visit_id; table: fact_visits
-- Inside a run ($1), the rows that run inserted that are not the one the id registry
-- (075_fact_visit_ids.sql) names for their id. The registry holds an id once (its primary key) and
-- names every fact row's id, so of two rows with the same id, from this run or another, at most one is
-- named: one pass over the run's own rows (by index), one probe of one index per row, whatever the
-- number of yearly partitions. On demand ($1 null, npm run dq), every id twice or more, and that
-- fact_visits and the registry agree row for row, which is what the run's branch relies on. The
-- planner drops the branches that do not apply. The registry keeps ids as uuids (076): the run's rows
-- were registered, so their ids convert; on demand the registry's are turned back into text instead,
-- so a row written by hand with an id that is no pseudonym is named, not an error.
select distinct key from (
  select visit_id as key from fact_visits where $1::text is null
  group by visit_id having count(*) > 1
  union all
  select f.visit_id || ' (not registered)' from fact_visits as f
  where $1::text is null
    and not exists (select 1 from fact_visit_ids as r where registered_visit_id(r.visit_id) = f.visit_id and r.visit_key = f.visit_key)
    -- (visits held before the registry existed, until the next transform registers them)
    and not exists (select 1 from fact_visit_ids_pending as p where f.visit_key > p.after_key and f.visit_key <= p.last_key)
  union all
  select registered_visit_id(r.visit_id) || ' (registered, not in fact_visits)' from fact_visit_ids as r
  where $1::text is null
    and not exists (select 1 from fact_visits as f where f.visit_key = r.visit_key and f.visit_id = registered_visit_id(r.visit_id))
  union all
  select f.visit_id from fact_visits as f
  where f.run_id = $1
    and not exists (select 1 from fact_visit_ids as r where r.visit_id = f.visit_id::uuid and r.visit_key = f.visit_key)
) as duplicated;
