-- test: unique visit_id; table: fact_visits
-- On demand ($1 null, npm run dq), every id. Inside a run ($1), the ids that run inserted: twice
-- within the run, or also held by another run. Each branch is a pass over the run's own rows (by
-- index), not a second copy of the warehouse's ids; the planner drops the branches that do not apply.
select distinct key from (
  select visit_id as key from fact_visits where $1::text is null
  group by visit_id having count(*) > 1
  union all
  select visit_id from fact_visits where run_id = $1
  group by visit_id having count(*) > 1
  union all
  select f.visit_id from fact_visits as f
  where f.run_id = $1
    and exists (select 1 from fact_visits as o where o.visit_id = f.visit_id and o.run_id <> $1)
) as duplicated;
