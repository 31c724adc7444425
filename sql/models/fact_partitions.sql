-- depends_on:
-- Create the yearly partitions the batch needs before any fact row arrives: every year from the run's
-- first visit to its last (min and max read the run's rows once; no sort, no distinct).
select ensure_fact_partition(y)
from (
  select extract(year from min(visit_date))::int as first, extract(year from max(visit_date))::int as last
  from staging_visits where run_id = pipeline_run_id()
) as span
cross join lateral generate_series(span.first, span.last) as y;
