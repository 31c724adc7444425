-- test: relationships to dim_patients and dim_providers; table: fact_visits
-- Inside a run ($1), the visits that run inserted (by index); on demand ($1 null, npm run dq), every visit.
select f.visit_id as key from fact_visits as f
left join dim_patients as p on p.patient_key = f.patient_key
left join dim_providers as r on r.provider_key = f.provider_key
where (p.patient_key is null or r.provider_key is null)
  and ($1::text is null or f.run_id = $1);
