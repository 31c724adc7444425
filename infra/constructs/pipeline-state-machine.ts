// The pipeline as a Standard state machine (JSONPath only: the offline harness, aws-local-stepfunctions,
// cannot run JSONata). Shape:
//
//   FromS3Event? --manifestKey--> NormalizeEvent --+
//        |                                         v
//        +----------------------------------> RegisterBatch --DuplicateBatch--> DuplicateBatchIgnored (Succeed)
//                                                  v
//   ShouldGenerate? --$.generate--> Generate --> Anonymize --> Load --> Transform --> Privatize
//                                                                                      v
//                                                         CompleteRun --> RunSucceeded (Succeed)
//
// Every task is a LambdaInvoke with payloadResponseOnly and the default ResultPath '$': the step receives the
// RunState and returns the whole RunState. Retries (backoff with full jitter) cover Lambda service
// errors and the handlers' TransientError (database resuming, throttling).
//
// Failures. No task catches its errors (only RegisterBatch catches DuplicateBatch): a step that fails
// after its retries fails the execution AT that step, so a redrive (Step Functions RedriveExecution)
// restarts exactly that step with the input it had. The batch ledger hears of the failure, and of a
// timeout or a manual stop, from the execution's status change (the pipeline stack's ExecutionStatus
// rule), not from a state inside the execution. RegisterBatch claims the batch for executionTimeout,
// the longest an execution can run, so a run that dies silently releases its batch when that lease ends.
//
// Large inputs. A batch bigger than one chunk (core/chunks: record-aligned, ~250k rows each) fans out:
// Anonymize plans the chunks, writes the plan to the clean bucket and returns their list in $.chunks;
// AnonymizeChunks, a Distributed Map over that list (bounded concurrency), runs the same function once
// per chunk (each writes its own clean part and quarantine part); the map's results go to
// $.chunkResults and lead back into Anonymize, which merges them and clears both fields, so
// HasChunks then goes on to Load. A small batch never sets $.chunks and takes the direct path. On by
// default (`largeInputs: false` removes the map); aws-local-stepfunctions runs a Distributed Map as an
// inline Map, so the offline harness executes the same definition.
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  DistributedMap,
  JitterType,
  JsonPath,
  Pass,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
  type INextable,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DUPLICATE_BATCH_ERROR, TRANSIENT_ERROR } from '../../lambdas/handlers/lambda-errors.js';
import { STEP_NAMES, type StepName } from '../../lambdas/steps/step-names.js';

/** Errors retried on every task. */
export const RETRIED_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  TRANSIENT_ERROR,
];

export interface LargeInputsOptions {
  /** Chunks anonymized at once. @default 40 */
  readonly maxConcurrency?: number;
  /** Share of chunks that may fail before the map fails. @default 0 */
  readonly toleratedFailurePercentage?: number;
}

export interface PipelineDefinitionProps {
  /** One function per step. */
  readonly functions: Readonly<Record<StepName, IFunction>>;
  /** The batch ledger function (register / complete). */
  readonly ledger: IFunction;
  /** Steps to chain, in order. 'generate' may only come first and runs only when $.generate is present. @default STEP_NAMES */
  readonly steps?: readonly StepName[];
  /** Longest a single step may run; match the function timeouts. @default Duration.minutes(15) */
  readonly taskTimeout?: Duration;
  /** Retry attempts per task for RETRIED_ERRORS. @default 4 */
  readonly retryAttempts?: number;
  /** Longest an execution may run (the state machine's timeout) and so the batch's lease. @default Duration.hours(6) */
  readonly executionTimeout?: Duration;
  /** Fan anonymize out over record-aligned chunks with a Distributed Map; false leaves it out. @default {} (on) */
  readonly largeInputs?: LargeInputsOptions | false;
}

export const stateName = (step: StepName): string => step.charAt(0).toUpperCase() + step.slice(1);

/** Builds the definition's states in `scope`; returns the start state. */
export class PipelineDefinition extends Construct {
  readonly start: IChainable;
  /** Give it to the StateMachine as its timeout: RegisterBatch leases the batch for exactly this long. */
  readonly executionTimeout: Duration;

