-- query: patients, visits and cost by age group (the reference's age group analysis)
with patients as (select * from get_dim_patients() where is_current),
visits as (select f.*, p.age_group from get_fact_visits() as f join get_dim_patients() as p on p.patient_key = f.patient_key)
select
  p.age_group,
  count(distinct p.patient_id)::int as patients,
  coalesce(v.visits, 0)::int as visits,
  v.avg_cost,
  round(coalesce(v.visits, 0)::numeric / count(distinct p.patient_id), 2) as avg_visits_per_patient
from patients as p
left join (
  select age_group, count(*) as visits, round(avg(cost_with_privacy), 2) as avg_cost from visits group by age_group
) as v on v.age_group = p.age_group
group by p.age_group, v.visits, v.avg_cost
order by p.age_group;
