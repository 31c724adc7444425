// A bucket for pipeline data: private, SSE-KMS with the pipeline key, TLS only, versioned, access-logged.
// CloudFormation names it: a retained bucket from an earlier stack never blocks the next deploy.
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Teardown } from '../teardown.js';

export interface SecureBucketProps {
  /** Customer-managed key for SSE-KMS. */
  readonly key: IKey;
  /** Bucket receiving server access logs (must use SSE-S3, an S3 requirement for log delivery). */
  readonly accessLogs: IBucket;
  readonly teardown: Teardown;
  /** Delete current objects this long after creation. @default - kept until deleted */
  readonly expireAfter?: Duration;
  /** Delete superseded versions after this long. @default Duration.days(7) */
  readonly noncurrentExpireAfter?: Duration;
  /** Send object events to EventBridge. @default false */
  readonly eventBridge?: boolean;
}

export class SecureBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (props.expireAfter && props.expireAfter.toDays() < 1) {
      throw new Error(`${id}: expireAfter must be at least 1 day (S3 lifecycle granularity); got ${props.expireAfter.toHumanString()}.`);
    }
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `${id.toLowerCase()}/`,
      removalPolicy: props.teardown.removalPolicy,
      autoDeleteObjects: props.teardown.autoDeleteObjects,
      lifecycleRules: [
        {
          id: 'expire',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: props.noncurrentExpireAfter ?? Duration.days(7),
          ...(props.expireAfter ? { expiration: props.expireAfter } : {}),
        },
      ],
    });
    if (props.eventBridge) {
      // Set on the L1 bucket: the L2 eventBridgeEnabled flag deploys a notifications custom-resource Lambda.
      (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }
  }
}
