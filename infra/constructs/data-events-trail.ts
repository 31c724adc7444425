// A CloudTrail trail that records who read, wrote and deleted which object in the buckets holding raw
// patient rows (S3 data events on landing and quarantine), beside the account's management events.
// Logs go to a KMS-encrypted, access-logged bucket (with file validation) and to CloudWatch Logs.
// An account whose organisation trail already records this turns it off (PipelineAppProps.trail).
import { Duration, Stack } from 'aws-cdk-lib';
import { ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Teardown } from '../teardown.js';
import { SecureBucket } from './secure-bucket.js';

export interface DataEventsTrailProps {
  /** Encrypts the trail's files and log group; its policy gains what CloudTrail needs. */
  readonly key: Key;
  /** Buckets whose object-level reads and writes are recorded. */
  readonly buckets: readonly IBucket[];
  /** Receives the trail bucket's server access logs. */
  readonly accessLogs: IBucket;
  readonly teardown: Teardown;
  /** How long the trail's files and log events are kept. @default RetentionDays.ONE_YEAR */
  readonly retention?: RetentionDays;
}

export class DataEventsTrail extends Construct {
  readonly trail: Trail;
  readonly bucket: Bucket;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DataEventsTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const retention = props.retention ?? RetentionDays.ONE_YEAR;
    const cloudtrail = new ServicePrincipal('cloudtrail.amazonaws.com');
    // CloudTrail encrypts log files with the key, only for trails of this account.
    props.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudtrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` } },
      }),
    );
    props.key.addToResourcePolicy(new PolicyStatement({ principals: [cloudtrail], actions: ['kms:DescribeKey'], resources: ['*'] }));

    this.bucket = new SecureBucket(this, 'Files', {
      key: props.key,
      accessLogs: props.accessLogs,
      teardown: props.teardown,
      ...(retention === RetentionDays.INFINITE ? {} : { expireAfter: Duration.days(retention) }),
    }).bucket;
    this.logGroup = new LogGroup(this, 'Logs', { retention, encryptionKey: props.key, removalPolicy: props.teardown.removalPolicy });
    this.trail = new Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: props.key,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      managementEvents: ReadWriteType.ALL,
    });
    this.trail.addS3EventSelector(props.buckets.map((bucket) => ({ bucket })), { readWriteType: ReadWriteType.ALL, includeManagementEvents: false });
  }
}
