-- Hash buckets of a run's ids (issue 10, bounded calls). A model marked `-- buckets: staging` groups
-- every staged row of the run by its id (quarantine_duplicates: an id seen twice in a batch), which no
-- slice of lines can bound, since the two lines of a duplicate may sit in any two slices. Past a size
-- (transformBucketRows staged rows, 10M by default) the transform runs such a model once per bucket,
-- each call keeping only the ids that hash to its bucket (lambdas/core/models/model-buckets.ts). Every
-- line of an id is in the same bucket, so each call's answer is exact and the calls add up to the whole.
-- Forward-only and idempotent.

-- The bucket of an id: its text hash, sign bit cleared (abs() of the smallest integer overflows). No
-- SET clause, so the planner inlines it: with `set search_path` every row paid a function call and a
-- setting saved and restored (a quarter of the 400k bench's visits took 3.3 s to bucket, against 1.5 s
-- to group all of them; inlined, 0.74 s).
create or replace function id_bucket(p_id text, p_buckets integer) returns integer
language sql immutable parallel safe as $$
  select (pg_catalog.hashtext(p_id) & 2147483647) % p_buckets
$$;

revoke execute on function id_bucket(text, integer) from public;
grant execute on function id_bucket(text, integer) to hw_pipeline;
