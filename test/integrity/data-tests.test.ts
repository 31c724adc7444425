// The data tests (sql/tests): all pass on a clean run; each rule, broken on purpose, is reported with
// its table and sample keys; inside a run a failure fails the transform and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { runDq } from '../../local/integrity/run-dq.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from './support/checksum.js';
import { openTestWarehouse } from './support/warehouse.js';

const INPUT = generatedInput(20, 4, 13);
const OPTIONS = { config: { privacy: { noNoise: true } } };
const ROLLBACK = new Error('rollback');

const ALL_TESTS = [
  'dim_patients_accepted_values', 'dim_patients_not_null', 'dim_patients_unique_current', 'dim_patients_versions_valid',
  'dim_providers_not_null', 'dim_providers_unique', 'fact_visits_cost_valid', 'fact_visits_no_future_dates',
  'fact_visits_not_null', 'fact_visits_relationships', 'fact_visits_unique_visit_id', 'pipeline_runs_counts_reconcile',
  'quarantine_rows_accepted_values', 'staging_patients_reconciles', 'staging_providers_reconciles', 'staging_reconciles',
];

// One corruption per rule; each statement breaks exactly the rule named beside it.
const CORRUPTIONS: [string, string][] = [
  ['dim_patients_accepted_values', "insert into dim_patients (patient_id, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id) values ('robot', 2000, 'Robot', '021', 'MA', '2000-01-01', '2000-01-02', false, 'x')"],
  ['dim_patients_versions_valid', "update dim_patients set valid_to = valid_from where patient_key = (select max(patient_key) from dim_patients)"],
  ['fact_visits_no_future_dates', "insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id) select 'future-visit', min(patient_key), (select min(provider_key) from dim_providers), date '2030-01-01', 'Telehealth', 'Flu', 'Vaccination', 10, 10, (select run_id from pipeline_runs limit 1) from dim_patients"],
  ['fact_visits_unique_visit_id', "insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id) select visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id from fact_visits where visit_date = (select min(visit_date) from fact_visits) limit 1"],
  ['staging_reconciles', "insert into staging_visits (visit_id, patient_id, provider_id, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, source_line, run_id) values ('lost-visit', 'p', 'r', date '2025-01-01', 't', 'd', 'p', 1, 1, 9999, 'x')"],
  ['staging_patients_reconciles', "insert into staging_patients (patient_id, birth_year, gender, zip3, state, source_line, run_id) values ('lost-patient', 2000, 'Male', '021', 'MA', 9999, 'x')"],
  ['staging_providers_reconciles', "insert into staging_providers (provider_id, provider_name, specialty, source_line, run_id) values ('lost-provider', 'Dr. Lost', 'Cardiology', 9999, 'x')"],
  ['pipeline_runs_counts_reconcile', `update pipeline_runs set counts = jsonb_set(counts, '{anonymized,visits,read}', '1')`],
  ['quarantine_rows_accepted_values', "insert into quarantine_rows (run_id, entity, source_line, record_key, reason) values ('x', 'invoices', 2, 'k', 'why')"],
];

describe.each(DATABASES)('Data tests on $name', (kind) => {
  let db: TestDatabase;
  let session: ReturnType<typeof openTestWarehouse>;
  let wh: Warehouse;
  beforeAll(async () => {
    db = await kind.create();
    await runPipeline(db, INPUT, OPTIONS);
    session = openTestWarehouse(db);
    wh = await session.warehouse();
  });
  afterAll(async () => {
    await session.close();
    await db.drop();
  });

  it('all pass after a clean run, as npm run dq reports them', async () => {
    const results = await runDq(wh, { asOf: '2025-12-31' });
    expect(results.map((r) => r.name)).toEqual(ALL_TESTS);
    expect(results.filter((r) => r.failures > 0 || r.error)).toEqual([]);
  });

  it.each(CORRUPTIONS)('%s fails, naming its table and sample keys', async (name, corruption) => {
    const tests = await new FsSqlSource(SQL_DIR).dataTests();
    let failed: { name: string; table: string; sample: string[] }[] = [];
    await wh.transaction(async (tx) => {
      await tx.query(corruption);
      failed = (await evaluateDataTests(tx, tests)).filter((r) => r.failures > 0);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    expect(failed.map((f) => f.name)).toEqual([name]);
    expect(failed[0]!.table).toBe(tests.find((t) => t.name === `${name}.sql`)!.sql.match(/table: (\S+)/)![1]);
    expect(failed[0]!.sample.length).toBeGreaterThan(0);
  });

  it('fails the transform naming test, table and keys, and leaves the warehouse as it was', async () => {
    await wh.query("update dim_patients set gender = 'Robot' where patient_key = (select min(patient_key) from dim_patients)");
    const [bad] = await wh.query<{ patient_id: string }>("select patient_id from dim_patients where gender = 'Robot'");
    const before = await warehouseChecksum(wh);
    await session.close(); // PGlite: one process may hold the folder at a time
    const failure = await runPipeline(db, INPUT, OPTIONS).then(() => 'no error', (e: Error) => e.message);
    session = openTestWarehouse(db);
    wh = await session.warehouse();
    expect(failure).toContain(`dim_patients_accepted_values (accepted_values gender, birth_year (top-coded at 90), zip3 and state) on dim_patients: 1 row(s), e.g. ${bad!.patient_id}`);
    const { pipeline_runs: _runs, batch_ledger: _ledger, ...after } = await warehouseChecksum(wh);
    const { pipeline_runs: _r, batch_ledger: _l, ...expected } = before;
    expect(after).toEqual(expected);
  });
});
