// Applies sql/migrations on deploy: a custom resource (Provider framework, asynchronous pattern) whose
// handlers (lambdas/handlers/migrate.ts) run the migrate step through the Data API as the master user,
// then make the pipeline login from its own secret. The resource's properties carry a hash of the
// migration files, so a deploy that changes them re-runs the (idempotent) migrator, and one that does
// not, skips it. An auto-paused cluster answers "resuming" until it is up, for longer than one Lambda's
// retries after a long pause: isComplete then answers "not yet" and the Provider asks again every
// queryInterval, for up to totalTimeout, so a resume never fails the deploy.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { LogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { sqlDir } from '../paths.js';
import type { Teardown } from '../teardown.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { PipelineFunction } from './pipeline-function.js';

export interface WarehouseMigrationsProps {
  readonly cluster: DatabaseCluster;
  readonly databaseName: string;
  /** The pipeline login's secret: the migrations create the login and set its password from it. */
  readonly loginSecret: ISecret;
  readonly key: IKey;
  readonly teardown: Teardown;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Folder of numbered *.sql migrations. @default <repo>/sql/migrations */
  readonly migrationsDir?: string;
  /** How often the Provider asks whether the database has resumed and the migrations ran. @default Duration.seconds(30) */
  readonly queryInterval?: Duration;
  /** How long the Provider keeps asking: covers a resume after a long pause, and a slow migration. @default Duration.minutes(30) */
  readonly totalTimeout?: Duration;
}

/** sha256 over the names and contents of the migration files, in order. */
export function migrationsHash(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
    hash.update(name).update('\0').update(readFileSync(join(dir, name))).update('\0');
  }
  return hash.digest('hex');
}

export class WarehouseMigrations extends Construct {
  /** Acknowledges the request (onEvent). */
  readonly function: PipelineFunction;
  /** Applies the migrations and makes the login, or answers "not yet" while the cluster resumes. */
  readonly completeFunction: PipelineFunction;
  readonly provider: Provider;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: WarehouseMigrationsProps) {
    super(scope, id);
    const dir = props.migrationsDir ?? join(sqlDir, 'migrations');
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const totalTimeout = props.totalTimeout ?? Duration.minutes(30);
    if (totalTimeout.toSeconds() > Duration.minutes(50).toSeconds()) {
      throw new Error(`totalTimeout must be 50 minutes or less: CloudFormation waits at most an hour for a custom resource; got ${totalTimeout.toHumanString()}.`);
    }
    const common = { handlerName: 'migrate', key: props.key, teardown: props.teardown, logRetention, memorySize: 512 };
    this.function = new PipelineFunction(this, 'Function', {
      ...common,
      handler: 'onEvent',
      timeout: Duration.minutes(1),
      description: 'Acknowledges a warehouse migrations request',
    });
    this.completeFunction = new PipelineFunction(this, 'CompleteFunction', {
      ...common,
      handler: 'isComplete',
      timeout: Duration.minutes(15),
      description: 'Applies sql/migrations through the Data API and makes the pipeline login',
    })
      .bindWarehouse({ cluster: props.cluster, databaseName: props.databaseName, secret: masterSecret(props.cluster) })
      .bindPipelineLoginSecret(props.loginSecret);

    const providerLogs = new LogGroup(this, 'ProviderLogs', { retention: logRetention, encryptionKey: props.key, removalPolicy: props.teardown.removalPolicy });
    const waiterLogs = new LogGroup(this, 'WaiterLogs', { retention: logRetention, encryptionKey: props.key, removalPolicy: props.teardown.removalPolicy });
    // Two roles: one shared by the framework's onEvent and its isComplete functions would need the waiter
    // state machine's ARN while the waiter needs isComplete's: a dependency cycle.
    const providerRole = new ManagedPolicyRole(this, 'ProviderRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const waiterRole = new ManagedPolicyRole(this, 'WaiterRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    providerLogs.grantWrite(providerRole);
    providerLogs.grantWrite(waiterRole);
    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.function,
      isCompleteHandler: this.completeFunction,
      queryInterval: props.queryInterval ?? Duration.seconds(30),
      totalTimeout,
      logGroup: providerLogs,
      frameworkOnEventRole: providerRole,
      frameworkCompleteAndTimeoutRole: waiterRole,
      // Logged only when asked twice: the framework leaves the waiter unlogged by default.
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: waiterLogs, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::WarehouseMigrations',
      properties: { MigrationsHash: migrationsHash(dir) },
      // CloudFormation waits this long for the Provider's answer: its whole polling window, and then some.
      serviceTimeout: totalTimeout.plus(Duration.minutes(10)),
    });
    // The writer instance must exist before SQL can run.
    this.resource.node.addDependency(props.cluster);
  }
}

function masterSecret(cluster: DatabaseCluster): ISecret {
  if (!cluster.secret) throw new Error('WarehouseMigrations: the cluster has no master secret; create it with Credentials.fromGeneratedSecret.');
  return cluster.secret;
}
