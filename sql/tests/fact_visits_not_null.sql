-- test: not_null on every visit attribute; table: fact_visits
-- Inside a run, the visits that run inserted; on demand (npm run dq), every visit.
select coalesce(visit_id, visit_key::text) as key from fact_visits
where (visit_id is null or patient_key is null or provider_key is null or visit_date is null
   or visit_type is null or diagnosis is null or procedure_performed is null or run_id is null)
  and (pipeline_run_id() is null
       or (run_id = pipeline_run_id()
           and visit_id in (select visit_id from staging_visits where run_id = pipeline_run_id())));
