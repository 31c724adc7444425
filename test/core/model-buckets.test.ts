import { describe, expect, it } from 'vitest';
import { bucketCount, bucketedModel, inBucket } from '../../lambdas/core/models/model-buckets.js';

const MODEL = `-- depends_on:
-- buckets: staging
select visit_id from staging_visits where run_id = pipeline_run_id() /* bucket: visit_id */ group by visit_id
union all
select s.patient_id from staging_patients as s where true /* bucket:s.patient_id*/ group by 1`;

describe('model buckets', () => {
  it('reads the directive, and none for a model run as written', () => {
    expect(bucketedModel({ name: 'q.sql', sql: MODEL })).toBe(true);
    expect(bucketedModel({ name: 'd.sql', sql: '-- depends_on:\n-- slices: staging_visits\nselect 1' })).toBe(false);
  });

  it('refuses a bucketed model that marks nothing to filter, a marker that is not a column, another directive, or slices as well', () => {
    expect(() => bucketedModel({ name: 'q.sql', sql: '-- buckets: staging\nselect 1' })).toThrow(/q\.sql runs in buckets but marks no/);
    expect(() => bucketedModel({ name: 'q.sql', sql: '-- buckets: staging\nselect 1 /* bucket: 1; drop table x */' })).toThrow(/buckets by "1; drop table x", which is not a column name/);
    expect(() => bucketedModel({ name: 'q.sql', sql: '-- buckets: lines\nselect 1 /* bucket: id */' })).toThrow(/may only say buckets: staging/);
    expect(() => bucketedModel({ name: 'q.sql', sql: '-- slices: staging_visits\n-- buckets: staging\nselect 1 /* bucket: id */' })).toThrow(/not both/);
  });

  it('counts one bucket up to the bucket size, then enough to keep each to about that many rows', () => {
    expect(bucketCount(0, 10)).toBe(1);
    expect(bucketCount(10, 10)).toBe(1);
    expect(bucketCount(11, 10)).toBe(2);
    expect(bucketCount(30_000_000, 10_000_000)).toBe(3);
    expect(() => bucketCount(5, 0)).toThrow(/at least one row/);
  });

  it('leaves the SQL as written for one bucket, and filters every marked column by the bucket for more', () => {
    expect(inBucket(MODEL, 0, 1)).toBe(MODEL);
    const second = inBucket(MODEL, 1, 3);
    expect(second).toContain(`pipeline_run_id() and id_bucket(visit_id, 3) <> all('{0,2}'::integer[]) group by visit_id`);
    expect(second).toContain(`where true and id_bucket(s.patient_id, 3) <> all('{0,2}'::integer[]) group by 1`);
    expect(second).not.toContain('/*');
    expect(() => inBucket(MODEL, 3, 3)).toThrow(RangeError);
  });
});
