// Partition retention: the pure planner (table-driven), detaching on the database (the data stays in a
// renamed table, out of fact_visits), and partition pruning for a one-month query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPartitionRetention, retentionCutoff } from '../../lambdas/core/integrity/partition-retention.js';
import { planRetention, applyRetention } from '../../local/integrity/apply-retention.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { runPipeline } from '../helpers/run-pipeline.js';
import { writeBatch } from './support/landing.js';
import { openTestWarehouse } from './support/warehouse.js';

const range = (name: string, from: string, to: string) => ({ name, bound: `FOR VALUES FROM ('${from}') TO ('${to}')` });
const yearly = (y: number) => range(`fact_visits_y${y}`, `${y}-01-01`, `${y + 1}-01-01`);

describe('Function: retentionCutoff', () => {
  it.each([
    ['2025-12-31', 7, '2018-12-31'],
    ['2025-01-01', 7, '2018-01-01'],
    ['2024-02-29', 1, '2023-02-28'],
  ])('%s minus %i years is %s', (asOf, years, cutoff) => {
    expect(retentionCutoff(asOf, years)).toBe(cutoff);
  });

  it.each([['2025-13-45', 7], ['2025-12-31', 0], ['2025-12-31', 2.5]])('rejects %s with %s years', (asOf, years) => {
    expect(() => retentionCutoff(asOf, years)).toThrow(/retention: /);
  });
});

describe('Function: planPartitionRetention', () => {
  const partitions = [yearly(2016), yearly(2017), yearly(2018), yearly(2019), yearly(2025), { name: 'fact_visits_default', bound: 'DEFAULT' }];

  it.each([
    ['2025-12-31', 7, ['fact_visits_y2016', 'fact_visits_y2017']],
    ['2026-01-01', 7, ['fact_visits_y2016', 'fact_visits_y2017', 'fact_visits_y2018']],
    ['2025-12-31', 10, []],
    ['2040-06-30', 1, ['fact_visits_y2016', 'fact_visits_y2017', 'fact_visits_y2018', 'fact_visits_y2019', 'fact_visits_y2025']],
  ])('as of %s keeping %i years detaches %j', (asOf, years, detached) => {
    const plan = planPartitionRetention(partitions, asOf, years);
    expect(plan.detach.map((d) => d.partition)).toEqual(detached);
    expect(plan.keep).toContain('fact_visits_default');
    expect(plan.detach.length + plan.keep.length).toBe(partitions.length);
  });

  it('names the archive table and the range of each detached partition', () => {
    expect(planPartitionRetention([yearly(2010)], '2025-12-31', 7).detach).toEqual([
      { partition: 'fact_visits_y2010', from: '2010-01-01', to: '2011-01-01', archivedAs: 'fact_visits_y2010_detached' },
    ]);
  });
});

describe.each(DATABASES)('Fact partitions on $name', (kind) => {
  let db: TestDatabase;
  let session: ReturnType<typeof openTestWarehouse>;
  const visitYears = [2015, 2017, 2019, 2024, 2024, 2025];

  beforeAll(async () => {
    db = await kind.create();
    const { landingDir, batchPrefix } = await writeBatch({
      patients: ['P-1,Ann Lee,1970-05-05,F,,,,Boston,MA,02116', 'P-2,Bob Ray,1960-06-06,M,,,,Denver,CO,80202'],
      providers: ['PR-1,Dr. One,Cardiology,,'],
      visits: visitYears.map((y, i) => `V-${i},P-${1 + (i % 2)},PR-1,${y}-03-${10 + i},Routine Checkup,Asthma,Spirometry,${100 + i}`),
    });
    await runPipeline(db, { runId: 'years', batchPrefix, asOf: '2025-12-31' }, { landingDir, config: { privacy: { noNoise: true } } });
    session = openTestWarehouse(db);
  });
  afterAll(async () => {
    await session.close();
    await db.drop();
  });

  it('scans only the one partition a one-month query needs', async () => {
    const wh = await session.warehouse();
    const plan = await wh.query<{ 'QUERY PLAN': string }>(
      "explain select count(*), sum(cost) from fact_visits where visit_date >= date '2024-03-01' and visit_date < date '2024-04-01'",
    );
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    const scanned = new Set([...text.matchAll(/\bfact_visits_(y\d{4}|default)(?!\w)/g)].map((m) => m[0]));
    expect([...scanned]).toEqual(['fact_visits_y2024']);
  });

  it('plans without changing anything, then detaches partitions older than the retention', async () => {
    const wh = await session.warehouse();
    const request = { asOf: '2025-12-31', years: 7, auditDays: 2555, only: 'partitions' as const };
    const plan = await planRetention(wh, request);
    expect(plan.partitions?.detach.map((d) => d.partition)).toEqual(['fact_visits_y2015', 'fact_visits_y2017']);
    expect(plan.audit).toBeUndefined();
    expect((await wh.query<{ n: number }>('select count(*)::int as n from fact_visits'))[0]!.n).toBe(visitYears.length);

    expect(await applyRetention(wh, plan, '/nonexistent')).toEqual({ detached: ['fact_visits_y2015', 'fact_visits_y2017'] });
    const [after] = await wh.query<{ in_fact: number; in_archive: number; min_year: number }>(
      `select (select count(*) from fact_visits)::int as in_fact,
              ((select count(*) from fact_visits_y2015_detached) + (select count(*) from fact_visits_y2017_detached))::int as in_archive,
              (select extract(year from min(visit_date)) from fact_visits)::int as min_year`,
    );
    expect(after).toEqual({ in_fact: visitYears.length - 2, in_archive: 2, min_year: 2019 });
    // The id registry (075) names exactly the visits still in fact_visits: a detached visit sent again is new.
    const registry = await wh.query<{ unnamed: number; stale: number }>(
      `select (select count(*) from fact_visits as f where not exists (select 1 from fact_visit_ids as r where r.visit_id = f.visit_id::uuid and r.visit_key = f.visit_key))::int as unnamed,
              (select count(*) from fact_visit_ids as r where not exists (select 1 from fact_visits as f where f.visit_key = r.visit_key))::int as stale`,
    );
    expect(registry).toEqual([{ unnamed: 0, stale: 0 }]);
    expect((await planRetention(wh, request)).partitions?.detach).toEqual([]);
  });
});
