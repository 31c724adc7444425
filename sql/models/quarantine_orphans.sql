-- depends_on: dim_patients, dim_providers, quarantine_duplicates
-- slices: staging_visits
-- Visits that name a patient or provider the warehouse has never seen (by line; no pseudonym kept).
insert into quarantine_rows (run_id, entity, source_line, record_key, reason)
select current_setting('pipeline.run_id'), 'visits', v.source_line, null,
       case
         when p.patient_id is null then 'unknown patient_id (not in this batch nor the warehouse)'
         else 'unknown provider_id ' || v.provider_id || ' (not in this batch nor the warehouse)'
       end
from stg_visits as v
left join dim_patients as p on p.patient_id = v.patient_id and p.is_current
left join dim_providers as r on r.provider_id = v.provider_id
where p.patient_id is null or r.provider_id is null;
