// Runs a synthesized definition with aws-local-stepfunctions: every Lambda task calls the in-process
// step function the ARN stands for, with the same error naming the Lambda handlers use, so Retry and
// Catch behave as in the cloud (only the retry pauses are shortened).
import '../polyfills.js';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { applyLedger, memoryBatchLedger, type BatchLedger, type LedgerEvent } from '../../lambdas/steps/batch-ledger.js';
import { toStateMachineError } from '../../lambdas/handlers/lambda-errors.js';
import { LEDGER_FUNCTION, isStepName, type StepName } from '../../lambdas/steps/step-names.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { functionOfArn } from './local-arn.js';

export type LocalStep = (state: RunState) => Promise<RunState>;
export type LocalSteps = Partial<Record<StepName, LocalStep>>;

export interface LocalRunOptions {
  /** The batch ledger. @default an in-memory ledger (one per call) */
  ledger?: BatchLedger;
  /** $$.Execution.Name, which becomes the runId of S3-event inputs. @default input.runId or 'local-<time>' */
  executionName?: string;
  /** Pause before each retry, in ms. @default 0 */
  retryIntervalMs?: number;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  /** Final state (the RunState on success; the failed state's input on failure). */
  output: unknown;
  /** Names of the states entered, in order (retries appear once per attempt). */
  entered: string[];
  /** Names of the Lambda functions invoked, in order (a step name or 'ledger:<action>'). */
  invoked: string[];
  /** On failure: the Step Functions error and cause, and the original error thrown by a step. */
  error?: { Error: string; Cause: unknown; original?: unknown };
}

type AnyState = { Type: string; Resource?: string; ItemProcessor?: { States: Record<string, AnyState> }; Iterator?: { States: Record<string, AnyState> }; Branches?: { States: Record<string, AnyState> }[] };

function tasks(states: Record<string, AnyState>): [string, AnyState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, AnyState]] : []),
    ...(state.ItemProcessor ? tasks(state.ItemProcessor.States) : []),
    ...(state.Iterator ? tasks(state.Iterator.States) : []),
    ...(state.Branches ?? []).flatMap((b) => tasks(b.States)),
  ]);
}

export async function runLocalStateMachine(definition: StateMachineDefinition, steps: LocalSteps, input: RunInput | Record<string, unknown>, opts: LocalRunOptions = {}): Promise<LocalRunResult> {
  const ledger = opts.ledger ?? memoryBatchLedger();
  const invoked: string[] = [];
  let original: unknown;
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  const retryIntervals: Record<string, number> = {};
  for (const [name, state] of tasks(definition.States as Record<string, AnyState>)) {
    const fn = functionOfArn(state.Resource ?? '');
    if (!fn) throw new Error(`Task ${name} calls ${state.Resource}, which is not a pipeline function the harness knows.`);
    const call = fn === LEDGER_FUNCTION ? (payload: LedgerEvent) => applyLedger(ledger, payload) : isStepName(fn) ? steps[fn] : undefined;
    if (!call) throw new Error(`The definition runs step '${fn}' (state ${name}) but no local function was given for it.`);
    retryIntervals[name] = opts.retryIntervalMs ?? 0;
    handlers[name] = (async (payload: unknown) => {
      invoked.push(fn === LEDGER_FUNCTION ? `ledger:${(payload as LedgerEvent).action}` : fn);
      try {
        // A JSON round trip, as between Lambda and Step Functions: no Dates or class instances survive.
        return JSON.parse(JSON.stringify(await (call as (p: unknown) => Promise<unknown>)(payload)));
      } catch (e) {
        original = e;
        throw toStateMachineError(e);
      }
    }) as never;
  }

  const machine = new StateMachine(definition);
  const executionName = opts.executionName ?? (typeof input.runId === 'string' ? input.runId : `local-${Date.now()}`);
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryIntervals },
    context: { Execution: { Name: executionName, Input: input as never, StartTime: new Date().toISOString() } },
  });
  const entered: string[] = [];
  let failure: { Error: string; Cause: unknown } | undefined;
  let lastInput: unknown = input;
  const logs = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        entered.push(event.state.name);
        lastInput = event.state.input;
      } else if (event.type === 'ExecutionFailed') failure = { Error: event.Error, Cause: event.Cause };
    }
  })();
  try {
    const output = await execution.result;
    await logs;
    return { status: 'SUCCEEDED', output, entered, invoked };
  } catch (e) {
    await logs.catch(() => undefined);
    const error = failure ?? { Error: (e as Error).name, Cause: (e as Error).message };
    return { status: 'FAILED', output: lastInput, entered, invoked, error: { ...error, original } };
  }
}
