-- depends_on:
-- buckets: staging
-- A second row with an id already seen in the same batch is quarantined, never silently dropped. The
-- line names the row to fix; a pseudonym beside it would link the raw export to the warehouse (only
-- provider ids, which are not pseudonyms, are kept as the record key). The
-- ids seen twice are found by hashing the run's ids; only those few are joined back to their rows.
-- Every line of a run is grouped here, so a run of more than transformBucketRows staged rows (10M by
-- default) runs this once per hash bucket of the ids, each call grouping one bucket: each bucket
-- marker below (a comment naming the id column) becomes that bucket's filter
-- (lambdas/core/models/model-buckets.ts). Up to then it runs as written, in one call.
insert into quarantine_rows (run_id, entity, source_line, record_key, reason)
select pipeline_run_id(), 'patients', s.source_line, null,
       'duplicate patient_id in batch (first kept at line ' || d.first_line || ')'
from (
  select patient_id, min(source_line) as first_line from staging_patients
  where run_id = pipeline_run_id() /* bucket: patient_id */ group by patient_id having count(*) > 1
) as d
join staging_patients as s on s.run_id = pipeline_run_id() and s.patient_id = d.patient_id and s.source_line <> d.first_line
union all
select pipeline_run_id(), 'providers', s.source_line, s.provider_id,
       'duplicate provider_id in batch (first kept at line ' || d.first_line || ')'
from (
  select provider_id, min(source_line) as first_line from staging_providers
  where run_id = pipeline_run_id() /* bucket: provider_id */ group by provider_id having count(*) > 1
) as d
join staging_providers as s on s.run_id = pipeline_run_id() and s.provider_id = d.provider_id and s.source_line <> d.first_line
union all
select pipeline_run_id(), 'visits', s.source_line, null,
       'duplicate visit_id in batch (first kept at line ' || d.first_line || ')'
from (
  select visit_id, min(source_line) as first_line from staging_visits
  where run_id = pipeline_run_id() /* bucket: visit_id */ group by visit_id having count(*) > 1
) as d
join staging_visits as s on s.run_id = pipeline_run_id() and s.visit_id = d.visit_id and s.source_line <> d.first_line;
