// One offline run: migrate the warehouse (as a deploy would), then execute the state machine the CDK
// app synthesizes, its Lambda tasks mapped to the steps in this process and its batch ledger in the
// warehouse, so the offline run and the cloud run cannot drift apart. A run that fails is recorded in
// the ledger as the cloud's execution status rule records it; running the same batch again reruns it.
import { sqlBatchLedger } from '../../lambdas/steps/batch-ledger.js';
import { PipelineError } from '../../lambdas/core/errors.js';
import { migrate, steps, STEP_NAMES, type StepName } from '../../lambdas/steps/index.js';
import type { RunInput, RunState, StepDeps } from '../../lambdas/steps/run-state.js';
import { runPipelineLocally, type HarnessAppProps, type LocalSteps } from '../harness/index.js';
import type { LocalDeps } from './local-deps.js';

export interface RunLocalOptions {
  /** Props of the app whose state machine runs (tests change it to prove the run follows it). */
  app?: HarnessAppProps;
  /** Apply sql/migrations first, as a deploy does. Off when the warehouse login may not (the pipeline role). @default true */
  migrate?: boolean;
}

/** The five steps over one set of ports, as the harness calls them. */
export const localSteps = (deps: StepDeps): LocalSteps =>
  Object.fromEntries(STEP_NAMES.map((name) => [name, (s: RunState) => steps[name](deps, s)])) as Record<StepName, (s: RunState) => Promise<RunState>>;

export async function runLocal(deps: LocalDeps, input: RunInput, opts: RunLocalOptions = {}): Promise<RunState> {
  if (opts.migrate ?? true) await migrate(await deps.warehouse(), deps.sql);
  const result = await runPipelineLocally(localSteps(deps), input, { ledger: sqlBatchLedger(deps.warehouse), ...(opts.app ? { app: opts.app } : {}) });
  if (result.status === 'SUCCEEDED') return result.output as RunState;
  const original = result.error?.original;
  if (original instanceof Error) throw original;
  throw new PipelineError('DB_FAILED', `run ${input.runId} ended ${result.status}: ${result.error?.Error}: ${JSON.stringify(result.error?.Cause)}`);
}
