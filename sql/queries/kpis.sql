-- query: headline KPIs (the dashboard's top row); reads through the audited functions. Costs are cost_with_privacy
-- (per-row noise): the analysts' reads carry no exact cost; the published layer has the DP means.
with visits as (select * from get_fact_visits()),
patients as (select * from get_dim_patients() where is_current),
providers as (select * from get_dim_providers())
select
  (select count(*) from patients)::int as total_patients,
  (select count(*) from providers)::int as total_providers,
  (select count(*) from visits)::int as total_visits,
  (select round(avg(cost_with_privacy), 2) from visits) as avg_cost,
  (select round(sum(cost_with_privacy), 2) from visits) as total_cost,
  (select round(count(*)::numeric / nullif(count(distinct patient_key), 0), 2) from visits) as avg_visits_per_patient,
  (select min(visit_date) from visits) as first_visit,
  (select max(visit_date) from visits) as last_visit;
