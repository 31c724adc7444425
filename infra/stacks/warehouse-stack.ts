// Warehouse: Aurora PostgreSQL Serverless v2 in isolated subnets (no NAT, no ingress), reached only
// through the Data API. S3 import from the clean bucket backs bulk loads; migrations run on deploy.
// Two logins: the master user (its secret is used by the migrations only) and the pipeline's own
// login, a member of hw_pipeline with its own secret, which the Lambdas use. Both secrets rotate
// (the rotation functions run in the isolated subnets and reach Secrets Manager through an endpoint).
// Nothing here has a fixed physical name: a retained cluster or log group from an earlier stack
// never collides with a new one.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { FlowLogDestination, GatewayVpcEndpointAwsService, InterfaceVpcEndpointAwsService, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AuroraPostgresEngineVersion,
  CfnDBInstance,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  DatabaseSecret,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { PIPELINE_LOGIN } from '../../lambdas/steps/pipeline-login.js';
import type { WarehouseAccess } from '../constructs/pipeline-function.js';
import { WarehouseMigrations } from '../constructs/warehouse-migrations.js';
import { ManagedPolicyRole } from '../constructs/managed-policy-role.js';
import type { Teardown } from '../teardown.js';

export interface WarehouseStackProps extends StackProps {
  readonly teardown: Teardown;
  /** Encrypts storage, the credentials secret and logs. */
  readonly key: IKey;
  /** Name of the bucket the cluster may import CSV from (aws_s3.table_import_from_s3), encrypted with `key`. */
  readonly importBucketName: string;
  /**
   * The engine. The default names the major version only, so RDS creates the cluster on its current
   * default minor and keeps it patched (autoMinorVersionUpgrade); a template pinned to a minor breaks
   * when RDS retires that minor or has already upgraded past it. Pin a minor only to hold one back.
   * @default DEFAULT_ENGINE_VERSION (Aurora PostgreSQL 17, S3 import and export)
   */
  readonly engineVersion?: AuroraPostgresEngineVersion;
  /** Lowest ACU; 0 lets the cluster pause when idle (first call then waits ~15 s to resume). @default 0 */
  readonly minCapacity?: number;
  /** Highest ACU. @default 4 */
  readonly maxCapacity?: number;
  /** @default 'warehouse' */
  readonly databaseName?: string;
  /** Automated backup retention. @default Duration.days(7) */
  readonly backupRetention?: Duration;
  /** Apply sql/migrations on deploy. Off only for tests that do not bundle. @default true */
  readonly migrations?: boolean;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Rotate the pipeline login's and the master user's secrets this often. @default Duration.days(30) */
  readonly secretRotation?: Duration;
}

/** Aurora PostgreSQL 17, whichever minor RDS currently defaults to (see engineVersion). */
export const DEFAULT_ENGINE_VERSION = AuroraPostgresEngineVersion.of('17', '17', { s3Import: true, s3Export: true });

