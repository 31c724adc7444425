-- test: unique visit_id; table: fact_visits
-- Inside a run, the ids that run staged; on demand (npm run dq), every id.
select visit_id as key from fact_visits
where pipeline_run_id() is null
   or visit_id in (select visit_id from staging_visits where run_id = pipeline_run_id())
group by visit_id having count(*) > 1;
