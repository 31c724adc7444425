-- test: not_null on every visit attribute; table: fact_visits
select coalesce(visit_id, visit_key::text) as key from fact_visits
where visit_id is null or patient_key is null or provider_key is null or visit_date is null
   or visit_type is null or diagnosis is null or procedure_performed is null or run_id is null;
