// The visit id registry (075_fact_visit_ids.sql): after a run it names every fact row's id, once, by
// the row's key; a warehouse that held visits before it is registered a part per call, once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { Sql, Warehouse } from '../../lambdas/ports.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { completeVisitIdRegistry } from '../../lambdas/steps/io/visit-id-registry.js';
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

  it('registers the visits a warehouse held before it a part per call, once', async () => {
    const migration = await readFile(join(SQL_DIR, 'migrations', '075_fact_visit_ids.sql'), 'utf8');
    const seen: Record<string, unknown> = {};
    await wh.transaction(async (tx) => {
      // A warehouse from before 075: its visits, no registry rows.
      await tx.query('truncate fact_visit_ids');
      await tx.script(migration);
      [seen['migrated']] = await tx.query(AGREEMENT);
      seen['unregisteredBeforeTheTransform'] = await unregisteredOnDemand(tx);
      seen['calls'] = await completeVisitIdRegistry(tx, 7);
      [seen['completed']] = await tx.query(AGREEMENT);
      seen['pending'] = await tx.query('select * from fact_visit_ids_pending');
      // Run again (forward-only and idempotent): a stale entry stays as it is, nothing is pending.
      await tx.query('update fact_visit_ids set visit_key = -1 where visit_key = (select min(visit_key) from fact_visit_ids)');
      await tx.script(migration);
      seen['againCalls'] = await completeVisitIdRegistry(tx, 7);
      [seen['again']] = await tx.query(AGREEMENT);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    const [{ visits }] = (await wh.query<{ visits: number }>('select count(*)::int as visits from fact_visits')) as [{ visits: number }];
    expect(seen).toEqual({
      // The migration itself registers nothing (a Data API call stops at 45 s); npm run dq waits for the transform.
      migrated: { visits, registered: 0, named: 0 },
      unregisteredBeforeTheTransform: [],
      calls: Math.ceil(visits / 7) + 1,
      completed: { visits, registered: visits, named: visits },
      pending: [],
      againCalls: 1,
      again: { visits, registered: visits, named: visits - 1 },
    });
  });
});

/** The keys unique_visit_id finds on demand (npm run dq). */
async function unregisteredOnDemand(sql: Sql): Promise<string[]> {
  const tests = (await new FsSqlSource(SQL_DIR).dataTests()).filter((t) => t.name === 'fact_visits_unique_visit_id.sql');
  return (await evaluateDataTests(sql, tests))[0]?.sample ?? [];
}
