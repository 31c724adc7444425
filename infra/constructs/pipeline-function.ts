// A NodejsFunction with the pipeline's defaults fixed: Node 22 on arm64, bundled by the local esbuild
// (never Docker) with the sql/ tree beside the code, X-Ray tracing, an encrypted log group with a
// retention, and a role without managed policies. Grants go through the bind* methods, which set the
// environment variable a handler reads and the IAM permission together.
import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IDatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV, bucketEnvVar, type BucketRole } from '../../lambdas/config.js';
import { handlerEntry, lockFile, repoRoot } from '../paths.js';
import type { Teardown } from '../teardown.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { PIPELINE_BUNDLING } from './pipeline-bundling.js';

/** The RDS Data API actions (what cluster.grantDataApiAccess grants), no wildcards. */
export const DATA_API_ACTIONS = [
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:ExecuteStatement',
  'rds-data:RollbackTransaction',
] as const;

export const SERVICE_NAME = 'health-warehouse';

export interface PipelineFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'logGroup' | 'logRetention' | 'role' | 'bundling'> {
  /** Handler file name under lambdas/handlers/ (without .ts); also the PIPELINE_STEP value. */
  readonly handlerName: string;
  /** Encrypts the log group. */
  readonly key: IKey;
  readonly teardown: Teardown;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** @default Duration.minutes(15) */
  readonly timeout?: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
}

export interface BucketAccess {
  /** GetObject (and HeadObject) under the prefixes. */
  readonly read?: boolean;
  /** PutObject and multipart upload under the prefixes. */
  readonly write?: boolean;
  /** ListBucket, limited to the prefixes; also makes a missing key answer 404 rather than 403. */
  readonly list?: boolean;
  /** Key prefixes the access is limited to, e.g. ['batches/']. */
  readonly prefixes: readonly string[];
}

/** Where a function runs SQL: the cluster, the database, and the secret it logs in with. */
export interface WarehouseAccess {
  readonly cluster: IDatabaseCluster;
  readonly databaseName: string;
  /** The pipeline login's secret for the steps; the master secret only for the migrations. */
  readonly secret: ISecret;
}

export class PipelineFunction extends NodejsFunction {
  readonly handlerName: string;
  /** Object ARNs (prefix/*) granted through bindBucket, for the cdk-nag acknowledgements. */
  readonly objectGrants: string[] = [];

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    if (!/^[a-z][a-z-]*$/.test(props.handlerName)) {
      throw new Error(`handlerName must name a file in lambdas/handlers (lowercase, e.g. 'anonymize'); got '${props.handlerName}'.`);
    }
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: props.teardown.removalPolicy,
    });
    const role = new ManagedPolicyRole(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.handlerName} function of the health warehouse pipeline`,
    });
    const { handlerName, key, teardown, logRetention, ...functionProps } = props;
    void key;
    void teardown;
    void logRetention;
    super(scope, id, {
      ...functionProps,
      entry: handlerEntry(props.handlerName),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.minutes(15),
      memorySize: props.memorySize ?? 1024,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: repoRoot,
      depsLockFilePath: lockFile,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
        [ENV.step]: handlerName,
        ...props.environment,
      },
      bundling: PIPELINE_BUNDLING,
    });
    this.handlerName = props.handlerName;
    logGroup.grantWrite(role);
  }

  /** Lets the function use one bucket under some prefixes and tells it the bucket's name. */
  bindBucket(role: BucketRole, bucket: IBucket, access: BucketAccess): this {
    if (access.prefixes.length === 0 || access.prefixes.some((p) => !p.endsWith('/'))) {
      throw new Error(`bindBucket(${role}): give at least one prefix, each ending in '/' (e.g. 'batches/'); got ${JSON.stringify(access.prefixes)}.`);
    }
    const objects = access.prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    const actions = [...(access.read ? ['s3:GetObject'] : []), ...(access.write ? ['s3:PutObject', 's3:AbortMultipartUpload'] : [])];
    if (actions.length) {
      this.addToRolePolicy(new PolicyStatement({ actions, resources: objects }));
      this.objectGrants.push(...objects);
    }
    if (access.list) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': access.prefixes.map((p) => `${p}*`) } } }),
      );
    }
    const keyActions = [...(access.read || access.write ? ['kms:Decrypt'] : []), ...(access.write ? ['kms:GenerateDataKey'] : [])];
    if (bucket.encryptionKey && keyActions.length) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: keyActions, resources: [bucket.encryptionKey.keyArn], conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } } }),
      );
    }
    this.addEnvironment(bucketEnvVar(role), bucket.bucketName);
    return this;
  }

  /** Lets the function run SQL through the Data API, logged in with `secret`, and tells it where. */
  bindWarehouse({ cluster, databaseName, secret }: WarehouseAccess): this {
    // Written out rather than cluster.grantDataApiAccess(): that grant edits the key policy of a key in
    // another stack, which makes the stacks depend on each other in a cycle, and grants the master secret.
    this.addToRolePolicy(new PolicyStatement({ actions: [...DATA_API_ACTIONS], resources: [cluster.clusterArn] }));
    this.grantSecretRead(secret);
    this.addEnvironment(ENV.clusterArn, cluster.clusterArn);
    this.addEnvironment(ENV.secretArn, secret.secretArn);
    this.addEnvironment(ENV.database, databaseName);
    return this;
  }

  /** Lets the migrations read the pipeline login's secret, to make the login with its password. */
  bindPipelineLoginSecret(secret: ISecret): this {
    this.grantSecretRead(secret);
    this.addEnvironment(ENV.pipelineLoginSecretArn, secret.secretArn);
    return this;
  }

  /** Lets the function read the pseudonym key secret. */
  bindPseudonymKey(secret: ISecret): this {
    this.grantSecretRead(secret);
    this.addEnvironment(ENV.pseudonymKeySecretArn, secret.secretArn);
    return this;
  }

  private grantSecretRead(secret: ISecret): void {
    this.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
    if (secret.encryptionKey) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
  }
}
