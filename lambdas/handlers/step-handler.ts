// The shape every step Lambda shares: the event is the RunState, the result is the RunState. On the
// way out it emits the step's operational metrics (run-metrics.ts), from the state the step returned.
// Its warehouse refuses a call the Lambda's remaining time cannot fit (deadline-warehouse.ts).
import type { Context } from 'aws-lambda';
import { deadlineWarehouse } from '../adapters/deadline-warehouse.js';
import { readLambdaSettings } from '../config.js';
import type { Warehouse } from '../ports.js';
import type { RunState, Step, StepDeps } from '../steps/run-state.js';
import { buildDeps } from './deps.js';
import { emitMetrics } from './emit-metrics.js';
import { toStateMachineError } from './lambda-errors.js';
import { runMetrics } from './run-metrics.js';
import type { StepName } from '../steps/step-names.js';

/** What a step handler reads of its Lambda context: tests and direct calls may give none (no deadline). */
export type LambdaClock = Pick<Context, 'getRemainingTimeInMillis'>;

export type StepHandler = (event: RunState, context?: LambdaClock) => Promise<RunState>;

export function stepHandler(name: StepName, step: Step): StepHandler {
  return async (event, context) => {
    const deps = withDeadline(buildDeps(readLambdaSettings(), { runId: event.runId, step: name }), name, context);
    const started = Date.now();
    try {
      const result = await step(deps, event);
      emitMetrics(runMetrics(name, result, Date.now() - started));
      return result;
    } catch (e) {
      deps.logger.error(`${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      throw toStateMachineError(e);
    }
  };
}

function withDeadline(deps: StepDeps, step: StepName, context?: LambdaClock): StepDeps {
  if (!context) return deps;
  const inner = deps.warehouse;
  let warehouse: Promise<Warehouse> | undefined;
  return { ...deps, warehouse: () => (warehouse ??= inner().then((wh) => deadlineWarehouse(wh, { step, remainingMs: () => context.getRemainingTimeInMillis() }))) };
}
