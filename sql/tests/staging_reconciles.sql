-- test: every staged visit is in fact_visits or quarantined; table: staging_visits
-- Only inside a run: staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile.
select s.visit_id as key from staging_visits as s
where s.run_id = pipeline_run_id()
  and not exists (select 1 from fact_visits as f where f.visit_id = s.visit_id)
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'visits' and q.source_line = s.source_line
  );
