// The migrations custom resource (Provider framework, asynchronous): isComplete applies the migrations
// and makes the pipeline login, and answers "not yet" while an auto-paused cluster resumes, so a
// resume longer than one Lambda's retries does not fail the deploy.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { completeMigrations, type MigrationsDeps } from '../../lambdas/handlers/migrate.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { testDeps } from '../helpers/run-pipeline.js';

const event = (RequestType: 'Create' | 'Update' | 'Delete') => ({ RequestType, ResourceProperties: {} }) as never;
const failingWarehouse = (error: Error): Warehouse => {
  const fail = async (): Promise<never> => Promise.reject(error);
  return { engine: 'aurora-data-api', query: fail, script: fail, transaction: fail, close: async () => undefined };
};
const unusedLogin = async (): Promise<never> => Promise.reject(new Error('the login is not read before the database answers'));

describe('Function: completeMigrations while the cluster resumes', () => {
  it.each([
    ['the Data API retries ran out (DB_UNREACHABLE)', new PipelineError('DB_UNREACHABLE', 'The Data API still answered DatabaseResumingException after 8 attempts.')],
    ['DatabaseResumingException itself', Object.assign(new Error('resuming'), { name: 'DatabaseResumingException' })],
  ])('answers IsComplete: false when %s', async (_case, error) => {
    const deps: MigrationsDeps = { warehouse: () => failingWarehouse(error), sql: { migrations: async () => [], models: async () => [], dataTests: async () => [] }, login: unusedLogin };
    expect(await completeMigrations(deps, event('Create'))).toEqual({ IsComplete: false });
  });

  it('fails the deploy on any other error', async () => {
    const deps: MigrationsDeps = { warehouse: () => failingWarehouse(new PipelineError('DB_FAILED', 'syntax error in 011')), sql: { migrations: async () => [], models: async () => [], dataTests: async () => [] }, login: unusedLogin };
    await expect(completeMigrations(deps, event('Update'))).rejects.toThrow(/syntax error in 011/);
  });

  it('has nothing to do on Delete', async () => {
    const deps: MigrationsDeps = { warehouse: () => failingWarehouse(new Error('must not be called')), sql: { migrations: async () => [], models: async () => [], dataTests: async () => [] }, login: unusedLogin };
    expect(await completeMigrations(deps, event('Delete'))).toEqual({ IsComplete: true });
  });
});

describe.each(DATABASES)('Function: completeMigrations on $name', (kind) => {
  const login = `hw_pipeline_login_m${process.pid}_${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let wh: Warehouse;
  let migrations: MigrationsDeps;
  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db);
    wh = await deps.warehouse();
    migrations = { warehouse: () => wh, sql: deps.sql, login: async () => ({ username: login, password: randomBytes(24).toString('hex') }) };
  });
  afterAll(async () => {
    await deps.close();
    await db.drop();
    if (db.databaseUrl) {
      const admin = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
      await admin.connect();
      await admin.query(`drop role if exists ${login}`);
      await admin.end();
    }
  });

  it('applies the migrations and makes the pipeline login, then converges on a second deploy', async () => {
    const first = await completeMigrations(migrations, event('Create'));
    expect(first.IsComplete).toBe(true);
    expect(first.Data?.Applied).toContain('011_pipeline_login.sql');
    const [role] = await wh.query<{ login: boolean; member: boolean; scram: boolean }>(
      `select rolcanlogin as login, pg_has_role(rolname, 'hw_pipeline', 'member') as member, rolpassword like 'SCRAM-SHA-256$%' as scram
       from pg_authid where rolname = $1`,
      [login],
    );
    expect(role).toEqual({ login: true, member: true, scram: true });
    expect(await completeMigrations(migrations, event('Update'))).toEqual({ IsComplete: true, Data: { Applied: 'none' } });
  });
});
