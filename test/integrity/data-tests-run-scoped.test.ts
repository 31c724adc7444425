// The data tests' run-scoped forms (the run's id as $1): inside a run, each rule still catches a row
// that run wrote and breaks, and a row another run wrote is left to npm run dq. The whole-warehouse
// forms are broken on purpose in data-tests.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { SqlFile, Warehouse } from '../../lambdas/ports.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline } from '../helpers/run-pipeline.js';
import { openTestWarehouse } from './support/warehouse.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const ROLLBACK = new Error('rollback');
const RUN_VISIT = "(select min(visit_key) from fact_visits where run_id = current_setting('h9.run'))";
const RUN_PATIENT = "(select min(patient_key) from dim_patients where run_id = current_setting('h9.run'))";

// One corruption of a row the committed run wrote per rule; each breaks exactly the rule named beside it.
const CORRUPTIONS: [string, string][] = [
  ['dim_patients_accepted_values', `update dim_patients set gender = 'Robot' where patient_key = ${RUN_PATIENT}`],
  ['fact_visits_cost_valid', `update fact_visits set cost = null where visit_key = ${RUN_VISIT}`],
  ['fact_visits_no_future_dates', `update fact_visits set visit_date = date '2030-01-01' where visit_key = ${RUN_VISIT}`],
  ['fact_visits_relationships', `update fact_visits set patient_key = -1 where visit_key = ${RUN_VISIT}`],
  ['fact_visits_unique_visit_id', `insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id)
     select visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id from fact_visits where visit_key = ${RUN_VISIT}`],
  // Versions are judged for the patients the run staged: stage the patient again as it stands.
  ['dim_patients_versions_valid', `insert into staging_patients (patient_id, birth_year, gender, zip3, state, source_line, run_id)
     select patient_id, birth_year, gender, zip3, state, 1, current_setting('h9.run') from dim_patients where patient_key = ${RUN_PATIENT};
     update dim_patients set valid_to = valid_from where patient_key = ${RUN_PATIENT}`],
];

// Rules the run form proves another way than by reading every row, broken where that proof would not see it.
const RESTAGE_RUN_PATIENT = `insert into staging_patients (patient_id, birth_year, gender, zip3, state, source_line, run_id)
  select patient_id, birth_year, gender, zip3, state, 1, current_setting('h9.run') from dim_patients where patient_key = ${RUN_PATIENT}`;
const COPY_RUN_PATIENT = (validTo: string, isCurrent: string) => `insert into dim_patients (patient_id, birth_year, gender, zip3, state, valid_from, valid_to, is_current, run_id)
  select patient_id, birth_year, gender, zip3, state, valid_from, ${validTo}, ${isCurrent}, run_id from dim_patients where patient_key = ${RUN_PATIENT}`;
// The visit id registry (075_fact_visit_ids.sql) names one row per id: another run's row with the
// run's id, registered in its place (so the id was already held when the run inserted it).
const ANOTHER_RUNS_REGISTERED_COPY = `with copy as (
    insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id)
    select visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, 'another-run'
    from fact_visits where visit_key = ${RUN_VISIT}
    returning visit_id, visit_key)
  update fact_visit_ids as r set visit_key = copy.visit_key from copy where r.visit_id = copy.visit_id::uuid`;
const PROVED_OTHERWISE: [string, string, string][] = [
  // In a run, a visit is checked against the registry: the run's row is not the one it names.
  ['fact_visits_unique_visit_id', "for another run's row with the run's id", ANOTHER_RUNS_REGISTERED_COPY],
  // The unique index on current versions is the in-run proof: without it, a second current version is counted.
  ['dim_patients_unique_current', 'once its unique index is gone', `drop index dim_patients_current_uq; ${RESTAGE_RUN_PATIENT}; ${COPY_RUN_PATIENT('null', 'true')}`],
  // ... or replaced by one of the same name that no longer makes a second current version a conflict.
  ['dim_patients_unique_current', 'once its unique index allows two current versions', `drop index dim_patients_current_uq;
     create unique index dim_patients_current_uq on dim_patients (patient_id, valid_to); ${RESTAGE_RUN_PATIENT}; ${COPY_RUN_PATIENT('null', 'true')}`],
  // Overlap is looked for from closed versions: a closed version overlapping the current one.
  ['dim_patients_versions_valid', 'for a closed version overlapping the current one', `${RESTAGE_RUN_PATIENT}; ${COPY_RUN_PATIENT("valid_from + 30", 'false')}`],
];

describe.each(DATABASES)('Run-scoped data tests on $name', (kind) => {
  let db: TestDatabase;
  let session: ReturnType<typeof openTestWarehouse>;
  let wh: Warehouse;
  let tests: SqlFile[];
  let runId: string;
  beforeAll(async () => {
    db = await kind.create();
    await runPipeline(db, generatedInput(20, 4, 17), OPTIONS);
    session = openTestWarehouse(db);
    wh = await session.warehouse();
    tests = await new FsSqlSource(SQL_DIR).dataTests();
    [{ run_id: runId }] = (await wh.query<{ run_id: string }>('select run_id from fact_visits limit 1')) as [{ run_id: string }];
  });
  afterAll(async () => {
    await session.close();
    await db.drop();
  });

  /** The tests that fail after `corruption`, judged inside the run `judgedRun`; then rolled back. */
  const failingIn = async (judgedRun: string, corruption: string): Promise<string[]> => {
    let failed: string[] = [];
    await wh.transaction(async (tx) => {
      await tx.query("select set_config('h9.run', $1, true)", [runId]);
      await tx.script(corruption);
      await tx.query("select set_config('pipeline.run_id', $1, true), set_config('pipeline.as_of', '2025-12-31', true)", [judgedRun]);
      failed = (await evaluateDataTests(tx, tests)).filter((r) => r.failures > 0).map((r) => r.name);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    return failed;
  };

  it('all pass inside the run on its own rows', async () => {
    expect(await failingIn(runId, 'select 1')).toEqual([]);
  });

  it.each(CORRUPTIONS)('%s catches a row the run wrote', async (name, corruption) => {
    expect(await failingIn(runId, corruption)).toEqual([name]);
  });

  it.each(PROVED_OTHERWISE)('%s catches a broken row %s', async (name, _how, corruption) => {
    expect(await failingIn(runId, corruption)).toEqual([name]);
  });

  // A copy no transform wrote (not in the registry) is npm run dq's to find (data-tests.test.ts).
  it("leaves a copy of the run's visit that the registry does not name to npm run dq", async () => {
    const unregistered = `insert into fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, run_id)
      select visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost, cost_with_privacy, 'another-run' from fact_visits where visit_key = ${RUN_VISIT}`;
    expect(await failingIn(runId, unregistered)).toEqual([]);
  });

  // (Not unique_visit_id: a copy in another run is the case above.)
  const ANOTHER_RUNS_ROW = ['dim_patients_accepted_values', 'fact_visits_cost_valid', 'fact_visits_no_future_dates', 'fact_visits_relationships'];
  it.each(CORRUPTIONS.filter(([name]) => ANOTHER_RUNS_ROW.includes(name)))(
    "%s leaves another run's rows to npm run dq",
    async (_name, corruption) => {
      expect(await failingIn('another-run', corruption)).toEqual([]);
    },
  );
});
