-- depends_on:
-- The batch's patients, one row per patient_id (the first line wins; later ones are quarantined).
create or replace view stg_patients as
with ranked as (
  select
    s.*,
    row_number() over (partition by s.patient_id order by s.source_line) as occurrence
  from staging_patients as s
)
select patient_id, anonymized_name, age_group, age_band, gender, zip3, state, source_line
from ranked
where occurrence = 1;
