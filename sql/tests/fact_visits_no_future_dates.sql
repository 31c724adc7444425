-- test: no visit after the batch date (today when run on demand); table: fact_visits
-- Inside a run only that run's visits are judged (older runs had their own batch dates).
select visit_id as key from fact_visits
where visit_date > pipeline_as_of()
  and (pipeline_run_id() is null
       or (run_id = pipeline_run_id()
           and visit_id in (select visit_id from staging_visits where run_id = pipeline_run_id())));
