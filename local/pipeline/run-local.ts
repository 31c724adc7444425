// One offline run: migrate the warehouse (as a deploy would), then execute the state machine the CDK
// app synthesizes, its Lambda tasks mapped to the steps in this process and its batch ledger in the
// warehouse, so the offline run and the cloud run cannot drift apart.
import { sqlBatchLedger } from '../../lambdas/steps/batch-ledger.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import { migrate, steps, STEP_NAMES, type StepName } from '../../lambdas/steps/index.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { runPipelineLocally, type HarnessAppProps } from '../harness/index.js';
import type { LocalDeps } from './local-deps.js';

export interface RunLocalOptions {
  /** Props of the app whose state machine runs (tests change it to prove the run follows it). */
  app?: HarnessAppProps;
}

export async function runLocal(deps: LocalDeps, input: RunInput, opts: RunLocalOptions = {}): Promise<RunState> {
  const warehouse = await deps.warehouse();
  await migrate(warehouse, deps.sql);
  const handlers = Object.fromEntries(STEP_NAMES.map((name) => [name, (s: RunState) => steps[name](deps, s)])) as Record<StepName, (s: RunState) => Promise<RunState>>;
  const result = await runPipelineLocally(handlers, input, { ledger: sqlBatchLedger(deps.warehouse), app: opts.app });
  if (result.status === 'SUCCEEDED') return result.output as RunState;
  const original = result.error?.original;
  if (original instanceof Error) throw original;
  throw new PipelineError('DB_FAILED', `run ${input.runId} failed: ${result.error?.Error}: ${JSON.stringify(result.error?.Cause)}`);
}
