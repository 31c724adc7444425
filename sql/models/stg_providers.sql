-- depends_on:
create or replace view stg_providers as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.provider_id order by s.source_line) as occurrence
  from staging_providers as s
)
select provider_id, provider_name, specialty, source_line
from ranked
where occurrence = 1;
