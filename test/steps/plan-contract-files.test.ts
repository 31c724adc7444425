// Where the anonymize step plans the contract files' chunks: on the deps' threads for a large batch
// (so the main thread does not hold its read buffers), in this thread for a small one (starting the
// threads would cost more than the plans), and on the threads whenever the store cannot tell sizes.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../lambdas/adapters/local/fs-blob-store.js';
import { defaultConfig } from '../../lambdas/core/config.js';
import { isPipelineError } from '../../lambdas/core/errors.js';
import { silentProgress, type BlobStore } from '../../lambdas/ports.js';
import type { ChunkRunner } from '../../lambdas/steps/chunk-runner.js';
import { PLAN_HERE_BELOW_BYTES, planContractFiles } from '../../lambdas/steps/io/anonymize-in-chunks.js';
import { planFile, type PlanFileInput } from '../../lambdas/steps/io/plan-file.js';

const BATCH = join(import.meta.dirname, '../fixtures/bad-batch');
const KEYS = { providers: 'synthetic_providers.csv', patients: 'synthetic_patients.csv', visits: 'synthetic_visits.csv' };

/** Plans the files with `landing` as the step would, with a runner that records the jobs it is given (and runs them here). */
async function planWith(landing: BlobStore) {
  const jobs: string[] = [];
  const runner: ChunkRunner = {
    async run(job, inputs) {
      jobs.push(job.name);
      return Promise.all(inputs.map((input) => planFile(landing, input as PlanFileInput))) as never;
    },
    async close() {},
  };
  const deps = { landing, clean: landing, chunks: { runner, stores: { landing: BATCH, clean: BATCH } }, config: defaultConfig, progress: silentProgress };
  const planned = await planContractFiles(deps, KEYS);
  return { jobs, rows: Object.fromEntries(Object.entries(planned).map(([e, f]) => [e, f.plan.rows])) };
}

/** The folder, with its sizes as given (undefined: a store that cannot tell them). */
function withSizes(store: FsBlobStore, size: ((key: string) => Promise<number>) | undefined): BlobStore {
  return {
    get: (key) => store.get(key),
    getRange: (key, start, end) => store.getRange(key, start, end),
    put: (key, body) => store.put(key, body),
    list: (prefix) => store.list(prefix),
    exists: (key) => store.exists(key),
    locate: (key) => store.locate(key),
    ...(size ? { size } : {}),
  };
}

describe('Function: planContractFiles', () => {
  it('plans a small batch in this thread, without starting the threads', async () => {
    // Act
    const { jobs, rows } = await planWith(new FsBlobStore(BATCH));
    // Assess
    expect(jobs).toEqual([]);
    expect(Object.keys(rows)).toEqual(['providers', 'patients', 'visits']);
  });

  it.each([
    ['files as large as the limit together', async () => PLAN_HERE_BELOW_BYTES / 3],
    ['a store that cannot tell sizes', undefined],
  ])('plans on the threads for %s, the same plans', async (_case, size) => {
    // Prepare
    const store = new FsBlobStore(BATCH);
    const here = await planWith(store);
    // Act
    const { jobs, rows } = await planWith(withSizes(store, size));
    // Assess
    expect(jobs).toEqual(['plan-file']);
    expect(rows).toEqual(here.rows);
  });
});

describe('Method: FsBlobStore.size', () => {
  it("gives a file's bytes, and BLOB_NOT_FOUND for a missing one", async () => {
    // Prepare
    const store = new FsBlobStore(BATCH);
    // Act
    const size = await store.size('synthetic_providers.csv');
    const missing = await store.size('nope.csv').catch((e: unknown) => e);
    // Assess
    expect(size).toBe((await stat(join(BATCH, 'synthetic_providers.csv'))).size);
    expect(isPipelineError(missing) && missing.code).toBe('BLOB_NOT_FOUND');
  });
});
