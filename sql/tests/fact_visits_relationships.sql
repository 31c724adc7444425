-- test: relationships to dim_patients and dim_providers; table: fact_visits
select f.visit_id as key from fact_visits as f
left join dim_patients as p on p.patient_key = f.patient_key
left join dim_providers as r on r.provider_key = f.provider_key
where p.patient_key is null or r.provider_key is null;
