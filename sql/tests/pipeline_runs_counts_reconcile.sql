-- test: each finished run's counts reconcile (read = clean + quarantined, staged = clean, read = found + quarantined on read and in the warehouse); table: pipeline_runs
select r.run_id || ' ' || e.key as key
from pipeline_runs as r
cross join lateral jsonb_each(coalesce(r.counts -> 'anonymized', '{}'::jsonb)) as e
where r.status = 'succeeded'
  and ((e.value ->> 'read')::bigint <> (e.value ->> 'clean')::bigint + (e.value ->> 'quarantined')::bigint
       or (r.counts -> 'staged' ->> e.key)::bigint is distinct from (e.value ->> 'clean')::bigint
       or (r.counts ? 'found'
           and (e.value ->> 'read')::bigint <> (r.counts -> 'found' ->> e.key)::bigint
             + (e.value ->> 'quarantined')::bigint + (r.counts -> 'warehouseQuarantined' ->> e.key)::bigint));
