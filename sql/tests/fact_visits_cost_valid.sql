-- test: cost non-negative, and cost and cost_with_privacy both present or both null; table: fact_visits
-- Inside a run, the visits that run inserted (found through its staged ids, which are indexed);
-- on demand (npm run dq), every visit.
select visit_id as key from fact_visits
where (cost < 0 or (cost is null) <> (cost_with_privacy is null))
  and (pipeline_run_id() is null
       or (run_id = pipeline_run_id()
           and visit_id in (select visit_id from staging_visits where run_id = pipeline_run_id())));
