-- depends_on:
-- slices: staging_visits
-- Create the yearly partitions the batch needs before any fact row arrives: one per year the run's
-- visits fall in (a hash aggregate over the slice's rows; no sort). Every staged line counts,
-- duplicates too, as in one pass.
select ensure_fact_partition(y::integer)
from (select distinct extract(year from visit_date) as y from staging_visits
      where run_id = pipeline_run_id()
        and source_line between slice_first_line('staging_visits') and slice_last_line('staging_visits')) as years;
