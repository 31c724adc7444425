// Runs a synthesized definition with aws-local-stepfunctions: every Lambda task calls the in-process
// step function the ARN stands for, with the same error naming the Lambda handlers use, so Retry and
// Catch behave as in the cloud (only the retry pauses are shortened). What the cloud does around an
// execution is emulated too:
//   - an execution that ends FAILED, TIMED_OUT or ABORTED is recorded in the batch ledger from its
//     status change, as the pipeline stack's ExecutionStatus rule does (lambdas/steps/execution-status.ts);
//   - a failed execution can be redriven (aws-local-stepfunctions has no redrive). As Step Functions
//     RedriveExecution does (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html):
//     same definition, same execution name, the states that succeeded are not rerun, the unsuccessful
//     state (entered, never exited) runs again with the input it had, the execution timeout starts
//     again, and the redrive is announced as a RUNNING status change with redriveCount > 0.
//     Differences: a failed Map is rerun whole (Step Functions reruns only its failed iterations), and
//     $$.Execution.Input is the redriven state's input (the definition does not read it).
import '../polyfills.js';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { applyLedger, memoryBatchLedger, type BatchLedger, type LedgerEvent } from '../../lambdas/steps/batch-ledger.js';
import { executionStatusEvent, recordExecutionStatus, type ExecutionStatus } from '../../lambdas/steps/execution-status.js';
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
  /** Stops the execution, as StopExecution does (status ABORTED). */
  signal?: AbortSignal;
}

/** The execution as Step Functions knows it across redrives. */
export interface LocalExecution {
  name: string;
  input: unknown;
  redriveCount: number;
}

export type LocalRunStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalRunResult {
  status: LocalRunStatus;
  /** Final state (the RunState on success; the failed state's input otherwise). */
  output: unknown;
  /** Names of the states entered in this attempt, in order (retries appear once per attempt). */
  entered: string[];
  /** Names of the Lambda functions invoked in this attempt, in order (a step name or 'ledger:<action>'). */
  invoked: string[];
  /** Unless it succeeded: the Step Functions error and cause, and the original error thrown by a step. */
  error?: { Error: string; Cause: unknown; original?: unknown };
  execution: LocalExecution;
  /** Unless it succeeded: the state a redrive restarts, and the input it had. */
  failedState?: { name: string; input: unknown };
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
  const name = opts.executionName ?? (typeof input.runId === 'string' ? input.runId : `local-${Date.now()}`);
  const ledger = opts.ledger ?? memoryBatchLedger();
  return execute(definition, steps, { name, input, redriveCount: 0 }, { name: definition.StartAt, input }, { ...opts, ledger });
}

/** Redrives an execution that did not succeed: reruns it from its unsuccessful state. */
export async function redriveLocalStateMachine(definition: StateMachineDefinition, steps: LocalSteps, previous: LocalRunResult, opts: Omit<LocalRunOptions, 'executionName'> = {}): Promise<LocalRunResult> {
  if (previous.status === 'SUCCEEDED' || !previous.failedState) {
    throw new Error(`Execution ${previous.execution.name} ${previous.status === 'SUCCEEDED' ? 'succeeded' : 'has no unsuccessful state'}; only a failed, timed-out or aborted execution can be redriven.`);
  }
  const ledger = opts.ledger ?? memoryBatchLedger();
  const execution = { ...previous.execution, redriveCount: previous.execution.redriveCount + 1 };
  await recordExecutionStatus(ledger, statusEvent(execution, 'RUNNING'));
  return execute(definition, steps, execution, previous.failedState, { ...opts, ledger });
}

const statusEvent = (execution: LocalExecution, status: ExecutionStatus, error?: { Error: string; Cause: unknown }) =>
  executionStatusEvent({
    name: execution.name,
    status,
    input: JSON.stringify(execution.input),
    error: error?.Error ?? null,
    cause: error ? (typeof error.Cause === 'string' ? error.Cause : JSON.stringify(error.Cause)) : null,
    redriveCount: execution.redriveCount,
  });

async function execute(
  definition: StateMachineDefinition,
  steps: LocalSteps,
  execution: LocalExecution,
  from: { name: string; input: unknown },
  opts: LocalRunOptions & { ledger: BatchLedger },
): Promise<LocalRunResult> {
  const { ledger } = opts;
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
        // As Lambda reports a function error to Step Functions: the error name, and a JSON cause.
        const error = toStateMachineError(e);
        throw Object.assign(new Error(error.message), { name: error.name, cause: JSON.stringify({ errorType: error.name, errorMessage: error.message }) });
      }
    }) as never;
  }
  if (!(from.name in definition.States)) throw new Error(`The definition has no state ${from.name} to start from.`);

  // A redrive starts mid-definition, where the validator would call the states before it unreachable:
  // validate the definition as deployed, then run it from the redriven state.
  const redriving = from.name !== definition.StartAt;
  if (redriving) new StateMachine(definition);
  const machine = new StateMachine({ ...definition, StartAt: from.name }, redriving ? { validationOptions: { noValidate: true } } : undefined);
  const run = machine.run(from.input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryIntervals },
    context: { Execution: { Name: execution.name, Input: execution.input as never, StartTime: new Date().toISOString(), RedriveCount: execution.redriveCount } },
  });
  const onAbort = () => run.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const entered: string[] = [];
  // Top-level states entered and not yet exited, with their input: the last one is where a redrive starts.
  const open = new Map<string, unknown>();
  let failure: { Error: string; Cause: unknown } | undefined;
  let lastInput: unknown = from.input;
  const logs = (async () => {
    for await (const event of run.eventLogs) {
      const topLevel = 'state' in event && event.index === undefined;
      if (event.type === 'StateEntered') {
        entered.push(event.state.name);
        lastInput = event.state.input;
        if (topLevel) open.set(event.state.name, event.state.input);
      } else if (event.type === 'StateExited' && topLevel) open.delete(event.state.name);
      else if (event.type === 'ExecutionFailed') failure = { Error: event.Error, Cause: event.Cause };
    }
  })();
  try {
    const output = await run.result;
    await logs;
    return { status: 'SUCCEEDED', output, entered, invoked, execution };
  } catch (e) {
    await logs.catch(() => undefined);
    const status: LocalRunStatus = e instanceof ExecutionTimeoutError ? 'TIMED_OUT' : e instanceof ExecutionAbortedError ? 'ABORTED' : 'FAILED';
    const error = failure ?? (status === 'FAILED' ? { Error: (e as Error).name, Cause: (e as Error).message } : { Error: `States.${status === 'TIMED_OUT' ? 'Timeout' : 'Aborted'}`, Cause: `The execution ended ${status}.` });
    const [failedName, failedInput] = [...open.entries()].at(-1) ?? [from.name, from.input];
    const result: LocalRunResult = { status, output: lastInput, entered, invoked, error: { ...error, original }, execution, failedState: { name: failedName, input: failedInput } };
    // What the ExecutionStatus rule does in the cloud: the ledger hears of it from outside the execution.
    await recordExecutionStatus(ledger, statusEvent(execution, status, error));
    return result;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
