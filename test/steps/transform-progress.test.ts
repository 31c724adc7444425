// A long transform is not silent: each slice of a sliced model reports the staged lines done so far,
// the model's line says how many slices it ran, and the data tests get a line of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../lambdas/ports.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, testDeps } from '../helpers/run-pipeline.js';

const SLICE_ROWS = 20;

describe('Function: transform (progress)', () => {
  let db: TestDatabase;
  const events: string[] = [];
  let visits = 0;
  beforeAll(async () => {
    db = await DATABASES[0]!.create();
    const progress: Progress = {
      start: (step) => void events.push(`start ${step}`),
      advance: (step, rows) => void events.push(`advance ${step} ${rows}`),
      done: (step, detail) => void events.push(`done ${step}${detail ? `: ${detail}` : ''}`),
    };
    const deps = { ...testDeps(db, { config: { transformSliceRows: SLICE_ROWS } }), progress };
    try {
      const state = await runLocal(deps, generatedInput(15, 4, 3));
      visits = state.generated!.rows.visits;
    } finally {
      await deps.close();
    }
  });
  afterAll(() => db?.drop());

  it('reports each slice of the fact model with the staged lines done so far, ending at every line', () => {
    const advances = events.filter((e) => e.startsWith('advance transform fact_visits.sql ')).map((e) => Number(e.split(' ').at(-1)));
    const slices = Math.ceil(visits / SLICE_ROWS);
    expect(slices).toBeGreaterThan(1);
    expect(advances).toEqual(Array.from({ length: slices }, (_, i) => Math.min((i + 1) * SLICE_ROWS, visits)));
    expect(events).toContain(`done transform fact_visits.sql: ${slices} slices, ${visits.toLocaleString('en-US')} staged lines`);
  });

  it('gives the data tests a line of their own, after every model and with how many passed', () => {
    const tests = events.indexOf('start transform data tests');
    expect(tests).toBeGreaterThan(events.indexOf('done transform patients_top_code.sql'));
    expect(events[tests + 1]).toMatch(/^done transform data tests: 1\d passed$/);
  });
});
