-- test: every staged visit is in fact_visits or quarantined; table: staging_visits
-- Only inside a run ($1): staging holds a run's rows only until its transform commits, so on demand
-- (npm run dq) there is nothing finished to reconcile. Most staged visits are ones this run inserted
-- (an anti-join with the run's own rows, by index); only the rest are looked up among every id the
-- warehouse holds (its id registry, 075_fact_visit_ids.sql: one index), and the fact row it names is
-- read by its key.
-- (Written as `not in (subquery)`, the run's ids were hashed once per parallel worker and the rest
-- hashed against every id in the warehouse: 2.6 s at 400k.) The transform's evidence takes its "found"
-- count from this test having passed (lambdas/steps/io/run-evidence.ts).
select s.visit_id as key from staging_visits as s
where s.run_id = $1
  and not exists (select 1 from fact_visits as f where f.run_id = $1 and f.visit_id = s.visit_id)
  and not exists (
    select 1 from quarantine_rows as q
    where q.run_id = s.run_id and q.entity = 'visits' and q.source_line = s.source_line
  )
  and not exists (
    select 1 from fact_visit_ids as r
    join fact_visits as f on f.visit_key = r.visit_key and f.visit_id::uuid = r.visit_id
    where r.visit_id = s.visit_id::uuid
  );
