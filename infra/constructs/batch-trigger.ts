// Starts one execution per batch manifest. The batch contract (docs/BATCH-CONTRACT.md):
//
//   1. upload the batch's CSV files to   s3://<landing>/batches/<batchId>/
//   2. then upload the manifest          s3://<landing>/batches/<batchId>/manifest.json
//      {"contractVersion":1, "batchId":"<batchId>", "asOf":"YYYY-MM-DD"?,
//       "files":{"patients":"patients.csv","providers":"providers.csv","visits":"visits.csv"}}
//
// The manifest is the commit marker: only its Object Created event starts a run, so a half-uploaded
// batch never does. <batchId> is one path segment (no '/'). The execution input is
// {runId: <event id>, manifestKey, eventTime}; the state machine's NormalizeEvent state turns it into
// {runId: <execution name>, batchPrefix: 'batches/<batchId>/', asOf: <event date>} (the manifest's asOf,
// when given, is what the anonymize step judges ages against). EventBridge delivers at least once; the
// RegisterBatch state makes a second delivery end as DuplicateBatchIgnored.
import { Duration } from 'aws-cdk-lib';
import { EventField, Match, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role.js';

export const MANIFEST_KEY_PATTERN = 'batches/*/manifest.json';

export interface BatchTriggerProps {
  /** Landing bucket; must have eventBridgeEnabled. */
  readonly bucket: IBucket;
  readonly stateMachine: IStateMachine;
  /** Events that could not start an execution are kept this long. @default Duration.days(14) */
  readonly deadLetterRetention?: Duration;
}

export class BatchTrigger extends Construct {
  readonly rule: Rule;
  /** Events EventBridge could not deliver to Step Functions after its retries. */
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: BatchTriggerProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    this.rule = new Rule(this, 'ManifestCreated', {
      description: 'Starts the pipeline when a batch manifest lands',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: Match.wildcard(MANIFEST_KEY_PATTERN) },
        },
      },
    });
    this.rule.addTarget(
      new SfnStateMachine(props.stateMachine, {
        role: new ManagedPolicyRole(this, 'StartRole', { assumedBy: new ServicePrincipal('events.amazonaws.com') }),
        input: RuleTargetInput.fromObject({
          runId: EventField.eventId,
          manifestKey: EventField.fromPath('$.detail.object.key'),
          eventTime: EventField.time,
        }),
        deadLetterQueue: this.deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
