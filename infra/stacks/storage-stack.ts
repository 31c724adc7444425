// Storage: the customer-managed key, the four data buckets (landing, clean, quarantine, published),
// the access-log bucket and the pseudonym key secret. Everything that holds data follows one teardown.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SecureBucket } from '../constructs/secure-bucket.js';
import type { BucketRole } from '../../lambdas/config.js';
import type { Teardown } from '../teardown.js';

export interface StorageStackProps extends StackProps {
  readonly teardown: Teardown;
  /** Start of every bucket name: <namePrefix>-<role>-<account>-<region>. Lowercase, 3-20 chars. @default 'healthwarehouse' */
  readonly namePrefix?: string;
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
  /** Bucket names (with account/region tokens), for stacks that build ARNs from them. */
  readonly bucketNames: Record<BucketRole, string>;
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

    const namePrefix = props.namePrefix ?? 'healthwarehouse';
    if (!/^[a-z][a-z0-9-]{2,19}$/.test(namePrefix)) {
      throw new Error(`namePrefix must be 3-20 lowercase letters, digits or '-', starting with a letter (bucket names are global); got '${namePrefix}'.`);
    }
    this.bucketNames = {
      landing: `${namePrefix}-landing-${this.account}-${this.region}`,
      clean: `${namePrefix}-clean-${this.account}-${this.region}`,
      quarantine: `${namePrefix}-quarantine-${this.account}-${this.region}`,
      published: `${namePrefix}-published-${this.account}-${this.region}`,
    };
    const bucket = (role: BucketRole, extra: { expireAfter?: Duration; eventBridge?: boolean }) =>
      new SecureBucket(this, role.charAt(0).toUpperCase() + role.slice(1), {
        bucketName: this.bucketNames[role],
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

    this.pseudonymKey = new Secret(this, 'PseudonymKey', {
      description: 'HMAC-SHA-256 key for pseudonyms (hex). Do not rotate: new keys mean new pseudonyms.',
      encryptionKey: this.key,
      removalPolicy: teardown.removalPolicy,
      // Lowercase hex only: 64 digits = 32 bytes, what SecretsKeyProvider decodes.
      generateSecretString: { passwordLength: 64, excludeUppercase: true, excludePunctuation: true, includeSpace: false, excludeCharacters: 'ghijklmnopqrstuvwxyz' },
    });
  }
}
