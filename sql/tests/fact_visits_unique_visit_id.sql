-- test: unique visit_id; table: fact_visits
-- Inside a run ($1), the ids that run inserted, against the whole warehouse; on demand ($1 null,
-- npm run dq), every id. Two branches, one of which the planner drops.
with ids as (
  select visit_id from fact_visits where $1::text is null
  union all
  select f.visit_id from fact_visits as f
  where f.visit_id in (select visit_id from fact_visits where run_id = $1)
)
select visit_id as key from ids group by visit_id having count(*) > 1;
