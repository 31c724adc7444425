-- test: no visit after the batch date; table: fact_visits
select visit_id as key from fact_visits
where visit_date > current_setting('pipeline.as_of')::date and run_id = current_setting('pipeline.run_id');
