// A model that groups every staged row of the run by an id says `-- buckets: staging` (today only
// quarantine_duplicates: the two lines of a duplicate may sit in any two slices of lines, so slicing by
// line cannot bound it). Up to `bucketRows` staged rows it runs as written, in one call. A larger run
// runs it once per hash bucket of the ids: each `/* bucket: <column> */` in its SQL becomes a filter
// keeping the rows whose id hashes to that call's bucket (082_run_buckets.sql). Every line of an id is
// in the same bucket, so each call's answer is exact and the calls add up to the whole.
import { PipelineError } from '../errors.js';

/** Staged rows (all staging tables of the run) one call of a bucketed model groups, unless configured. */
export const DEFAULT_BUCKET_ROWS = 10_000_000;

const MARKER = /\/\*\s*bucket:\s*([^*]*?)\s*\*\//g;
const COLUMN = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** Whether the model is run per hash bucket of the run's ids; refuses one that marks no column to bucket by. */
export function bucketedModel(model: { name: string; sql: string }): boolean {
  const line = /^--\s*buckets:(.*)$/m.exec(model.sql);
  if (!line) return false;
  if (line[1]!.trim() !== 'staging') throw new PipelineError('BAD_CONFIG', `model ${model.name} says buckets: ${line[1]!.trim() || 'nothing'}; a model may only say buckets: staging`);
  if (/^--\s*slices:/m.test(model.sql)) throw new PipelineError('BAD_CONFIG', `model ${model.name} says both slices and buckets; a model runs in slices of lines or in buckets of ids, not both`);
  const columns = [...model.sql.matchAll(MARKER)].map((m) => m[1]!);
  if (!columns.length) throw new PipelineError('BAD_CONFIG', `model ${model.name} runs in buckets but marks no /* bucket: <column> */ to filter by`);
  const bad = columns.find((c) => !COLUMN.test(c));
  if (bad !== undefined) throw new PipelineError('BAD_CONFIG', `model ${model.name} buckets by "${bad}", which is not a column name`);
  return true;
}

/** Buckets for a run of `stagedRows`: one up to `bucketRows`, then as many as keep each to about that many. */
export function bucketCount(stagedRows: number, bucketRows: number): number {
  if (!Number.isInteger(bucketRows) || bucketRows < 1) throw new PipelineError('BAD_CONFIG', `a transform bucket must hold at least one row, not ${bucketRows}`);
  return Math.max(1, Math.ceil(stagedRows / bucketRows));
}

/**
 * The model's SQL for bucket `bucket` of `buckets`: unchanged for one bucket (the markers are comments).
 * The filter says which buckets a row is NOT in (`<> all` of the others) rather than `= bucket`: the
 * planner estimates an equality on a function at 0.5% of the rows and then sorts them to group them,
 * where it hashes them at ~99% (the bench's 400k visits in 4 buckets: a bucket hashed in 0.74 s,
 * sorted in 0.85, and the sort's cost grows faster with the bucket).
 */
export function inBucket(sql: string, bucket: number, buckets: number): string {
  if (!(Number.isInteger(buckets) && buckets >= 1 && Number.isInteger(bucket) && bucket >= 0 && bucket < buckets)) {
    throw new RangeError(`bucket ${bucket} of ${buckets}`);
  }
  if (buckets === 1) return sql;
  const others = Array.from({ length: buckets }, (_, i) => i).filter((i) => i !== bucket);
  return sql.replace(MARKER, (_, column: string) => `and id_bucket(${column}, ${buckets}) <> all('{${others.join(',')}}'::integer[])`);
}
