-- test: no visit after the batch date (today when run on demand); table: fact_visits
-- Inside a run only that run's visits are judged (older runs had their own batch dates).
select visit_id as key from fact_visits
where visit_date > pipeline_as_of()
  and run_id = coalesce(nullif(current_setting('pipeline.run_id', true), ''), run_id);
