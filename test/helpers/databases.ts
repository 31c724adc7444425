// The databases integration tests run on: PGlite always, and the server in DATABASE_URL when set
// (.ci/run sets it). Each test gets its own fresh database.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pgliteTemplateDir } from './paths.js';

export interface TestDatabase {
  /** Settings for buildLocalDeps: a URL for a server, nothing for PGlite. */
  databaseUrl?: string;
  /** The work dir whose pglite/ folder holds the embedded database. */
  workDir: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

async function newWorkDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'health-pipeline-test-'));
}

const pglite: DatabaseKind = {
  name: 'pglite',
  async create() {
    const workDir = await newWorkDir();
    await cp(pgliteTemplateDir(), join(workDir, 'pglite'), { recursive: true });
    return { workDir, drop: () => rm(workDir, { recursive: true, force: true }) };
  },
};

function postgres(serverUrl: string): DatabaseKind {
  return {
    name: 'postgres',
    async create() {
      const workDir = await newWorkDir();
      const name = `${testDatabasePrefix()}${process.pid}_${Math.floor(Math.random() * 1e9)}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        databaseUrl: url.toString(),
        workDir,
        async drop() {
          const c = new pg.Client({ connectionString: serverUrl });
          await c.connect();
          await c.query(`drop database if exists ${name} with (force)`);
          await c.end();
          await rm(workDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/**
 * Every database a test run creates starts with this, so the run's teardown can drop the ones a test
 * left behind (an afterAll that never got to db.drop() because its beforeAll failed).
 */
export function testDatabasePrefix(): string {
  return `hp_test_${process.env['HP_TEST_RUN'] ?? 'adhoc'}_`;
}

/** Drops what is left of this run's databases (or of another prefix's) on the server; returns their names. */
export async function dropLeftoverDatabases(serverUrl: string, prefix = testDatabasePrefix()): Promise<string[]> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const pattern = `${prefix.replace(/_/g, '\\_')}%`;
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [pattern]);
    for (const { datname } of rows) await c.query(`drop database if exists "${datname}" with (force)`);
    return rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

const serverUrl = process.env['DATABASE_URL'];
export const DATABASES: DatabaseKind[] = serverUrl ? [pglite, postgres(serverUrl)] : [pglite];
