// Accepted cdk-nag findings, in one place for review. Each acknowledgement names the rule id (and, for
// IAM5, the exact finding) and why it does not apply or is accepted. Anything not listed fails synthesis.
// Wildcard findings are acknowledged only for resources this code granted on purpose (S3 key prefixes,
// a function's own versions, X-Ray); a new wildcard elsewhere stays an error.
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { PipelineFunction } from './constructs/pipeline-function.js';
import type { PipelineStack } from './stacks/pipeline-stack.js';
import type { StorageStack } from './stacks/storage-stack.js';
import type { WarehouseStack } from './stacks/warehouse-stack.js';

export interface NagTargets {
  storage: StorageStack;
  warehouse: WarehouseStack;
  pipeline: PipelineStack;
}

const ack = (scope: IConstruct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id, reason });

/** The IAM5 finding id cdk-nag reports for a wildcard resource (same flattening as the rule). */
export const wildcardFinding = (scope: IConstruct, resource: string): string =>
  `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;

const REASONS = {
  runtime: 'AwsSolutions-L1: the project pins Node.js 22 (NODEJS_22_X) for all functions, matching its toolchain; moving to a newer runtime is a deliberate, tested upgrade.',
  dlq: 'Invoked synchronously by Step Functions or CloudFormation; failures are handled by the state machine Retry/Catch (recorded in pipeline_runs) or fail the deploy. A DLQ only applies to asynchronous invocations.',
  concurrency: 'Concurrency is bounded by the callers (one state machine execution per batch, one custom resource per deploy); reserved concurrency would eat into small account limits and can block deployment.',
  vpc: 'The functions reach only AWS APIs over TLS with IAM (S3, RDS Data API, Secrets Manager); the database has no network path from them by design. A VPC would add NAT or interface endpoints without reducing exposure.',
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* do not support resource-level permissions; Resource * is the only form AWS accepts.',
  objects: 'Object-level access is limited to the key prefix this step reads or writes (batches/, runs/, releases/, latest/); object keys are per-run and not known at deploy time.',
  versions: "Invoke permission on the function's own versions and aliases (<arn>:*), granted by CDK alongside the unqualified ARN; no other function is covered.",
};

function acknowledgeFunction(fn: PipelineFunction): void {
  ack(fn, 'AwsSolutions-L1', REASONS.runtime);
  ack(fn, 'HIPAA.Security-LambdaDLQ', REASONS.dlq);
  ack(fn, 'HIPAA.Security-LambdaConcurrency', REASONS.concurrency);
  ack(fn, 'HIPAA.Security-LambdaInsideVPC', REASONS.vpc);
  if (fn.role) {
    ack(fn.role, 'AwsSolutions-IAM5[Resource::*]', REASONS.xray);
    for (const arn of fn.objectGrants) ack(fn.role, wildcardFinding(fn, arn), REASONS.objects);
  }
}

export function acknowledgeFindings({ storage, warehouse, pipeline }: NagTargets): void {
  // Storage
  for (const bucket of [storage.accessLogs, storage.landing, storage.clean, storage.quarantine, storage.published]) {
    ack(bucket, 'HIPAA.Security-S3BucketReplicationEnabled', 'Single-region by design: replicating PHI to a second region widens its footprint. Versioning, retained buckets and KMS protect against loss; landing and quarantine are short-lived by policy.');
  }
  ack(storage.accessLogs, 'HIPAA.Security-S3DefaultEncryptionKMS', 'S3 server access log delivery requires SSE-S3 on the destination bucket; the logs hold request metadata, not object contents.');
  ack(storage.accessLogs, 'AwsSolutions-S1', 'This is the access-log destination; logging it to itself would recurse.');
  ack(storage.pseudonymKey, 'AwsSolutions-SMG4', 'The pseudonym HMAC key must stay stable: rotating it would give every patient a new pseudonym and break linkage across batches. Rotation is a planned re-keying, not a schedule.');
  ack(storage.pseudonymKey, 'HIPAA.Security-SecretsManagerRotationEnabled', 'Same as AwsSolutions-SMG4: a stable pseudonym key is required for linkage; re-keying is a planned migration.');

  // Warehouse
  // cluster.secret is the attachment; the CfnSecret lives under the DatabaseSecret construct 'Secret'.
  const secret = warehouse.cluster.node.tryFindChild('Secret');
  if (secret) {
    const rotation = 'Applications use the Data API and IAM auth; the master secret is used only by the Data API. Single-user rotation needs a rotation Lambda in the isolated VPC plus a Secrets Manager endpoint, deferred until a human login exists.';
    ack(secret, 'AwsSolutions-SMG4', rotation);
    ack(secret, 'HIPAA.Security-SecretsManagerRotationEnabled', rotation);
  }
  ack(warehouse.cluster, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]', 'The AWS-managed enhanced-monitoring policy is scoped by AWS to the RDSOSMetrics log group; it is the documented role for this feature.');
  ack(warehouse.cluster, 'HIPAA.Security-RDSInBackupPlan', 'Aurora automated backups (point-in-time recovery, 7-day retention by default, KMS-encrypted) cover recovery; an AWS Backup plan is an organisation-level choice layered on top.');
  if (!warehouse.teardown.deletionProtection) {
    const why = "removalPolicy is 'destroy': this is a throwaway environment whose data is meant to be deleted with the stack; 'retain' (the default) turns deletion protection on.";
    ack(warehouse.cluster, 'AwsSolutions-RDS10', why);
    ack(warehouse.cluster, 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled', why);
  }
  ack(warehouse.s3ImportRole, wildcardFinding(warehouse, warehouse.s3ImportObjects), 'Aurora imports only run outputs (runs/ prefix) of the clean bucket; object keys are per-run.');
  const migrations = warehouse.node.tryFindChild('Migrations');
  if (migrations) {
    const migrationsFn = migrations.node.findChild('Function') as PipelineFunction;
    acknowledgeFunction(migrationsFn);
    const providerRole = migrations.node.findChild('ProviderRole');
    ack(providerRole, wildcardFinding(migrationsFn, `${migrationsFn.functionArn}:*`), REASONS.versions);
    const framework = migrations.node.findChild('Provider').node.findChild('framework-onEvent');
    ack(framework, 'HIPAA.Security-LambdaDLQ', REASONS.dlq);
    ack(framework, 'HIPAA.Security-LambdaConcurrency', REASONS.concurrency);
    ack(framework, 'HIPAA.Security-LambdaInsideVPC', 'CDK Provider framework function: it only calls the migrations function and CloudFormation over AWS APIs.');
  }

  // Pipeline
  for (const fn of [...Object.values(pipeline.functions), pipeline.ledger]) {
    acknowledgeFunction(fn);
    ack(pipeline.stateMachine.role, wildcardFinding(pipeline, `${fn.functionArn}:*`), REASONS.versions);
  }
  ack(pipeline.stateMachine.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery and related) do not support resource-level permissions.');
  if (pipeline.trigger) {
    ack(pipeline.trigger.deadLetters, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the EventBridge target.');
  }
}
