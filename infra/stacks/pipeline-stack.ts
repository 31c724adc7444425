// Pipeline: one function per step with least-privilege grants (the warehouse as the pipeline login,
// never the master user), the batch ledger function, the state machine, the S3 -> EventBridge trigger,
// the execution status rule that keeps the ledger true, and the operations (alarms, dashboard).
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ENV, type BucketRole } from '../../lambdas/config.js';
import type { PipelineConfig } from '../../lambdas/core/config.js';
import { LEDGER_FUNCTION, STEP_NAMES, type StepName } from '../../lambdas/steps/step-names.js';
import { BatchTrigger } from '../constructs/batch-trigger.js';
import { ExecutionStatusRule } from '../constructs/execution-status-rule.js';
import { PipelineDefinition, type LargeInputsOptions } from '../constructs/pipeline-state-machine.js';
import { PipelineFunction, type WarehouseAccess } from '../constructs/pipeline-function.js';
import { PipelineOperations } from '../constructs/pipeline-operations.js';
import { ManagedPolicyRole } from '../constructs/managed-policy-role.js';
import type { Teardown } from '../teardown.js';

export interface PipelineStorage {
  /** Encrypts the buckets, the secrets and the logs. */
  readonly key: IKey;
  /** Bucket names (the storage stack's, imported); the pipeline builds ARNs from them. */
  readonly bucketNames: Readonly<Record<BucketRole, string>>;
  readonly pseudonymKey: ISecret;
}

/** The warehouse as the pipeline logs in to it, and its highest capacity (for the capacity alarm). */
export interface PipelineWarehouse extends WarehouseAccess {
  readonly maxCapacity: number;
}

export interface PipelineStackProps extends StackProps {
  readonly teardown: Teardown;
  readonly storage: PipelineStorage;
  readonly warehouse: PipelineWarehouse;
  /** Overrides of the pipeline's tunables (privacy budget, thresholds), passed as PIPELINE_CONFIG_JSON. @default - the documented defaults */
  readonly pipelineConfig?: Partial<Omit<PipelineConfig, 'privacy'>> & { privacy?: Partial<PipelineConfig['privacy']> };
  /** Steps the state machine chains, in order. @default STEP_NAMES */
  readonly steps?: readonly StepName[];
  /** The Distributed Map that fans a large batch's anonymize out over chunks; false leaves it out. @default {} (on) */
  readonly largeInputs?: LargeInputsOptions | false;
  /** Where the alarms notify. @default - a new KMS-encrypted topic (subscribe to it) */
  readonly alarmTopic?: ITopic;
  /** Alarm when no run succeeded for this many days (1..7, CloudWatch's limit); 0 turns it off. @default 7 */
  readonly noSuccessAlarmDays?: number;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Create the S3 -> EventBridge rule. @default true */
  readonly trigger?: boolean;
  /** Longest an execution may run; also how long a run holds its batch before another may reclaim it. @default Duration.hours(6) */
  readonly executionTimeout?: Duration;
}

export class PipelineStack extends Stack {
  readonly functions: Record<StepName, PipelineFunction>;
  readonly ledger: PipelineFunction;
  readonly stateMachine: StateMachine;
  readonly alarmTopic: ITopic;
  readonly operations: PipelineOperations;
  readonly trigger: BatchTrigger | undefined;
  readonly statusRule: ExecutionStatusRule;
  /** Status events the ledger could not record (rule delivery or the function's async retries). */
  readonly ledgerDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { warehouse, teardown } = props;
    const storage = importBuckets(this, props.storage);
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const common = { key: storage.key, teardown, logRetention, environment: (props.pipelineConfig ? { [ENV.pipelineConfig]: JSON.stringify(props.pipelineConfig) } : {}) as Record<string, string> };
    const fn = (name: string, extra: { timeout?: Duration; memorySize?: number; description: string; deadLetterQueue?: Queue }) =>
      new PipelineFunction(this, `${name.charAt(0).toUpperCase()}${name.slice(1)}Function`, { handlerName: name, ...common, ...extra });

