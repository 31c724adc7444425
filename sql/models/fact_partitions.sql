-- depends_on:
-- Create the yearly partitions the batch needs before any fact row arrives: one per year the run's
-- visits fall in (a hash aggregate over the run's rows; no sort).
select ensure_fact_partition(y::integer)
from (select distinct extract(year from visit_date) as y from staging_visits where run_id = pipeline_run_id()) as years;
