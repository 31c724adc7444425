-- test: not_null on every visit attribute; table: fact_visits
-- Inside a run ($1), the visits that run inserted (by index); on demand ($1 null, npm run dq), every visit.
select coalesce(visit_id, visit_key::text) as key from fact_visits
where (visit_id is null or patient_key is null or provider_key is null or visit_date is null
   or visit_type is null or diagnosis is null or procedure_performed is null or run_id is null)
  and ($1::text is null or run_id = $1);
