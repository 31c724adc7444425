// Builds the whole CDK app from plain, validated settings. Used by infra/app.ts (cdk synth / deploy),
// by the infra tests and by the offline harness (which skips bundling).
import { App, Tags, type Environment } from 'aws-cdk-lib';
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
  /** Distributed Map for large inputs. @default - off */
  readonly largeInputs?: LargeInputsOptions;
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
  const storage = new StorageStack(app, `${prefix}-Storage`, { ...env, teardown: td, namePrefix: prefix.toLowerCase().slice(0, 20), description: 'Health warehouse: key, buckets, pseudonym key' });
  const warehouse = new WarehouseStack(app, `${prefix}-Warehouse`, {
    ...env,
    teardown: td,
    key: storage.key,
    importBucketName: storage.bucketNames.clean,
    description: 'Health warehouse: Aurora PostgreSQL Serverless v2 with the Data API',
  });
  const pipeline = new PipelineStack(app, `${prefix}-Pipeline`, {
    ...env,
    teardown: td,
    storage: { key: storage.key, bucketNames: storage.bucketNames, pseudonymKey: storage.pseudonymKey },
    warehouse,
    ...(props.steps ? { steps: props.steps } : {}),
    ...(props.largeInputs ? { largeInputs: props.largeInputs } : {}),
    description: 'Health warehouse: step functions, Lambdas, S3 trigger',
  });
  Tags.of(app).add('project', 'health-warehouse');
  Tags.of(app).add('teardown', td.setting);
  if (props.acknowledgeNag ?? true) acknowledgeFindings({ storage, warehouse, pipeline });
  if (props.nag ?? true) applyNag(app);
  return { app, storage, warehouse, pipeline };
}
