// Runs one batch through the pipeline's steps against a given database (the bench's scale and
// profile tools share it): a folder of input files or a generated batch, up to a chosen step, with
// each step's seconds. The same pseudonym key every time, so batches run into one warehouse agree.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import { migrate, steps, type StepName } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps } from '../pipeline/local-deps.js';

export interface BatchSpec {
  runId: string;
  /** A folder of input files; otherwise a generated batch of `patients`. */
  input?: string;
  patients?: number;
  seed?: number;
}

const BENCH_KEY = 'b'.repeat(64);

/** Runs generate..`through` for the batch and returns each step's seconds. */
export async function runBatch(databaseUrl: string, batch: BatchSpec, through: StepName): Promise<Partial<Record<StepName, number>>> {
  const workDir = await mkdtemp(join(tmpdir(), 'health-pipeline-batch-'));
  const input = batch.input ? resolve(batch.input) : undefined;
  const deps = buildLocalDeps({ workDir, databaseUrl, landingDir: input, config: defaultConfig, progress: silentProgress, logger: silentLogger, pseudonymKey: BENCH_KEY });
  const seconds: Partial<Record<StepName, number>> = {};
  try {
    await migrate(await deps.warehouse(), deps.sql);
    let state: RunState = input
      ? { runId: batch.runId, batchPrefix: '', asOf: '2025-12-31' }
      : { runId: batch.runId, batchPrefix: 'batch/', asOf: '2025-12-31', generate: { patients: batch.patients ?? 10_000, providers: 50, seed: batch.seed ?? 1 } };
    for (const name of ['generate', 'anonymize', 'load', 'transform', 'privatize'] as const) {
      const t0 = Date.now();
      state = await steps[name](deps, state);
      seconds[name] = (Date.now() - t0) / 1000;
      if (name === through) break;
    }
    return seconds;
  } finally {
    await deps.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
