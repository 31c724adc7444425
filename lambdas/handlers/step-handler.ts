// The shape every step Lambda shares: the event is the RunState, the result is the RunState.
import { readLambdaSettings } from '../config.js';
import type { RunState, Step } from '../steps/run-state.js';
import { buildDeps } from './deps.js';
import { toStateMachineError } from './lambda-errors.js';
import type { StepName } from '../steps/step-names.js';

export type StepHandler = (event: RunState) => Promise<RunState>;

export function stepHandler(name: StepName, step: Step): StepHandler {
  return async (event) => {
    const deps = buildDeps(readLambdaSettings(), { runId: event.runId, step: name });
    try {
      return await step(deps, event);
    } catch (e) {
      deps.logger.error(`${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      throw toStateMachineError(e);
    }
  };
}
