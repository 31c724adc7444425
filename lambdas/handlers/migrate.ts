// Custom-resource entry (CDK Provider framework): applies sql/migrations through the Data API on every
// deploy that changes them. Idempotent: the migrate step records applied files in schema_migrations.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { FsSqlSource } from '../adapters/local/fs-sql-source.js';
import { readLambdaSettings } from '../config.js';
import { migrate } from '../steps/migrate.js';
import { dataApiWarehouse } from './deps.js';

export const MIGRATIONS_RESOURCE_ID = 'warehouse-migrations';

export async function handler(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: MIGRATIONS_RESOURCE_ID };
  const settings = readLambdaSettings();
  const warehouse = dataApiWarehouse(settings);
  // Aurora only (not in sql/migrations, which also run on Postgres and PGlite): the S3 import extension.
  await warehouse.script('create extension if not exists aws_s3 cascade');
  const applied = await migrate(warehouse, new FsSqlSource(settings.sqlDir));
  console.log(JSON.stringify({ message: 'migrations applied', applied }));
  return { PhysicalResourceId: MIGRATIONS_RESOURCE_ID, Data: { Applied: applied.join(',') || 'none' } };
}
