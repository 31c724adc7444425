// The data tests (sql/tests): all pass on a clean run; each rule, broken on purpose, is reported with
// its table and sample keys; inside a run a failure fails the transform and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { SqlFile, Warehouse } from '../../lambdas/ports.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { runDq } from '../../local/integrity/run-dq.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline, testDeps } from '../helpers/run-pipeline.js';
import { runLocal } from '../../local/pipeline/run-local.js';
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

// At least one corruption per rule; each statement breaks exactly the rule named beside it.
const CORRUPTIONS: [string, string][] = [
  ['dim_patients_accepted_values', "insert into dim_patients (patient_id, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id) values ('robot', 2000, 'Robot', '021', 'MA', '2000-01-01', '2000-01-02', false, 'x')"],
  ['dim_patients_versions_valid', "update dim_patients set valid_to = valid_from where patient_key = (select max(patient_key) from dim_patients)"],
  // An earlier version, closed in order, under another serial than the patient's current one (081_patient_serials.sql).
  ['dim_patients_versions_valid', "insert into dim_patients (patient_id, patient_serial, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id) select patient_id, patient_serial + 1000000, birth_year, gender, zip3, state, valid_from - 10, valid_from - 5, false, run_id from dim_patients where is_current order by patient_key limit 1"],
  // Registered as the transform registers a visit (075_fact_visit_ids.sql, 076), so only the date is wrong.
  // Ids written by hand are 32 hex digits, as a pseudonym is: the registry keeps ids as uuids.
  ['fact_visits_no_future_dates', "with f as (insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id) select md5('future-visit'), min(patient_key), (select min(provider_key) from dim_providers), date '2030-01-01', 'Telehealth', 'Flu', 'Vaccination', 10, 10, (select run_id from pipeline_runs limit 1) from dim_patients returning visit_id, visit_key) insert into fact_visit_ids select visit_id::uuid, visit_key from f"],
  ['fact_visits_cost_valid', "update fact_visits set cost = null where visit_key = (select min(visit_key) from fact_visits)"],
  ['fact_visits_unique_visit_id', "insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id) select visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id from fact_visits where visit_date = (select min(visit_date) from fact_visits) limit 1"],
  ['staging_reconciles', "select set_config('pipeline.run_id', 'x', true); insert into staging_visits (visit_id, patient_id, provider_id, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, source_line, run_id) values (md5('lost-visit'), 'p', 'r', date '2025-01-01', 't', 'd', 'p', 1, 1, 9999, 'x')"],
  ['staging_patients_reconciles', "select set_config('pipeline.run_id', 'x', true); insert into staging_patients (patient_id, birth_year, gender, zip3, state, source_line, run_id) values ('lost-patient', 2000, 'Male', '021', 'MA', 9999, 'x')"],
  // A held patient staged with another state that no version records (found by the probe of every current version).
  ['staging_patients_reconciles', "select set_config('pipeline.run_id', 'x', true); insert into staging_patients (patient_id, birth_year, gender, zip3, state, source_line, run_id) select patient_id, birth_year, gender, zip3, case when state = 'MA' then 'NY' else 'MA' end, 9998, 'x' from dim_patients where is_current order by patient_key limit 1"],
  ['staging_providers_reconciles', "select set_config('pipeline.run_id', 'x', true); insert into staging_providers (provider_id, provider_name, specialty, source_line, run_id) values ('lost-provider', 'Dr. Lost', 'Cardiology', 9999, 'x')"],
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

  it('counts a badly failing test in the database and brings back only a few keys', async () => {
    const many: SqlFile = { name: 'many_failures.sql', sql: '-- test: fails everywhere; table: nowhere\nselect g::text as key from generate_series(1, 5000) as g;' };
    const [result] = await evaluateDataTests(wh, [many]);
    expect(result).toMatchObject({ name: 'many_failures', failures: 5000, sample: ['1', '2', '3', '4', '5'] });
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
      await tx.script(corruption);
      failed = (await evaluateDataTests(tx, tests)).filter((r) => r.failures > 0);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    expect(failed.map((f) => f.name)).toEqual([name]);
    expect(failed[0]!.table).toBe(tests.find((t) => t.name === `${name}.sql`)!.sql.match(/table: (\S+)/)![1]);
    expect(failed[0]!.sample.length).toBeGreaterThan(0);
  });

  // The id registry (075_fact_visit_ids.sql) is what the run-scoped form of unique_visit_id trusts; on
  // demand the registry and fact_visits must agree row for row, both ways.
  it.each([
    // Both ways at once: the fact row is not named, and the name points at no row.
    ['a registry entry naming the wrong row', 'update fact_visit_ids set visit_key = -1 where visit_key = (select min(visit_key) from fact_visit_ids)', ['not registered', 'registered, not in fact_visits']],
    ['a fact row the registry does not name', 'delete from fact_visit_ids where visit_key = (select min(visit_key) from fact_visit_ids)', ['not registered']],
    ['a registered id no fact row holds', "insert into fact_visit_ids values (md5('ghost-visit')::uuid, -2)", ['registered, not in fact_visits']],
  ])('unique_visit_id on demand finds %s', async (_what, corruption, labels) => {
    const tests = (await new FsSqlSource(SQL_DIR).dataTests()).filter((t) => t.name === 'fact_visits_unique_visit_id.sql');
    let sample: string[] = [];
    await wh.transaction(async (tx) => {
      await tx.script(corruption);
      sample = (await evaluateDataTests(tx, tests))[0]?.sample ?? [];
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    expect(sample.map((key) => key.replace(/^.* \((.*)\)$/, '$1')).sort()).toEqual(labels);
  });

  it('fails the transform naming test, table and keys, and leaves the warehouse as it was', async () => {
    // A model that writes a bad row for its own run: the run's data tests must catch it and roll back.
    const corrupt: SqlFile = {
      name: 'zz_corrupt.sql',
      sql: "-- depends_on: dim_patients\nupdate dim_patients set gender = 'Robot' where patient_key = (select min(patient_key) from dim_patients where run_id = pipeline_run_id());",
    };
    const before = await warehouseChecksum(wh);
    await session.close(); // PGlite: one process may hold the folder at a time
    const deps = testDeps(db, OPTIONS);
    const failing = { ...deps, sql: { ...deps.sql, models: async () => [...(await deps.sql.models()), corrupt] } };
    const failure = await runLocal(failing, generatedInput(20, 4, 14)).then(() => 'no error', (e: Error) => e.message).finally(() => deps.close());
    session = openTestWarehouse(db);
    wh = await session.warehouse();
    expect(failure).toMatch(/dim_patients_accepted_values \(accepted_values gender, birth_year \(top-coded at 90\), zip3 and state\) on dim_patients: 1 row\(s\), e\.g\. [0-9a-f]{32}/);
    // The load committed before the transform failed: staging keeps the failed run's rows (its retry
    // replaces them); everything the transform touches is as it was.
    const skip = (c: Record<string, string>) => Object.fromEntries(Object.entries(c).filter(([t]) => !/^(pipeline_runs|batch_ledger|staging_)/.test(t)));
    expect(skip(await warehouseChecksum(wh))).toEqual(skip(before));
    const staged = await wh.query<{ run_id: string }>('select distinct run_id from staging_visits');
    expect(staged).toEqual([{ run_id: generatedInput(20, 4, 14).runId }]);
  });

});
