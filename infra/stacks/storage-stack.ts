// Storage: the customer-managed key, the four data buckets (landing, clean, quarantine, published),
// the access-log bucket, the pseudonym key secret and the CloudTrail trail over the raw-data buckets.
// Everything that holds data follows one teardown. CloudFormation names the buckets (a retained bucket
// never blocks a redeploy); the stack outputs their names, and other stacks import them.
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DataEventsTrail } from '../constructs/data-events-trail.js';
import { SecureBucket } from '../constructs/secure-bucket.js';
import type { BucketRole } from '../../lambdas/config.js';
import type { Teardown } from '../teardown.js';

export interface StorageStackProps extends StackProps {
  readonly teardown: Teardown;
  /** Record S3 data events on landing and quarantine with a CloudTrail trail; off when an organisation trail already does. @default true */
  readonly trail?: boolean;
  /** How long the trail's files and logs are kept. @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Raw batches are deleted from landing after this long. @default Duration.days(7) */
  readonly landingRetention?: Duration;
  /** Raw rejected rows are deleted from quarantine after this long. @default Duration.days(30) */
  readonly quarantineRetention?: Duration;
  /** Pseudonymised intermediate CSVs are deleted from clean after this long. @default Duration.days(30) */
  readonly cleanRetention?: Duration;
  /** Server access logs are kept this long. @default Duration.days(365) */
  readonly accessLogRetention?: Duration;
}

export class StorageStack extends Stack {
  readonly key: Key;
  readonly landing: Bucket;
  readonly clean: Bucket;
  readonly quarantine: Bucket;
  readonly published: Bucket;
  /**
   * For the other stacks: imports of the bucket names this stack exports. Explicit exports (rather than
   * CDK's automatic ones) keep the names the other stacks' policies show stable, so the cdk-nag
   * acknowledgements of their key-prefix grants can name them.
   */
  readonly bucketNames: Record<BucketRole, string>;
  readonly trail: DataEventsTrail | undefined;
  readonly accessLogs: Bucket;
  /** HMAC key for pseudonyms: 32 random bytes as 64 hex digits. Rotating it breaks linkage across batches. */
  readonly pseudonymKey: Secret;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { teardown } = props;
    const landingRetention = props.landingRetention ?? Duration.days(7);
    const quarantineRetention = props.quarantineRetention ?? Duration.days(30);
    if (landingRetention.toDays() > 30) {
      throw new Error(`landingRetention holds raw identifiers and must be 30 days or less; got ${landingRetention.toHumanString()}.`);
    }

    this.key = new Key(this, 'DataKey', {
      description: 'Health warehouse pipeline data (S3, Aurora, secrets, logs)',
      enableKeyRotation: true,
      removalPolicy: teardown.removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch alarms publish to the KMS-encrypted alarm topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    // CloudWatch Logs encrypts the pipeline's log groups with this key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:*` } },
      }),
    );

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 delivers server access logs only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: teardown.removalPolicy,
      autoDeleteObjects: teardown.autoDeleteObjects,
      lifecycleRules: [{ id: 'expire', expiration: props.accessLogRetention ?? Duration.days(365), noncurrentVersionExpiration: Duration.days(7) }],
    });

    const bucket = (role: BucketRole, extra: { expireAfter?: Duration; eventBridge?: boolean }) =>
      new SecureBucket(this, role.charAt(0).toUpperCase() + role.slice(1), {
        key: this.key,
        accessLogs: this.accessLogs,
        teardown,
        noncurrentExpireAfter: Duration.days(1),
        ...extra,
      }).bucket;
    this.landing = bucket('landing', { expireAfter: landingRetention, eventBridge: true });
    this.clean = bucket('clean', { expireAfter: props.cleanRetention ?? Duration.days(30) });
    this.quarantine = bucket('quarantine', { expireAfter: quarantineRetention });
    this.published = bucket('published', {});
    const buckets: Record<BucketRole, Bucket> = { landing: this.landing, clean: this.clean, quarantine: this.quarantine, published: this.published };
    const names = {} as Record<BucketRole, string>;
    for (const [role, b] of Object.entries(buckets) as [BucketRole, Bucket][]) {
      const exportName = `${this.stackName}-${role}-bucket`;
      new CfnOutput(this, `${role.charAt(0).toUpperCase()}${role.slice(1)}BucketName`, { value: b.bucketName, exportName, description: `The ${role} bucket` });
      names[role] = Fn.importValue(exportName);
    }
    this.bucketNames = names;
    this.trail =
      props.trail === false
        ? undefined
        : new DataEventsTrail(this, 'DataEvents', { key: this.key, buckets: [this.landing, this.quarantine], accessLogs: this.accessLogs, teardown, retention: props.logRetention ?? RetentionDays.ONE_YEAR });

    this.pseudonymKey = new Secret(this, 'PseudonymKey', {
      description: 'HMAC-SHA-256 key for pseudonyms (hex). Do not rotate: new keys mean new pseudonyms.',
      encryptionKey: this.key,
      removalPolicy: teardown.removalPolicy,
      // Lowercase hex only: 64 digits = 32 bytes, what SecretsKeyProvider decodes.
      generateSecretString: { passwordLength: 64, excludeUppercase: true, excludePunctuation: true, includeSpace: false, excludeCharacters: 'ghijklmnopqrstuvwxyz' },
    });
  }
}