    // Least privilege: each step gets exactly the buckets (and prefixes) it touches.
    const generate = fn('generate', { timeout: Duration.minutes(10), description: 'Writes a synthetic batch to landing' })
      .bindBucket('landing', storage.landing, { write: true, list: true, read: true, prefixes: ['batches/'] });
    const fanOut = props.largeInputs !== false;
    const anonymize = fn('anonymize', { memorySize: 2048, description: 'Validates and pseudonymises a batch' })
      .bindBucket('landing', storage.landing, { read: true, list: true, prefixes: ['batches/'] })
      .bindBucket('clean', storage.clean, { write: true, ...(fanOut && { read: true }), prefixes: ['runs/'] })
      .bindBucket('quarantine', storage.quarantine, { write: true, ...(fanOut && { read: true }), prefixes: ['runs/'] })
      .bindPseudonymKey(storage.pseudonymKey);
    // With the Distributed Map, chunks read the plan from clean and the merge reads their quarantine parts.
    if (fanOut) anonymize.addEnvironment(ENV.anonymizeFanOut, '1');
    const load = fn('load', { description: 'Stages clean CSVs into the warehouse (aws_s3 import)' })
      .bindBucket('clean', storage.clean, { read: true, list: true, prefixes: ['runs/'] })
      .bindWarehouse(warehouse);
    const transform = fn('transform', { description: 'Builds dimensions and facts; runs data tests' }).bindWarehouse(warehouse);
    const privatize = fn('privatize', { timeout: Duration.minutes(10), description: 'Publishes differentially private aggregates' })
      .bindBucket('published', storage.published, { read: true, write: true, list: true, prefixes: ['releases/', 'latest/'] })
      .bindWarehouse(warehouse);
    this.functions = { generate, anonymize, load, transform, privatize };
    for (const name of STEP_NAMES) if (!this.functions[name]) throw new Error(`no function for step ${name}`);

    // The ledger is also invoked asynchronously (by the status rule): what fails there after Lambda's
    // two retries is kept here, alarmed, for an operator to replay.
    this.ledgerDeadLetters = new Queue(this, 'LedgerDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.ledger = fn(LEDGER_FUNCTION, { timeout: Duration.minutes(2), memorySize: 256, description: 'Batch ledger: one run per batch', deadLetterQueue: this.ledgerDeadLetters }).bindWarehouse(warehouse);

    const definition = new PipelineDefinition(this, 'Definition', {
      functions: this.functions,
      ledger: this.ledger,
      ...(props.steps ? { steps: props.steps } : {}),
      ...(props.largeInputs !== undefined ? { largeInputs: props.largeInputs } : {}),
      ...(props.executionTimeout ? { executionTimeout: props.executionTimeout } : {}),
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      role: new ManagedPolicyRole(this, 'StateMachineRole', { assumedBy: new ServicePrincipal('states.amazonaws.com') }),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition.start),
      timeout: definition.executionTimeout,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'StateMachineLogs', { retention: logRetention, encryptionKey: storage.key, removalPolicy: teardown.removalPolicy }),
        level: LogLevel.ALL,
        // Execution data is the small RunState (keys, counts), but error causes may quote input; keep it out of logs.
        includeExecutionData: false,
      },
    });
    this.statusRule = new ExecutionStatusRule(this, 'ExecutionStatus', { stateMachine: this.stateMachine, ledger: this.ledger, deadLetters: this.ledgerDeadLetters });

    this.alarmTopic = props.alarmTopic ?? new Topic(this, 'Alarms', { masterKey: props.storage.key, enforceSSL: true, displayName: 'Health warehouse pipeline alarms' });
    this.trigger = props.trigger === false ? undefined : new BatchTrigger(this, 'Trigger', { bucket: storage.landing, stateMachine: this.stateMachine });
    this.operations = new PipelineOperations(this, 'Operations', {
      stateMachine: this.stateMachine,
      functions: { ...this.functions, ledger: this.ledger },
      deadLetters: { LedgerDeadLetters: this.ledgerDeadLetters, ...(this.trigger ? { TriggerDeadLetters: this.trigger.deadLetters } : {}) },
      cluster: warehouse.cluster,
      maxCapacity: warehouse.maxCapacity,
      topic: this.alarmTopic,
      ...(props.noSuccessAlarmDays !== undefined ? { noSuccessAlarmDays: props.noSuccessAlarmDays } : {}),
    });
  }

  /** An alarm by its construct id, e.g. 'ExecutionsFailed', 'transformNearTimeout'. */
  alarm(id: string): Alarm {
    return this.operations.node.findChild(id) as Alarm;
  }
}

function importBuckets(scope: Construct, storage: PipelineStorage): PipelineStorage & Record<BucketRole, IBucket> {
  const bucket = (role: BucketRole): IBucket =>
    Bucket.fromBucketAttributes(scope, `${role}Bucket`, { bucketName: storage.bucketNames[role], encryptionKey: storage.key });
  return { ...storage, landing: bucket('landing'), clean: bucket('clean'), quarantine: bucket('quarantine'), published: bucket('published') };
}
