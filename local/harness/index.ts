// The offline harness: run the state machine the CDK app synthesizes, with in-process steps.
//   const result = await runPipelineLocally({ generate, anonymize, load, transform, privatize }, input);
import type { RunInput } from '../../lambdas/steps/run-state.js';
import { runLocalStateMachine, type LocalRunOptions, type LocalRunResult, type LocalSteps } from './run.js';
import { synthesizeDefinition, type HarnessAppProps } from './synthesize.js';

export { runLocalStateMachine, synthesizeDefinition };
export type { HarnessAppProps, LocalRunOptions, LocalRunResult, LocalSteps };
export { LOCAL_ARN_PREFIX, functionOfArn } from './synthesize.js';

/** Synthesizes (once per process) and runs the pipeline definition with the given steps. */
export function runPipelineLocally(steps: LocalSteps, input: RunInput, opts: LocalRunOptions & { app?: HarnessAppProps } = {}): Promise<LocalRunResult> {
  const { app, ...runOptions } = opts;
  return runLocalStateMachine(synthesizeDefinition(app), steps, input, runOptions);
}
