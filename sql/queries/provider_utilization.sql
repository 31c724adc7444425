-- query: visits, patients and cost per provider and specialty (provider utilisation)
select
  r.provider_id,
  r.provider_name,
  r.specialty,
  count(f.visit_id)::int as visits,
  count(distinct f.patient_key)::int as patients,
  round(avg(f.cost_with_privacy), 2) as avg_cost
from get_dim_providers() as r
left join get_fact_visits() as f on f.provider_key = r.provider_key
group by r.provider_id, r.provider_name, r.specialty
order by visits desc, r.provider_id;
