-- test: each finished run's counts reconcile (read = clean + quarantined, staged = clean); table: pipeline_runs
select r.run_id || ' ' || e.key as key
from pipeline_runs as r
cross join lateral jsonb_each(coalesce(r.counts -> 'anonymized', '{}'::jsonb)) as e
where r.status = 'succeeded'
  and ((e.value ->> 'read')::bigint <> (e.value ->> 'clean')::bigint + (e.value ->> 'quarantined')::bigint
       or (r.counts -> 'staged' ->> e.key)::bigint is distinct from (e.value ->> 'clean')::bigint);
