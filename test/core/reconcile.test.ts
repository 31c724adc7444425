// Reconciliation compares the files' counts with the warehouse's: table-driven, one line per case.
import { describe, expect, it } from 'vitest';
import { entityReconciles, reconcile, type EntityEvidence } from '../../lambdas/core/integrity/reconcile.js';
import { summarise, unreconciled } from '../../local/pipeline/summary.js';
import type { RunState } from '../../lambdas/steps/run-state.js';

const ok: EntityEvidence = { read: 10, quarantinedOnRead: 2, staged: 8, found: 7, quarantinedInWarehouse: 1 };

describe('reconcile', () => {
  it.each<[string, Partial<EntityEvidence>, RegExp | null]>([
    ['every row accounted for', {}, null],
    ['a row lost on the way to staging', { staged: 7, found: 6 }, /read 10 but 2 quarantined on read \+ 7 staged = 9/],
    ['a staged row the warehouse never got', { found: 6 }, /staged 8 but 6 found in the warehouse \+ 1 quarantined there = 7/],
    ['a row counted twice', { found: 8 }, /staged 8 but 8 found in the warehouse \+ 1 quarantined there = 9/],
  ])('%s', (_, change, expected) => {
    const out = reconcile({ patients: ok, providers: ok, visits: { ...ok, ...change } });
    if (expected) expect(out).toEqual([{ entity: 'visits', detail: expect.stringMatching(expected) }]);
    else expect(out).toEqual([]);
  });

  it('judges an entity by rows read against rows found plus quarantined', () => {
    expect(entityReconciles(ok)).toBe(true);
    expect(entityReconciles({ ...ok, found: 0 })).toBe(false);
  });
});

describe('summarise', () => {
  const counts = { read: 10, clean: 8, quarantined: 2 };
  const state = (foundVisits: number): RunState => ({
    runId: 'r', batchPrefix: '', asOf: '2025-12-31',
    anonymized: { clean: { patients: [], providers: [], visits: [] }, quarantine: '', counts: { patients: counts, providers: counts, visits: counts }, extraColumns: {}, ms: 0 },
    transformed: {
      tables: {}, partitions: [], dataTests: [], ms: 0,
      quarantined: { patients: 1, providers: 1, visits: 1 },
      found: { patients: 7, providers: 7, visits: foundVisits },
      added: { patients: 7, providers: 0, visits: 0 },
    },
  });

  it('takes "loaded" from what the warehouse found, so a run that loaded nothing does not reconcile', () => {
    const s = summarise(state(0), { warehouse: 'x', files: {}, totalMs: 0 });
    expect(s.entities.visits).toEqual({ read: 10, loaded: 0, added: 0, quarantinedOnRead: 2, quarantinedInWarehouse: 1, reconciles: false });
    expect(unreconciled(s)).toEqual(['visits']);
    expect(unreconciled(summarise(state(7), { warehouse: 'x', files: {}, totalMs: 0 }))).toEqual([]);
  });
});
