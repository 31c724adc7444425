// The CDK entry point (cdk.json: `npx tsx infra/app.ts`). `npx cdk synth` needs no AWS account.
// Context: -c removalPolicy=retain|destroy (default retain), -c prefix=<stack name prefix>.
import { App } from 'aws-cdk-lib';
import { buildPipelineApp } from './pipeline-app.js';
import type { TeardownSetting } from './teardown.js';

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildPipelineApp({
  app,
  removalPolicy: (app.node.tryGetContext('removalPolicy') ?? 'retain') as TeardownSetting,
  prefix: (app.node.tryGetContext('prefix') as string | undefined) ?? 'HealthWarehouse',
  ...(account && region ? { env: { account, region } } : {}),
});
app.synth();
