// The shape every step Lambda shares: the event is the RunState, the result is the RunState. On the
// way out it emits the step's operational metrics (run-metrics.ts), from the state the step returned.
import { readLambdaSettings } from '../config.js';
import type { RunState, Step } from '../steps/run-state.js';
import { buildDeps } from './deps.js';
import { emitMetrics } from './emit-metrics.js';
import { toStateMachineError } from './lambda-errors.js';
import { runMetrics } from './run-metrics.js';
import type { StepName } from '../steps/step-names.js';

export type StepHandler = (event: RunState) => Promise<RunState>;

export function stepHandler(name: StepName, step: Step): StepHandler {
  return async (event) => {
    const deps = buildDeps(readLambdaSettings(), { runId: event.runId, step: name });
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
