// Applies sql/migrations on deploy: a custom resource (Provider framework) whose handler runs the
// migrate step through the Data API. The resource's properties carry a hash of the migration files, so
// a deploy that changes them re-runs the (idempotent) migrator, and one that does not, skips it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { sqlDir } from '../paths.js';
import type { Teardown } from '../teardown.js';
import { ManagedPolicyRole } from './managed-policy-role.js';
import { PipelineFunction } from './pipeline-function.js';

export interface WarehouseMigrationsProps {
  readonly cluster: DatabaseCluster;
  readonly databaseName: string;
  readonly key: IKey;
  readonly teardown: Teardown;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /** Folder of numbered *.sql migrations. @default <repo>/sql/migrations */
  readonly migrationsDir?: string;
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
  readonly function: PipelineFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: WarehouseMigrationsProps) {
    super(scope, id);
    const dir = props.migrationsDir ?? join(sqlDir, 'migrations');
    this.function = new PipelineFunction(this, 'Function', {
      handlerName: 'migrate',
      key: props.key,
      teardown: props.teardown,
      timeout: Duration.minutes(10),
      memorySize: 512,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      description: 'Applies sql/migrations to the warehouse through the Data API',
    }).bindWarehouse(props.cluster, props.databaseName);

    const providerLogs = new LogGroup(this, 'ProviderLogs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
      removalPolicy: props.teardown.removalPolicy,
    });
    const providerRole = new ManagedPolicyRole(this, 'ProviderRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    providerLogs.grantWrite(providerRole);
    const provider = new Provider(this, 'Provider', { onEventHandler: this.function, logGroup: providerLogs, frameworkOnEventRole: providerRole });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::WarehouseMigrations',
      properties: { MigrationsHash: migrationsHash(dir) },
    });
    // The writer instance must exist before SQL can run.
    this.resource.node.addDependency(props.cluster);
  }
}
