// The bench's second yardstick loads what the pipeline loads: every visit of a clean batch becomes a
// fact row joined to its patient and provider, and it leaves nothing behind in the warehouse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steps } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { expertLoad } from '../../local/bench/expert-load.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, testDeps } from '../helpers/run-pipeline.js';

describe.each(DATABASES)('Function: expertLoad on $name', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await kind.create();
  });
  afterAll(() => db?.drop());

  it('makes a fact row of every visit, and drops its schema afterwards', async () => {
    const deps = testDeps(db);
    try {
      const state: RunState = await steps.generate(deps, generatedInput(30, 5, 4));
      const wh = await deps.warehouse();
      expect(await expertLoad(wh, deps.landing, state.batchPrefix, state.asOf)).toBe(state.generated!.rows.visits);
      expect(await wh.query(`select 1 from pg_namespace where nspname = 'bench_expert'`)).toEqual([]);
    } finally {
      await deps.close();
    }
  });
});
