// The run's evidence and the data tests share their work: once staging_*_reconciles have passed in the
// transform's transaction, "found" is counted from staging and quarantine instead of looking every
// staged id up again, and it must equal the direct count. Before the tests, analyze_run_rows() tells
// the planner how many rows the run wrote, so the tests are not planned for a few (a million probes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderModels } from '../../lambdas/core/models/order-models.js';
import type { WarehouseTx } from '../../lambdas/ports.js';
import { anonymize, load, migrate } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { queryRunEvidence, RECONCILE_TESTS } from '../../lambdas/steps/io/run-evidence.js';
import { planForOnePass, setRunContext } from '../../lambdas/steps/io/session.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { testDeps } from '../helpers/run-pipeline.js';
import { BAD_BATCH } from './support/landing.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const ROLLBACK = new Error('rollback');
const PROVED = new Set(Object.values(RECONCILE_TESTS));

interface PlanNode {
  'Plan Rows': number;
  'Actual Rows': number;
  'Node Type': string;
  Plans?: PlanNode[];
}

describe.each(DATABASES)('Run evidence beside the data tests on $name', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;

  /** Loads a batch as a run, then runs fn after its models, in a transaction that is rolled back. */
  const afterModels = async (state: RunState, fn: (tx: WarehouseTx) => Promise<void>): Promise<void> => {
    const models = orderModels(await deps.sql.models());
    await (await deps.warehouse()).transaction(async (tx) => {
      await setRunContext(tx, state.runId, state.asOf);
      await planForOnePass(tx);
      for (const m of models) await tx.script(m.sql);
      await fn(tx);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
  };

  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db, { ...OPTIONS, landingDir: BAD_BATCH });
    await migrate(await deps.warehouse(), deps.sql);
  }, 120_000);
  afterAll(async () => {
    await deps?.close();
    await db?.drop();
  });

  it('counts found from the passed reconcile tests as the direct count does, quarantined rows included', async () => {
    const state = await load(deps, await anonymize(deps, { runId: 'evidence-bad', batchPrefix: '', asOf: '2025-12-31' }));
    const tests = await deps.sql.dataTests();
    await afterModels(state, async (tx) => {
      const results = await evaluateDataTests(tx, tests);
      expect(results.filter((r) => r.failures > 0)).toEqual([]);
      const proved = await queryRunEvidence(tx, state.runId, PROVED);
      const counted = await queryRunEvidence(tx, state.runId);
      expect(proved).toEqual(counted);
      expect(proved.visits).toMatchObject({ staged: 34, found: 30, quarantined: 4 });
    });
  });

  it('counts found directly when a reconcile test has not passed, and that test names the lost row', async () => {
    const state = await load(deps, await anonymize(deps, { runId: 'evidence-lost', batchPrefix: '', asOf: '2025-12-31' }));
    const tests = (await deps.sql.dataTests()).filter((t) => t.name === 'staging_reconciles.sql');
    await afterModels(state, async (tx) => {
      await tx.query("delete from fact_visits where visit_key = (select min(visit_key) from fact_visits where run_id = current_setting('pipeline.run_id'))");
      const [reconciles] = await evaluateDataTests(tx, tests);
      expect(reconciles).toMatchObject({ name: 'staging_reconciles', table: 'staging_visits', failures: 1 });
      const counted = await queryRunEvidence(tx, state.runId, new Set(['staging_patients_reconciles', 'staging_providers_reconciles']));
      expect(counted.visits).toMatchObject({ staged: 34, found: 29, quarantined: 4 });
    });
  });

  it('plans the tests from the rows the run wrote, not from statistics that predate them', async () => {
    const state = await load(deps, await anonymize(deps, { runId: 'evidence-plan', batchPrefix: '', asOf: '2025-12-31' }));
    await afterModels(state, async (tx) => {
      await evaluateDataTests(tx, (await deps.sql.dataTests()).filter((t) => t.name === 'fact_visits_cost_valid.sql'));
      const [row] = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
        'explain (analyze, format json) select visit_id from fact_visits where run_id = $1',
        [state.runId],
      );
      const explained = row!['QUERY PLAN'];
      const plan = (typeof explained === 'string' ? (JSON.parse(explained) as [{ Plan: PlanNode }]) : explained)[0].Plan;
      // Without the analysis the partitions this transaction created hold no statistics, and the
      // run's visits are estimated at half a percent of the rows.
      expect(plan['Actual Rows']).toBe(30);
      expect(plan['Plan Rows']).toBeGreaterThan(plan['Actual Rows'] / 2);
    });
  });

  // 078: the sample is skipped when the run staged under a tenth of the rows the statistics hold (it
  // would only read pages: the planner already takes a run id it has not seen for few rows), and taken
  // when the run reaches a tenth. The statistics are set by hand, inside the rolled-back transaction.
  it.each([
    ['leaves the statistics of a warehouse ten times the run alone', 1_000_000, false],
    ['samples again when the run is a tenth or more of what the statistics hold', 10, true],
  ])('%s', async (_name, heldRows, sampled) => {
    const state = await load(deps, await anonymize(deps, { runId: `evidence-stats-${heldRows}`, batchPrefix: '', asOf: '2025-12-31' }));
    await afterModels(state, async (tx) => {
      const tables = "select 'dim_patients'::regclass union all select inhrelid from pg_inherits where inhparent = 'fact_visits'::regclass";
      await tx.query(`update pg_class set reltuples = $1 where oid in (${tables})`, [heldRows]);
      await evaluateDataTests(tx, (await deps.sql.dataTests()).filter((t) => t.name === 'fact_visits_cost_valid.sql'));
      const rows = await tx.query<{ relname: string; reltuples: number }>(`select relname, reltuples from pg_class where oid in (${tables}) and relname !~ 'default'`);
      const counted = await tx.query<{ patients: number }>("select count(*)::int as patients from dim_patients");
      const patients = rows.find((r) => r.relname === 'dim_patients');
      expect(Number(patients?.reltuples)).toBe(sampled ? counted[0]!.patients : heldRows);
      // Every partition holding the run's visits is sampled too, or none is.
      expect(rows.filter((r) => r.relname !== 'dim_patients' && Number(r.reltuples) !== heldRows).length > 0).toBe(sampled);
    });
  });
});
