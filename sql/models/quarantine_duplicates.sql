-- depends_on:
-- A second row with an id already seen in the same batch is quarantined, never silently dropped.
insert into quarantine_rows (run_id, entity, source_line, record_key, reason)
select current_setting('pipeline.run_id'), 'patients', s.source_line, s.patient_id,
       'duplicate patient_id in batch (first kept at line ' || k.source_line || ')'
from staging_patients as s
join stg_patients as k on k.patient_id = s.patient_id and k.source_line <> s.source_line
where s.run_id = pipeline_run_id()
union all
select current_setting('pipeline.run_id'), 'providers', s.source_line, s.provider_id,
       'duplicate provider_id in batch (first kept at line ' || k.source_line || ')'
from staging_providers as s
join stg_providers as k on k.provider_id = s.provider_id and k.source_line <> s.source_line
where s.run_id = pipeline_run_id()
union all
select current_setting('pipeline.run_id'), 'visits', s.source_line, s.visit_id,
       'duplicate visit_id in batch (first kept at line ' || k.source_line || ')'
from staging_visits as s
join stg_visits as k on k.visit_id = s.visit_id and k.source_line <> s.source_line
where s.run_id = pipeline_run_id();
