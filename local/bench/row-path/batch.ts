// A generated batch in a scratch folder for the row-path benchmark: the repo's generator writes the
// three input files into a local landing store, exactly as `simulate` does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../../lambdas/ports.js';
import { steps } from '../../../lambdas/steps/index.js';
import type { Entity, RunState } from '../../../lambdas/steps/run-state.js';
import { buildLocalDeps, type LocalDeps } from '../../pipeline/local-deps.js';

export interface BenchBatch {
  deps: LocalDeps;
  state: RunState;
  /** Keys of the input files in deps.landing. */
  files: Record<Entity, string>;
  rows: Record<Entity, number>;
  dir: string;
  close(): Promise<void>;
}

/** About `visits` visit rows: the generator gives each patient 1..5 visits (3 on average). */
export async function generateBatch(visits: number): Promise<BenchBatch> {
  const dir = await mkdtemp(join(tmpdir(), 'row-path-bench-'));
  const deps = buildLocalDeps({ workDir: dir, config: defaultConfig, progress: silentProgress, logger: silentLogger, pseudonymKey: 'b'.repeat(64) });
  const patients = Math.max(1, Math.round(visits / 3));
  let state: RunState = { runId: `row-path-${visits}`, batchPrefix: 'batch/', asOf: '2025-12-31', generate: { patients, providers: 50, seed: 1 } };
  state = await steps.generate(deps, state);
  return {
    deps,
    state,
    files: state.generated!.files,
    rows: state.generated!.rows,
    dir,
    async close() {
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