  constructor(scope: Construct, id: string, props: PipelineDefinitionProps) {
    super(scope, id);
    const steps = validateSteps(props.steps ?? STEP_NAMES);
    const taskTimeout = props.taskTimeout ?? Duration.minutes(15);
    const retryAttempts = props.retryAttempts ?? 4;
    this.executionTimeout = props.executionTimeout ?? Duration.hours(6);
    if (this.executionTimeout.toSeconds() < taskTimeout.toSeconds()) {
      throw new Error(`executionTimeout (${this.executionTimeout.toHumanString()}) must be at least the task timeout (${taskTimeout.toHumanString()}).`);
    }

    const invoke = (name: string, fn: IFunction, payload?: Record<string, unknown>): LambdaInvoke => {
      const task = new LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: fn,
        payloadResponseOnly: true,
        // ResultPath is left at its default, '$' (the result replaces the state). Spelling it out renders
        // "ResultPath": "$", which aws-local-stepfunctions 3.0.0 mis-handles (it writes a key named '$').
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(taskTimeout),
        ...(payload ? { payload: TaskInput.fromObject(payload) } : {}),
      });
      task.addRetry({ errors: RETRIED_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: retryAttempts, maxDelay: Duration.seconds(60), jitterStrategy: JitterType.FULL });
      return task;
    };

    const register = invoke('RegisterBatch', props.ledger, { action: 'register', leaseSeconds: this.executionTimeout.toSeconds(), state: JsonPath.entirePayload });
    register.addCatch(new Succeed(this, 'DuplicateBatchIgnored', { stateName: 'DuplicateBatchIgnored', comment: 'Another run owns this batch.' }), {
      errors: [DUPLICATE_BATCH_ERROR],
      resultPath: '$.error',
    });

    const complete = invoke('CompleteRun', props.ledger, { action: 'complete', state: JsonPath.entirePayload });
    complete.next(new Succeed(this, 'RunSucceeded', { stateName: 'RunSucceeded' }));

    // The chain after the optional generate step, built back to front.
    const main = steps.filter((s) => s !== 'generate');
    let next: IChainable = complete;
    for (const step of [...main].reverse()) {
      const task = invoke(stateName(step), props.functions[step]);
      task.next(step === 'anonymize' && props.largeInputs !== false ? this.fanOut(props.largeInputs ?? {}, () => invoke('AnonymizeChunk', props.functions.anonymize), task, next) : next);
      next = task;
    }
    let afterRegister: IChainable = next;
    if (steps[0] === 'generate') {
      const generate = invoke(stateName('generate'), props.functions.generate);
      generate.next(next);
      afterRegister = new Choice(this, 'ShouldGenerate', { stateName: 'ShouldGenerate' }).when(Condition.isPresent('$.generate'), generate).otherwise(next as State);
    }
    register.next(afterRegister);

    // S3 events arrive as {runId: <event id>, manifestKey, eventTime}; a direct start gives {runId, batchPrefix, asOf}.
    const normalize = new Pass(this, 'NormalizeEvent', {
      stateName: 'NormalizeEvent',
      comment: 'batches/<batchId>/manifest.json -> batchPrefix batches/<batchId>/, asOf = event date (UTC); runId = execution name (unique per delivery)',
      parameters: {
        runId: JsonPath.stringAt('$$.Execution.Name'),
        batchPrefix: JsonPath.format('batches/{}/', JsonPath.arrayGetItem(JsonPath.stringSplit(JsonPath.stringAt('$.manifestKey'), '/'), 1)),
        asOf: JsonPath.arrayGetItem(JsonPath.stringSplit(JsonPath.stringAt('$.eventTime'), 'T'), 0),
      },
    });
    normalize.next(register);
    this.start = new Choice(this, 'FromS3Event', { stateName: 'FromS3Event' }).when(Condition.isPresent('$.manifestKey'), normalize).otherwise(register);
  }

  /** HasChunks: when Anonymize planned chunks, the Distributed Map runs them and leads back into Anonymize (which merges); otherwise on to `after`. */
  private fanOut(
    options: LargeInputsOptions,
    chunkTask: () => LambdaInvoke,
    anonymize: LambdaInvoke,
    after: IChainable,
  ): State {
    const maxConcurrency = options.maxConcurrency ?? 40;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000) {
      throw new Error(`largeInputs.maxConcurrency must be an integer in 1..10000 (the Distributed Map limit); got ${maxConcurrency}.`);
    }
    const map = new DistributedMap(this, 'AnonymizeChunks', {
      stateName: 'AnonymizeChunks',
      itemsPath: '$.chunks',
      itemSelector: {
        runId: JsonPath.stringAt('$.runId'),
        batchPrefix: JsonPath.stringAt('$.batchPrefix'),
        asOf: JsonPath.stringAt('$.asOf'),
        chunk: JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency,
      toleratedFailurePercentage: options.toleratedFailurePercentage ?? 0,
      resultPath: '$.chunkResults',
    });
    map.itemProcessor(chunkTask());
    map.next(anonymize);
    return new Choice(this, 'HasChunks', { stateName: 'HasChunks' }).when(Condition.isPresent('$.chunks'), map).otherwise(after as State);
  }
}

function validateSteps(steps: readonly StepName[]): readonly StepName[] {
  const unknown = steps.filter((s) => !(STEP_NAMES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`Unknown steps ${unknown.join(', ')}; use some of ${STEP_NAMES.join(', ')}.`);
  if (new Set(steps).size !== steps.length) throw new Error(`steps lists a step twice: ${steps.join(', ')}.`);
  if (steps.indexOf('generate') > 0) throw new Error("'generate' can only be the first step: it writes the batch the others read.");
  if (steps.filter((s) => s !== 'generate').length === 0) throw new Error('steps needs at least one step besides generate.');
  return steps;
}
