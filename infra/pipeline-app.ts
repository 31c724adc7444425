// Builds the whole CDK app from plain, validated settings. Used by infra/app.ts (cdk synth / deploy),
// by the infra tests and by the offline harness (which skips bundling).
import { App, Tags, type Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { AuroraPostgresEngineVersion } from 'aws-cdk-lib/aws-rds';
import type { StepName } from '../lambdas/steps/step-names.js';
import { acknowledgeFindings } from './acknowledgements.js';
import type { LargeInputsOptions } from './constructs/pipeline-state-machine.js';
import { applyNag } from './nag.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { StorageStack } from './stacks/storage-stack.js';
import { WarehouseStack } from './stacks/warehouse-stack.js';
import { teardown, type TeardownSetting } from './teardown.js';

/** Feature flags set in code so cdk synth, tests and the harness build the same app. */
export const FEATURE_FLAGS: Record<string, unknown> = {
  // Keep today's producer-protecting exports (silences the unset-default warning).
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
  '@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
};

export interface PipelineAppProps {
  /** Keep or delete buckets, key, database and logs when stacks are deleted. @default 'retain' */
  readonly removalPolicy?: TeardownSetting;
  /** Stack name prefix. @default 'HealthWarehouse' */
  readonly prefix?: string;
  /** Account/region; env-agnostic when absent (synth works without credentials). @default - env-agnostic */
  readonly env?: Environment;
  /** Skip esbuild (tests, harness). @default false */
  readonly skipBundling?: boolean;
  /** Apply the cdk-nag packs as validation plugins. @default true */
  readonly nag?: boolean;
  /** Record the cdk-nag acknowledgements (off only to count raw findings). @default true */
  readonly acknowledgeNag?: boolean;
  /** Steps the state machine chains. @default all five */
  readonly steps?: readonly StepName[];
  /** The Distributed Map that fans a large batch's anonymize out over chunks; false leaves it out. @default {} (on) */
  readonly largeInputs?: LargeInputsOptions | false;
  /** A CloudTrail trail with S3 data events on landing and quarantine; turn it off when an organisation trail already records them. @default true */
  readonly trail?: boolean;
  /** How long every log group (functions, state machine, database, flow logs, trail) keeps its events. @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Alarm when no run succeeded for this many days (1..7); 0 turns it off. @default 7 */
  readonly noSuccessAlarmDays?: number;
  /** The Aurora PostgreSQL engine. @default DEFAULT_ENGINE_VERSION (17, the minor RDS chooses) */
  readonly engineVersion?: AuroraPostgresEngineVersion;
  /** Extra App context. */
  readonly context?: Record<string, unknown>;
  /** Build into this App (cdk's entry point passes the one that read cdk.json context). @default - a new App */
  readonly app?: App;
}

export interface PipelineApp {
  app: App;
  storage: StorageStack;
  warehouse: WarehouseStack;
  pipeline: PipelineStack;
}

export function buildPipelineApp(props: PipelineAppProps = {}): PipelineApp {
  const prefix = props.prefix ?? 'HealthWarehouse';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,60}$/.test(prefix)) throw new Error(`prefix must start with a letter and use letters, digits and '-'; got '${prefix}'.`);
  const app = props.app ?? new App();
  const context = { ...FEATURE_FLAGS, ...(props.skipBundling ? { 'aws:cdk:bundling-stacks': [] } : {}), ...props.context };
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const td = teardown(props.removalPolicy ?? 'retain');
  const env = props.env ? { env: props.env } : {};
  const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
  const storage = new StorageStack(app, `${prefix}-Storage`, {
    ...env,
    teardown: td,
    logRetention,
    ...(props.trail === false ? { trail: false } : {}),
    description: 'Health warehouse: key, buckets, pseudonym key, data-events trail',
  });
  const warehouse = new WarehouseStack(app, `${prefix}-Warehouse`, {
    ...env,
    teardown: td,
    logRetention,
    ...(props.engineVersion ? { engineVersion: props.engineVersion } : {}),
    key: storage.key,
    importBucketName: storage.bucketNames.clean,
    description: 'Health warehouse: Aurora PostgreSQL Serverless v2 with the Data API',
  });
  const pipeline = new PipelineStack(app, `${prefix}-Pipeline`, {
    ...env,
    teardown: td,
    storage: { key: storage.key, bucketNames: storage.bucketNames, pseudonymKey: storage.pseudonymKey },
    warehouse: { ...warehouse.pipelineAccess, maxCapacity: warehouse.maxCapacity },
    logRetention,
    ...(props.noSuccessAlarmDays !== undefined ? { noSuccessAlarmDays: props.noSuccessAlarmDays } : {}),
    ...(props.steps ? { steps: props.steps } : {}),
    ...(props.largeInputs !== undefined ? { largeInputs: props.largeInputs } : {}),
    description: 'Health warehouse: step functions, Lambdas, S3 trigger, alarms and dashboard',
  });
  // The bucket names arrive as explicit imports, which CDK does not count as references.
  warehouse.addStackDependency(storage);
  pipeline.addStackDependency(storage);
  Tags.of(app).add('project', 'health-warehouse');
  Tags.of(app).add('teardown', td.setting);
  if (props.acknowledgeNag ?? true) acknowledgeFindings({ storage, warehouse, pipeline });
  if (props.nag ?? true) applyNag(app);
  return { app, storage, warehouse, pipeline };
}
