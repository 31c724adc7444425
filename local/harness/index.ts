// The offline harness: run the state machine the CDK app synthesizes, with in-process steps.
//   const result = await runPipelineLocally({ generate, anonymize, load, transform, privatize }, input);
//   if (result.status === 'FAILED') await redrivePipelineLocally(steps, result, { ledger });
import type { RunInput } from '../../lambdas/steps/run-state.js';
import { cachedDefinition } from './definition-cache.js';
import { redriveLocalStateMachine, runLocalStateMachine, type LocalRunOptions, type LocalRunResult, type LocalSteps } from './run.js';
import type { HarnessAppProps } from './synthesize.js';

export { runLocalStateMachine, redriveLocalStateMachine, cachedDefinition };
export type { HarnessAppProps, LocalRunOptions, LocalRunResult, LocalSteps };
export { LOCAL_ARN_PREFIX, functionOfArn } from './local-arn.js';

/** Runs the pipeline definition (synthesized, or from the cache when the app is unchanged). */
export async function runPipelineLocally(steps: LocalSteps, input: RunInput, opts: LocalRunOptions & { app?: HarnessAppProps } = {}): Promise<LocalRunResult> {
  const { app, ...runOptions } = opts;
  return runLocalStateMachine(await cachedDefinition(app), steps, input, runOptions);
}

/** Redrives a run that did not succeed, from its unsuccessful step, on the same definition. */
export async function redrivePipelineLocally(steps: LocalSteps, previous: LocalRunResult, opts: Omit<LocalRunOptions, 'executionName'> & { app?: HarnessAppProps } = {}): Promise<LocalRunResult> {
  const { app, ...runOptions } = opts;
  return redriveLocalStateMachine(await cachedDefinition(app), steps, previous, runOptions);
}