export class WarehouseStack extends Stack {
  readonly vpc: Vpc;
  readonly cluster: DatabaseCluster;
  readonly databaseName: string;
  readonly teardown: Teardown;
  /** Highest ACU the cluster may scale to. */
  readonly maxCapacity: number;
  /** The role Aurora uses for aws_s3 imports, and the object ARN pattern it may read. */
  readonly s3ImportRole: ManagedPolicyRole;
  readonly s3ImportObjects: string;
  /** The pipeline login ({username, password}, rotated): what the Lambdas use. */
  readonly pipelineLogin: ISecret;
  /** What a pipeline function binds to run SQL as the pipeline login. */
  readonly pipelineAccess: WarehouseAccess;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    this.teardown = props.teardown;
    const minCapacity = props.minCapacity ?? 0;
    const maxCapacity = props.maxCapacity ?? 4;
    this.maxCapacity = maxCapacity;
    if (minCapacity < 0 || maxCapacity > 256 || minCapacity > maxCapacity || maxCapacity < 1) {
      throw new Error(`Aurora Serverless v2 capacity must satisfy 0 <= minCapacity <= maxCapacity <= 256 and maxCapacity >= 1; got ${minCapacity}..${maxCapacity}.`);
    }
    this.databaseName = props.databaseName ?? 'warehouse';
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(this.databaseName)) {
      throw new Error(`databaseName must be a lowercase Postgres identifier (letters, digits, _), got '${this.databaseName}'.`);
    }
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        all: {
          destination: FlowLogDestination.toCloudWatchLogs(
            new LogGroup(this, 'FlowLogs', { retention: logRetention, encryptionKey: props.key, removalPolicy: props.teardown.removalPolicy }),
            new ManagedPolicyRole(this, 'FlowLogsRole', { assumedBy: new ServicePrincipal('vpc-flow-logs.amazonaws.com') }),
          ),
        },
      },
    });
    // Aurora's aws_s3 import reaches S3 through this free gateway endpoint (no NAT, no internet).
    this.vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: SubnetType.PRIVATE_ISOLATED }] });

    // The role Aurora assumes for aws_s3.table_import_from_s3: read the clean bucket's runs/ objects
    // and decrypt them. Written out (rather than s3ImportBuckets) to avoid s3:GetObject*/List* wildcards.
    const importBucket = Bucket.fromBucketAttributes(this, 'ImportBucket', { bucketName: props.importBucketName, encryptionKey: props.key });
    const s3ImportRole = new ManagedPolicyRole(this, 'S3ImportRole', { assumedBy: new ServicePrincipal('rds.amazonaws.com') });
    this.s3ImportRole = s3ImportRole;
    this.s3ImportObjects = importBucket.arnForObjects('runs/*');
    s3ImportRole.addToPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.s3ImportObjects] }));
    s3ImportRole.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [importBucket.bucketArn] }));
    s3ImportRole.addToPolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.key.keyArn] }));

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraPostgres({ version: props.engineVersion ?? DEFAULT_ENGINE_VERSION }),
      writer: ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true, publiclyAccessible: false }),
      serverlessV2MinCapacity: minCapacity,
      serverlessV2MaxCapacity: maxCapacity,
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      credentials: Credentials.fromGeneratedSecret('pipeline_admin', { encryptionKey: props.key }),
      defaultDatabaseName: this.databaseName,
      storageEncrypted: true,
      storageEncryptionKey: props.key,
      enableDataApi: true,
      // No iamAuthentication: it governs direct connections (rds-db:connect tokens), and nothing connects
      // directly; the Data API always logs in with a Secrets Manager secret.
      s3ImportRole,
      backup: { retention: props.backupRetention ?? Duration.days(7), preferredWindow: '03:00-04:00' },
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      deletionProtection: props.teardown.deletionProtection,
      removalPolicy: props.teardown.removalPolicy,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      copyTagsToSnapshot: true,
    });

    // The master secret follows the one teardown setting too (CDK would delete it with the stack).
    const masterSecret = this.cluster.node.tryFindChild('Secret');
    if (masterSecret instanceof DatabaseSecret) masterSecret.applyRemovalPolicy(props.teardown.removalPolicy);

    // Created here (not by cloudwatchLogsRetention, which adds a LogRetention Lambda) so it is
    // KMS-encrypted and kept as long as the other logs. Its name follows the cluster's generated one;
    // the instances, the only ones that publish logs, wait for it, so RDS never creates it first.
    const postgresLogs = new LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${this.cluster.clusterIdentifier}/postgresql`,
      retention: logRetention,
      encryptionKey: props.key,
      removalPolicy: props.teardown.removalPolicy,
    });
    for (const instance of this.cluster.node.findAll().filter((c): c is CfnDBInstance => c instanceof CfnDBInstance)) instance.node.addDependency(postgresLogs);

    // The rotation functions run in the isolated subnets and reach Secrets Manager through an interface
    // endpoint that only they may use (open: false; no CIDR-wide ingress).
    const secretsEndpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
    const rotation = props.secretRotation ?? Duration.days(30);
    const loginSecret = new DatabaseSecret(this, 'PipelineLoginSecret', { username: PIPELINE_LOGIN, encryptionKey: props.key, masterSecret: this.cluster.secret });
    loginSecret.applyRemovalPolicy(props.teardown.removalPolicy);
    this.pipelineLogin = loginSecret.attach(this.cluster);
    // Multi-user: it alternates between hw_pipeline_login and hw_pipeline_login_clone (made by the master
    // user with the same membership), so a Lambda holding the previous password keeps working.
    const rotationGroup = (name: string) => {
      const group = new SecurityGroup(this, name, { vpc: this.vpc, description: `${name}: the rotation function`, allowAllOutbound: true });
      secretsEndpoint.connections.allowDefaultPortFrom(group, 'The rotation function calls Secrets Manager');
      return group;
    };
    this.cluster.addRotationMultiUser('PipelineLoginRotation', { secret: this.pipelineLogin, automaticallyAfter: rotation, endpoint: secretsEndpoint, securityGroup: rotationGroup('PipelineLoginRotationGroup') });
    this.cluster.addRotationSingleUser({ automaticallyAfter: rotation, endpoint: secretsEndpoint, securityGroup: rotationGroup('MasterRotationGroup') });
    this.pipelineAccess = { cluster: this.cluster, databaseName: this.databaseName, secret: this.pipelineLogin };

    if (props.migrations ?? true) {
      new WarehouseMigrations(this, 'Migrations', {
        cluster: this.cluster,
        databaseName: this.databaseName,
        loginSecret: this.pipelineLogin,
        key: props.key,
        teardown: props.teardown,
        logRetention,
      });
    }
  }
}
