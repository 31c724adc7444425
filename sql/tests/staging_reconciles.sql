-- test: every staged visit is in fact_visits or quarantined; table: staging_visits
-- Only inside a run ($1): staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile. Most staged visits are ones this run inserted
-- (found among its own rows, by index); only the rest are looked up in the whole warehouse.
select s.visit_id as key from staging_visits as s
where s.run_id = $1
  and s.visit_id not in (select visit_id from fact_visits where run_id = $1)
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'visits' and q.source_line = s.source_line
  )
  and not exists (select 1 from fact_visits as f where f.visit_id = s.visit_id);
