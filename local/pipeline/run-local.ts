// One offline run: migrate the warehouse (as a deploy would), claim the batch, run the steps, record
// the run. The steps run through the state machine the CDK app defines (see harness), or in plain
// order when no definition is given.
import { PipelineError } from '../../lambdas/core/errors.js';
import { migrate, steps, STEP_NAMES, type StepName } from '../../lambdas/steps/index.js';
import type { RunInput, RunState, Step } from '../../lambdas/steps/run-state.js';
import type { LocalDeps } from './local-deps.js';

export type StepRunner = (handlers: Record<StepName, (s: RunState) => Promise<RunState>>, input: RunInput) => Promise<RunState>;

/** Runs the steps in their natural order; the state machine harness replaces this when available. */
export const runInOrder: StepRunner = async (handlers, input) => {
  let state: RunState = input;
  for (const name of STEP_NAMES) state = await handlers[name](state);
  return state;
};

export async function runLocal(deps: LocalDeps, input: RunInput, runner: StepRunner = runInOrder): Promise<RunState> {
  const warehouse = await deps.warehouse();
  await migrate(warehouse, deps.sql);
  await warehouse.query(
    `insert into pipeline_runs (run_id, batch_key, status) values ($1, $2, 'running')
     on conflict (run_id) do update set status = 'running', started_at = now(), finished_at = null, error = null`,
    [input.runId, input.batchPrefix],
  );
  const handlers = Object.fromEntries(
    STEP_NAMES.map((name) => [name, (s: RunState) => (steps[name] as Step)(deps, s)]),
  ) as Record<StepName, (s: RunState) => Promise<RunState>>;
  try {
    const final = await runner(handlers, input);
    await warehouse.query(
      "update pipeline_runs set status = 'succeeded', finished_at = now(), counts = $2::jsonb where run_id = $1",
      [input.runId, JSON.stringify(countsOf(final))],
    );
    return final;
  } catch (e) {
    const message = e instanceof PipelineError ? e.message : String((e as Error)?.message ?? e);
    await warehouse
      .query("update pipeline_runs set status = 'failed', finished_at = now(), error = $2 where run_id = $1", [input.runId, message])
      .catch(() => undefined);
    throw e;
  }
}

function countsOf(s: RunState): Record<string, unknown> {
  return { anonymized: s.anonymized?.counts, staged: s.loaded?.staged, warehouseQuarantined: s.transformed?.quarantined };
}
