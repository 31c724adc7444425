// Redrive, end to end on each database: a run whose transform commits and then dies (the Lambda is
// lost before it answers) fails the execution at Transform, the ledger records the failure as the
// status rule would, the redrive reruns Transform and what follows, and the warehouse ends exactly as
// after one clean run of the same batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { sqlBatchLedger } from '../../lambdas/steps/batch-ledger.js';
import { migrate } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { redrivePipelineLocally, runPipelineLocally } from '../../local/harness/index.js';
import { localSteps } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, queryDb, runPipeline, testDeps } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from '../integrity/support/checksum.js';
import { withTestWarehouse } from '../integrity/support/warehouse.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const INPUT = generatedInput(30, 5, 21);

describe.each(DATABASES)('Redrive on $name', (kind) => {
  const dbs: TestDatabase[] = [];
  let clean: Record<string, string>;

  beforeAll(async () => {
    const db = await kind.create();
    dbs.push(db);
    await runPipeline(db, INPUT, OPTIONS);
    clean = await withTestWarehouse(db, warehouseChecksum);
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('resumes a run at the step that failed and ends with the clean run\'s checksum', async () => {
    const db = await kind.create();
    dbs.push(db);
    const deps = testDeps(db, OPTIONS);
    try {
      await migrate(await deps.warehouse(), deps.sql);
      const ledger = sqlBatchLedger(deps.warehouse);
      const steps = localSteps(deps);
      let died = false;
      const dyingTransform = async (s: RunState): Promise<RunState> => {
        const out = await steps.transform!(s);
        if (died) return out;
        died = true;
        throw new PipelineError('DB_FAILED', 'the transform Lambda was lost after its commit');
      };
      const failed = await runPipelineLocally({ ...steps, transform: dyingTransform }, INPUT, { ledger });
      expect(failed.status).toBe('FAILED');
      expect(failed.failedState?.name).toBe('Transform');
      const [recorded] = await queryDb<{ ledger: string; run: string; error: string }>(db,
        `select b.status as ledger, r.status as run, r.error from batch_ledger b join pipeline_runs r using (run_id) where r.run_id = $1`, [INPUT.runId]);
      expect(recorded).toEqual({ ledger: 'failed', run: 'failed', error: expect.stringContaining('the transform Lambda was lost') });

      const redriven = await redrivePipelineLocally({ ...steps, transform: dyingTransform }, failed, { ledger });
      expect(redriven.status).toBe('SUCCEEDED');
      expect(redriven.invoked).toEqual(['transform', 'privatize', 'ledger:complete']);
    } finally {
      await deps.close();
    }
    expect(await withTestWarehouse(db, warehouseChecksum)).toEqual(clean);
  });
});
