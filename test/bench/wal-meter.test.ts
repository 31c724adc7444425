// The bench's WAL column: what the server wrote between mark and read, and nothing where the
// database cannot say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../lambdas/ports.js';
import { walMeter } from '../../local/bench/wal-meter.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { testDeps } from '../helpers/run-pipeline.js';

describe.each(DATABASES)('WAL meter on $name', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let sql: Sql;
  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db, {});
    sql = await deps.warehouse();
  });
  afterAll(async () => {
    await deps.close();
    await db.drop();
  });

  it('counts the megabytes a write adds to the log, and about none for a read', async () => {
    const meter = walMeter(sql);
    await sql.query('create table wal_meter_probe (v text)');
    await meter.mark();
    await sql.query("insert into wal_meter_probe select repeat(md5(g::text), 8) from generate_series(1, 20000) as g");
    expect(await meter.mbSinceMark()).toBeGreaterThanOrEqual(5);
    await meter.mark();
    await sql.query('select count(*) from wal_meter_probe');
    expect(await meter.mbSinceMark()).toBeLessThanOrEqual(1);
  });
});

it('reports nothing where the database has no WAL position to read', async () => {
  const refusing: Sql = { query: async () => Promise.reject(new Error('function pg_current_wal_lsn() does not exist')) };
  const meter = walMeter(refusing);
  await meter.mark();
  expect(await meter.mbSinceMark()).toBeUndefined();
});
