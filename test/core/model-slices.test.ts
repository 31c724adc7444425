import { describe, expect, it } from 'vitest';
import { lineRanges, slicedBy } from '../../lambdas/core/models/model-slices.js';

describe('model slices', () => {
  it('reads the staging table a model slices by, and none for a model run in one call', () => {
    expect(slicedBy({ name: 'fact_visits.sql', sql: '-- depends_on: a\n-- slices: staging_visits\ninsert ...' })).toBe('staging_visits');
    expect(slicedBy({ name: 'dim_providers.sql', sql: '-- depends_on:\ninsert ...' })).toBeUndefined();
  });

  it('refuses a table whose rows carry no run and source line', () => {
    expect(() => slicedBy({ name: 'm.sql', sql: '-- slices: fact_visits\n' })).toThrow(/m\.sql slices by fact_visits/);
  });

  it('covers the lines with ranges of at most the slice size, the last one short', () => {
    expect(lineRanges(2, 11, 4)).toEqual([{ first: 2, last: 5 }, { first: 6, last: 9 }, { first: 10, last: 11 }]);
    expect(lineRanges(7, 7, 250_000)).toEqual([{ first: 7, last: 7 }]);
    expect(() => lineRanges(1, 10, 0)).toThrow(/at least one row/);
  });
});
