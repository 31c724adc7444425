// Accepted cdk-nag findings, in one place for review. Each acknowledgement names the rule id (and, for
// IAM5, the exact finding) and why it does not apply or is accepted. Anything not listed fails synthesis.
// Wildcard findings are acknowledged only for resources this code granted on purpose (S3 key prefixes,
// a function's own versions, X-Ray); a new wildcard elsewhere stays an error.
import { Stack, Validations } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { PipelineFunction } from './constructs/pipeline-function.js';
import type { WarehouseMigrations } from './constructs/warehouse-migrations.js';
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
  dlq: 'Invoked synchronously by Step Functions or the CloudFormation Provider: a failure is retried, then fails the execution at that step (the ExecutionStatus rule records it in pipeline_runs) or fails the deploy. A DLQ only applies to asynchronous invocations; the ledger function, which EventBridge invokes asynchronously, has one.',
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
  ack(storage.pseudonymKey, 'AwsSolutions-SMG4', 'The pseudonym HMAC key must stay stable: rotating it would give every patient a new pseudonym and break linkage across batches. Rotation is a planned re-keying (docs/RUNBOOK.md), not a schedule.');
  ack(storage.pseudonymKey, 'HIPAA.Security-SecretsManagerRotationEnabled', 'Same as AwsSolutions-SMG4: a stable pseudonym key is required for linkage; re-keying is a planned migration (docs/RUNBOOK.md).');
  if (storage.trail) {
    ack(storage.trail.bucket, 'HIPAA.Security-S3BucketReplicationEnabled', 'The trail\'s log files stay in the region the trail records, in a versioned, KMS-encrypted, access-logged bucket with log file validation; an organisation trail is where cross-region copies belong.');
    ack(storage.trail.trail.node.findChild('LogsRole'), 'HIPAA.Security-IAMNoInlinePolicy', 'CDK\'s Trail construct creates the role CloudTrail uses to write to CloudWatch Logs with an inline policy (logs:CreateLogStream and PutLogEvents on its one log group); it offers no way to supply the role.');
  }

  // Warehouse
  ack(warehouse.cluster, 'AwsSolutions-RDS6', 'IAM database authentication governs direct connections (rds-db:connect tokens); nothing connects directly (isolated subnets, no Lambda in the VPC). Every login goes through the Data API with a Secrets Manager secret: the rotated pipeline login for the Lambdas, the rotated master secret for the migrations only.');
  ack(warehouse.cluster, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]', 'The AWS-managed enhanced-monitoring policy is scoped by AWS to the RDSOSMetrics log group; it is the documented role for this feature.');
  ack(warehouse.cluster, 'HIPAA.Security-RDSInBackupPlan', 'Aurora automated backups (point-in-time recovery, 7-day retention by default, KMS-encrypted) cover recovery; an AWS Backup plan is an organisation-level choice layered on top.');
  if (!warehouse.teardown.deletionProtection) {
    const why = "removalPolicy is 'destroy': this is a throwaway environment whose data is meant to be deleted with the stack; 'retain' (the default) turns deletion protection on.";
    ack(warehouse.cluster, 'AwsSolutions-RDS10', why);
    ack(warehouse.cluster, 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled', why);
  }
  // The secret rotation functions reach the cluster on its port, which CDK renders as a token (5432).
  const clusterGroup = warehouse.cluster.node.tryFindChild('SecurityGroup');
  for (const rule of clusterGroup?.node.children.filter((c) => c.node.id.startsWith('from ')) ?? []) {
    const why = 'Ingress on the cluster port (5432, a token to cdk-nag) from the secret rotation functions\' own security group only; no CIDR, no SSH, no other port.';
    ack(rule, 'HIPAA.Security-EC2RestrictedCommonPorts', why);
    ack(rule, 'HIPAA.Security-EC2RestrictedSSH', why);
  }
  ack(warehouse.s3ImportRole, wildcardFinding(warehouse, warehouse.s3ImportObjects), 'Aurora imports only run outputs (runs/ prefix) of the clean bucket; object keys are per-run.');
  const migrations = warehouse.node.tryFindChild('Migrations') as WarehouseMigrations | undefined;
  if (migrations) {
    const handlers = [migrations.function, migrations.completeFunction];
    for (const fn of handlers) acknowledgeFunction(fn);
    for (const role of ['ProviderRole', 'WaiterRole'].map((id) => migrations.node.findChild(id))) {
      for (const fn of handlers) ack(role, wildcardFinding(fn, `${fn.functionArn}:*`), REASONS.versions);
    }
    const provider = migrations.provider;
    for (const id of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
      const framework = provider.node.tryFindChild(id);
      if (!framework) continue;
      ack(framework, 'HIPAA.Security-LambdaDLQ', REASONS.dlq);
      ack(framework, 'HIPAA.Security-LambdaConcurrency', REASONS.concurrency);
      ack(framework, 'HIPAA.Security-LambdaInsideVPC', 'CDK Provider framework function: it only calls the migrations functions and CloudFormation over AWS APIs.');
    }
    const waiter = provider.node.findChild('waiter-state-machine');
    const waiterPolicy = waiter.node.findChild('Role');
    for (const id of ['framework-isComplete', 'framework-onTimeout']) {
      const framework = provider.node.findChild(id) as IFunction;
      ack(waiterPolicy, wildcardFinding(framework, `${framework.functionArn}:*`), REASONS.versions);
    }
    ack(waiterPolicy, 'AwsSolutions-IAM5[Resource::*]', 'CloudWatch Logs vended delivery for the waiter state machine (logs:CreateLogDelivery and related) does not support resource-level permissions.');
    ack(waiterPolicy, 'HIPAA.Security-IAMNoInlinePolicy', 'The CDK Provider framework creates the waiter state machine and its role with an inline policy; it offers no way to supply the role.');
    ack(waiter, 'AwsSolutions-SF2', 'The CDK Provider framework\'s waiter state machine has no X-Ray option; it only polls the isComplete function during a deploy, and logs ALL events.');
  }

  // Pipeline
  for (const fn of [...Object.values(pipeline.functions), pipeline.ledger]) {
    acknowledgeFunction(fn);
    ack(pipeline.stateMachine.role, wildcardFinding(pipeline, `${fn.functionArn}:*`), REASONS.versions);
  }
  acknowledgeDistributedMap(pipeline);
  ack(pipeline.stateMachine.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery and related) do not support resource-level permissions.');
  if (pipeline.trigger) {
    ack(pipeline.trigger.deadLetters, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the EventBridge target.');
  }
}

/** The policy CDK gives the state machine for the Distributed Map's child executions (when the map is in the definition). */
function acknowledgeDistributedMap(pipeline: PipelineStack): void {
  const policy = pipeline.stateMachine.node.tryFindChild('DistributedMapPolicy') as Policy | undefined;
  if (!policy) return;
  const reason = "A Distributed Map runs each chunk as a child execution whose name Step Functions chooses at run time; CDK scopes the grant to this state machine's own executions (<machine>:* and <machine>/*:*).";
  const statements = (policy.document.toJSON() as { Statement: { Resource: unknown }[] }).Statement;
  for (const resource of statements.flatMap((st) => [st.Resource].flat())) {
    const finding = wildcardFinding(pipeline, resource as string);
    if (finding.includes('*')) ack(policy, finding, reason);
  }
  ack(policy, 'HIPAA.Security-IAMNoInlinePolicy', 'CDK attaches the Distributed Map\'s execution permissions to the state machine role as an inline policy; it offers no way to supply it.');
}
