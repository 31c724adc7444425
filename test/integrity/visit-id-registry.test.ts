// The visit id registry (075_fact_visit_ids.sql): after a run it names every fact row's id, once, by
// the row's key; the migration registers a warehouse that already held visits, and only once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../lambdas/ports.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline } from '../helpers/run-pipeline.js';
import { openTestWarehouse } from './support/warehouse.js';

const ROLLBACK = new Error('rollback');
const AGREEMENT = `select
  (select count(*) from fact_visits)::int as visits,
  (select count(*) from fact_visit_ids)::int as registered,
  (select count(*) from fact_visits as f join fact_visit_ids as r on r.visit_id = f.visit_id and r.visit_key = f.visit_key)::int as named`;

describe.each(DATABASES)('Visit id registry on $name', (kind) => {
  let db: TestDatabase;
  let session: ReturnType<typeof openTestWarehouse>;
  let wh: Warehouse;
  beforeAll(async () => {
    db = await kind.create();
    await runPipeline(db, generatedInput(20, 4, 21), { config: { privacy: { noNoise: true } } });
    session = openTestWarehouse(db);
    wh = await session.warehouse();
  });
  afterAll(async () => {
    await session.close();
    await db.drop();
  });

  it('names each fact row by its key after a run, and nothing else', async () => {
    const [agreement] = await wh.query<{ visits: number; registered: number; named: number }>(AGREEMENT);
    expect(agreement!.visits).toBeGreaterThan(0);
    expect(agreement).toEqual({ visits: agreement!.visits, registered: agreement!.visits, named: agreement!.visits });
  });

  it('is filled by its migration for a warehouse that held visits before it, and left alone after', async () => {
    const migration = await readFile(join(SQL_DIR, 'migrations', '075_fact_visit_ids.sql'), 'utf8');
    let backfilled: unknown;
    let again: unknown;
    await wh.transaction(async (tx) => {
      // A warehouse from before 075: its visits, no registry rows.
      await tx.query('truncate fact_visit_ids');
      await tx.script(migration);
      [backfilled] = await tx.query(AGREEMENT);
      // Run again (forward-only and idempotent): one stale entry stays as it is, nothing is added.
      await tx.query("update fact_visit_ids set visit_key = -1 where visit_key = (select min(visit_key) from fact_visit_ids)");
      await tx.script(migration);
      [again] = await tx.query(AGREEMENT);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    const [{ visits }] = (await wh.query<{ visits: number }>('select count(*)::int as visits from fact_visits')) as [{ visits: number }];
    expect(backfilled).toEqual({ visits, registered: visits, named: visits });
    expect(again).toEqual({ visits, registered: visits, named: visits - 1 });
  });
});
