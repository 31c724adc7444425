// Warehouse: Aurora PostgreSQL Serverless v2 in isolated subnets (no NAT, no ingress), reached only
// through the Data API. S3 import from the clean bucket backs bulk loads; migrations run on deploy.
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { FlowLogDestination, GatewayVpcEndpointAwsService, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
} from 'aws-cdk-lib/aws-rds';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { WarehouseMigrations } from '../constructs/warehouse-migrations.js';
import { ManagedPolicyRole } from '../constructs/managed-policy-role.js';
import type { Teardown } from '../teardown.js';

export interface WarehouseStackProps extends StackProps {
  readonly teardown: Teardown;
  /** Encrypts storage, the credentials secret and logs. */
  readonly key: IKey;
  /** Name of the bucket the cluster may import CSV from (aws_s3.table_import_from_s3), encrypted with `key`. */
  readonly importBucketName: string;
  /** @default AuroraPostgresEngineVersion.VER_17_4 */
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
}

export class WarehouseStack extends Stack {
  readonly vpc: Vpc;
  readonly cluster: DatabaseCluster;
  readonly databaseName: string;
  readonly teardown: Teardown;
  /** The role Aurora uses for aws_s3 imports, and the object ARN pattern it may read. */
  readonly s3ImportRole: ManagedPolicyRole;
  readonly s3ImportObjects: string;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, props);
    this.teardown = props.teardown;
    const minCapacity = props.minCapacity ?? 0;
    const maxCapacity = props.maxCapacity ?? 4;
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
    // Created here (not by cloudwatchLogsRetention, which adds a LogRetention Lambda) so it is KMS-encrypted.
    const clusterIdentifier = `${id}-cluster`.toLowerCase();
    const postgresLogs = new LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: logRetention,
      encryptionKey: props.key,
      removalPolicy: props.teardown.removalPolicy,
    });

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      clusterIdentifier,
      engine: DatabaseClusterEngine.auroraPostgres({ version: props.engineVersion ?? AuroraPostgresEngineVersion.VER_17_4 }),
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
      iamAuthentication: true,
      s3ImportRole,
      backup: { retention: props.backupRetention ?? Duration.days(7), preferredWindow: '03:00-04:00' },
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      deletionProtection: props.teardown.deletionProtection,
      removalPolicy: props.teardown.removalPolicy,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      copyTagsToSnapshot: true,
    });

    this.cluster.node.addDependency(postgresLogs);

    if (props.migrations ?? true) {
      new WarehouseMigrations(this, 'Migrations', { cluster: this.cluster, databaseName: this.databaseName, key: props.key, teardown: props.teardown, logRetention });
    }
  }
}
