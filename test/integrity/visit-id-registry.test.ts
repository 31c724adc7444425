// The visit id registry (075_fact_visit_ids.sql; ids as uuids since 076): after a run it names every fact row's id, once, by
// the row's key; a warehouse that held visits before it is registered a part per call, once.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { Sql, Warehouse, WarehouseTx } from '../../lambdas/ports.js';
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
  (select count(*) from fact_visits as f join fact_visit_ids as r on r.visit_id = f.visit_id::uuid and r.visit_key = f.visit_key)::int as named`;

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
    // 075 as it was, then 076 (ids as uuids) as every warehouse has it after migrating.
    const migration = (await Promise.all(['075_fact_visit_ids.sql', '076_fact_visit_ids_uuid.sql'].map((m) => readFile(join(SQL_DIR, 'migrations', m), 'utf8')))).join('\n');
    const { seen, visits } = await lookThenRollBack(wh, async (tx, seen) => {
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
    });
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
  it('retypes a registry kept as text to uuids and registers every visit again, a part per call', async () => {
    const migration = await readFile(join(SQL_DIR, 'migrations', '076_fact_visit_ids_uuid.sql'), 'utf8');
    const { seen, visits } = await lookThenRollBack(wh, async (tx, seen) => {
      // The registry as 075 made it: ids as text, every visit registered.
      await tx.query('drop table fact_visit_ids');
      await tx.query('create table fact_visit_ids (visit_id text primary key, visit_key bigint not null)');
      await tx.query('insert into fact_visit_ids select visit_id, visit_key from fact_visits');
      await tx.script(migration);
      [seen['type']] = await tx.query("select data_type from information_schema.columns where table_name = 'fact_visit_ids' and column_name = 'visit_id'");
      [seen['migrated']] = await tx.query(AGREEMENT);
      seen['pending'] = await tx.query('select after_key::int, last_key = (select max(visit_key) from fact_visits) as to_the_last from fact_visit_ids_pending');
      seen['unregisteredBeforeTheTransform'] = await unregisteredOnDemand(tx);
      seen['calls'] = await completeVisitIdRegistry(tx, 7);
      [seen['completed']] = await tx.query(AGREEMENT);
      // Again: a uuid registry is left as it is.
      await tx.script(migration);
      [seen['again']] = await tx.query(AGREEMENT);
    });
    expect(seen).toEqual({
      type: { data_type: 'uuid' },
      migrated: { visits, registered: 0, named: 0 },
      pending: [{ after_key: 0, to_the_last: true }],
      unregisteredBeforeTheTransform: [],
      calls: Math.ceil(visits / 7) + 1,
      completed: { visits, registered: visits, named: visits },
      again: { visits, registered: visits, named: visits },
    });
  });
});

/** What `look` saw in a transaction then rolled back, and the visits the warehouse holds after it. */
async function lookThenRollBack(wh: Warehouse, look: (tx: WarehouseTx, seen: Record<string, unknown>) => Promise<void>) {
  const seen: Record<string, unknown> = {};
  await wh
    .transaction(async (tx) => {
      await look(tx, seen);
      throw ROLLBACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
  const [row] = await wh.query<{ visits: number }>('select count(*)::int as visits from fact_visits');
  return { seen, visits: row!.visits };
}

/** The keys unique_visit_id finds on demand (npm run dq). */
async function unregisteredOnDemand(sql: Sql): Promise<string[]> {
  const tests = (await new FsSqlSource(SQL_DIR).dataTests()).filter((t) => t.name === 'fact_visits_unique_visit_id.sql');
  return (await evaluateDataTests(sql, tests))[0]?.sample ?? [];
}
