-- query: the ten most frequent diagnoses with their patients and mean cost (diagnosis insights)
select
  diagnosis,
  count(*)::int as visits,
  count(distinct patient_key)::int as patients,
  round(avg(cost_with_privacy), 2) as avg_cost
from get_fact_visits()
group by diagnosis
order by visits desc, diagnosis
limit 10;
