-- query: patients and visits by state (geographic distribution; states, never ZIPs, for display)
with patients as (select * from get_dim_patients())
select
  p.state,
  count(distinct p.patient_id)::int as patients,
  count(f.visit_id)::int as visits,
  round(avg(f.cost_with_privacy), 2) as avg_cost
from patients as p
left join get_fact_visits() as f on f.patient_key = p.patient_key
group by p.state
order by patients desc, p.state;
