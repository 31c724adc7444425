// Custom-resource entries (CDK Provider framework, asynchronous pattern) that apply sql/migrations
// through the Data API on every deploy that changes them, as the cluster's master user, then make the
// pipeline's own login from its secret. onEvent only acknowledges; isComplete does the work and is
// polled until it can: an auto-paused (0 ACU) cluster answers DatabaseResumingException until it has
// resumed, which after a long pause can outlast one Lambda's retries, so "still resuming" answers
// IsComplete: false and the Provider asks again (its totalTimeout bounds the wait). Idempotent: the
// migrate step records applied files in schema_migrations, and the login setup converges.
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { FsSqlSource } from '../adapters/local/fs-sql-source.js';
import { TRANSIENT_DATA_API_ERRORS } from '../adapters/aws/data-api-retry.js';
import { ENV, readLambdaSettings, type LambdaSettings } from '../config.js';
import { PipelineError, isPipelineError } from '../core/errors.js';
import type { SqlSource, Warehouse } from '../ports.js';
import { migrate } from '../steps/migrate.js';
import { PIPELINE_GROUP, ensurePipelineLogin, type LoginCredentials } from '../steps/pipeline-login.js';
import { secretsClient } from './clients.js';
import { dataApiWarehouse } from './deps.js';

export const MIGRATIONS_RESOURCE_ID = 'warehouse-migrations';

type ProviderEvent = CloudFormationCustomResourceEvent & { PhysicalResourceId?: string };

export async function onEvent(event: ProviderEvent): Promise<{ PhysicalResourceId: string }> {
  console.log(JSON.stringify({ message: 'migrations requested', requestType: event.RequestType }));
  return { PhysicalResourceId: MIGRATIONS_RESOURCE_ID };
}

/** What applying the migrations needs; the Lambda builds it from its settings, tests pass their own. */
export interface MigrationsDeps {
  warehouse: () => Warehouse;
  sql: SqlSource;
  login: () => Promise<LoginCredentials>;
}

export const isComplete = (event: ProviderEvent) => completeMigrations(lambdaMigrationsDeps(readLambdaSettings()), event);

export async function completeMigrations(deps: MigrationsDeps, event: ProviderEvent): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  try {
    const applied = await applyMigrations(deps);
    console.log(JSON.stringify({ message: 'migrations applied', applied }));
    return { IsComplete: true, Data: { Applied: applied.join(',') || 'none' } };
  } catch (e) {
    if (!isResuming(e)) throw e;
    console.log(JSON.stringify({ message: 'the database is still resuming; the Provider will ask again', error: (e as Error).message }));
    return { IsComplete: false };
  }
}

/** Migrations, the Aurora-only pieces around them, and the pipeline login. */
export async function applyMigrations(deps: MigrationsDeps): Promise<string[]> {
  const warehouse = deps.warehouse();
  const aurora = warehouse.engine === 'aurora-data-api';
  // Aurora only (not in sql/migrations, which also run on Postgres and PGlite): the S3 import extension.
  if (aurora) await warehouse.script('create extension if not exists aws_s3 cascade');
  const applied = await migrate(warehouse, deps.sql);
  if (aurora) {
    // The load step imports from S3 as the pipeline login.
    await warehouse.script(
      `grant usage on schema aws_s3, aws_commons to ${PIPELINE_GROUP};
       grant execute on all functions in schema aws_s3, aws_commons to ${PIPELINE_GROUP};`,
    );
  }
  await ensurePipelineLogin(warehouse, await deps.login());
  return applied;
}

const lambdaMigrationsDeps = (settings: LambdaSettings): MigrationsDeps => ({
  warehouse: () => dataApiWarehouse(settings),
  sql: new FsSqlSource(settings.sqlDir),
  login: () => readLogin(settings),
});

async function readLogin(settings: LambdaSettings): Promise<LoginCredentials> {
  const secretId = settings.pipelineLoginSecretArn;
  if (!secretId) throw new PipelineError('BAD_CONFIG', `The migrations function has no pipeline login secret: ${ENV.pipelineLoginSecretArn} is unset.`, 'The CDK app sets it (WarehouseMigrations).');
  const out = await secretsClient().send(new GetSecretValueCommand({ SecretId: secretId }));
  const parsed = JSON.parse(out.SecretString ?? '{}') as Partial<LoginCredentials>;
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new PipelineError('BAD_CONFIG', `The pipeline login secret ${secretId} has no username and password.`, 'It is a DatabaseSecret the CDK app creates: {"username", "password", ...}.');
  }
  return { username: parsed.username, password: parsed.password };
}

/** The Data API's "not yet": resuming, or unavailable, after the adapter's own retries. */
const isResuming = (e: unknown): boolean =>
  (isPipelineError(e) && e.code === 'DB_UNREACHABLE') || TRANSIENT_DATA_API_ERRORS.includes((e as { name?: string })?.name ?? '');
