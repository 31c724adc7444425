// A server database a test creates and never drops (its beforeAll failed before the afterAll could) is
// dropped by the test run's teardown (global-setup.ts), which finds it by the run's prefix. Tried here
// with a prefix of its own: the run's databases are in use by the other test files.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropLeftoverDatabases, testDatabasePrefix } from '../helpers/databases.js';

const serverUrl = process.env['DATABASE_URL'];

describe.skipIf(!serverUrl)('Leftover test databases', () => {
  it('carry the run prefix', () => {
    expect(testDatabasePrefix()).toMatch(/^hp_test_\d+_[0-9a-z]+_$/);
  });

  it('are dropped by prefix, and a name the prefix does not start is left (an underscore is not a wildcard)', async () => {
    const prefix = `hp_test_probe_${process.pid}_`;
    const left = `${prefix}1`;
    const other = `hp_test_probe_${process.pid}x1`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      for (const name of [left, other]) await admin.query(`create database ${name}`);
      expect(await dropLeftoverDatabases(serverUrl!, prefix)).toEqual([left]);
      const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname = any($1)', [[left, other]]);
      expect(rows.map((r) => r.datname)).toEqual([other]);
    } finally {
      for (const name of [left, other]) await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
  });
});
