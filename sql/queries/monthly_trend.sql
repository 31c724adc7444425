-- query: visits, patients and cost per month (time trends)
select
  to_char(date_trunc('month', visit_date), 'YYYY-MM') as month,
  count(*)::int as visits,
  count(distinct patient_key)::int as patients,
  round(sum(cost_with_privacy), 2) as total_cost,
  round(avg(cost_with_privacy), 2) as avg_cost
from get_fact_visits()
group by 1
order by 1;
