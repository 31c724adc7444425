-- test: no visit after the batch date (today when run on demand); table: fact_visits
-- Inside a run ($1) only that run's visits are judged (older runs had their own batch dates); the
-- batch date is read once, not per row.
select visit_id as key from fact_visits
where visit_date > (select pipeline_as_of())
  and ($1::text is null or run_id = $1);
