// The CDK entry point (cdk.json: `npx tsx infra/app.ts`). `npx cdk synth` needs no AWS account.
// Context (-c key=value):
//   removalPolicy=retain|destroy   keep or delete data with the stacks (default retain)
//   prefix=<name>                  stack name prefix (default HealthWarehouse)
//   trail=false                    no CloudTrail trail (the account's organisation trail records S3 data events)
//   logRetentionDays=<days>        every log group's retention, one of CloudWatch's values (default 365)
//   noSuccessAlarmDays=<1..7|0>    alarm when no run succeeded for that many days; 0 for none (default 7)
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { buildPipelineApp } from './pipeline-app.js';
import type { TeardownSetting } from './teardown.js';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined ? undefined : String(value);
};
const days = (key: string): number | undefined => {
  const value = context(key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`-c ${key} must be a whole number of days; got '${value}'.`);
  return Number(value);
};
const retention = days('logRetentionDays');
if (retention !== undefined && !(Object.values(RetentionDays) as number[]).includes(retention)) {
  throw new Error(`-c logRetentionDays must be one of CloudWatch's retention values (${Object.values(RetentionDays).filter((v) => typeof v === 'number').join(', ')}); got ${retention}.`);
}
const noSuccessAlarmDays = days('noSuccessAlarmDays');
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
buildPipelineApp({
  app,
  removalPolicy: (context('removalPolicy') ?? 'retain') as TeardownSetting,
  prefix: context('prefix') ?? 'HealthWarehouse',
  ...(context('trail') === 'false' ? { trail: false } : {}),
  ...(retention !== undefined ? { logRetention: retention as RetentionDays } : {}),
  ...(noSuccessAlarmDays !== undefined ? { noSuccessAlarmDays } : {}),
  ...(account && region ? { env: { account, region } } : {}),
});
app.synth();
