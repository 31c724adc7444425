-- test: cost non-negative, and cost and cost_with_privacy both present or both null; table: fact_visits
-- Inside a run ($1), the visits that run inserted (by index); on demand ($1 null, npm run dq), every visit.
select visit_id as key from fact_visits
where (cost < 0 or (cost is null) <> (cost_with_privacy is null))
  and ($1::text is null or run_id = $1);
