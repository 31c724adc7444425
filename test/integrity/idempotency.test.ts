// Idempotent loads: the same batch twice leaves every table as it was; a new batch appends; a changed
// patient is versioned; a run that crashed after load, or whose transform failed, ends when run
// again exactly as a single clean run does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlFile } from '../../lambdas/ports.js';
import { anonymize, generate, load, migrate } from '../../lambdas/steps/index.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { runOutcome } from '../../local/pipeline/run-outcome.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, runPipeline, testDeps } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from './support/checksum.js';
import { writeBatch } from './support/landing.js';
import { withTestWarehouse } from './support/warehouse.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const INPUT = generatedInput(30, 5, 11);
const checksumOf = (db: TestDatabase) => withTestWarehouse(db, warehouseChecksum);

describe.each(DATABASES)('Idempotent runs on $name', (kind) => {
  const dbs: TestDatabase[] = [];
  const fresh = async () => {
    const db = await kind.create();
    dbs.push(db);
    return db;
  };
  let clean: Record<string, string>;
  let cleanDb: TestDatabase;

  beforeAll(async () => {
    cleanDb = await fresh();
    await runPipeline(cleanDb, INPUT, OPTIONS);
    clean = await checksumOf(cleanDb);
  });
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('checksums every warehouse table (audit log and timestamps aside)', () => {
    for (const table of ['dim_patients', 'dim_providers', 'fact_visits', 'staging_visits', 'quarantine_rows', 'pipeline_runs', 'published_cells', 'privacy_budget_ledger', 'batch_ledger', 'fact_visits (keys resolved)']) {
      expect(clean).toHaveProperty([table]);
    }
    expect(clean['audit_log']).toBeUndefined();
    expect(clean['fact_visits']).toMatch(/^[1-9]\d*:/);
  });

  it('reports a batch that already succeeded as already loaded, and changes nothing', async () => {
    const { state } = await runPipeline(cleanDb, INPUT, OPTIONS);
    expect(runOutcome(state)).toEqual({ kind: 'already-loaded', message: expect.stringMatching(new RegExp(`^Batch ${INPUT.batchPrefix} was already loaded as run ${INPUT.runId} on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC`)) });
    expect(state.anonymized).toBeUndefined();
    expect(await checksumOf(cleanDb)).toEqual(clean);
    const [runs] = await withTestWarehouse(cleanDb, (wh) => wh.query<{ loads: number }>("select count(*)::int as loads from audit_log where action_type = 'LOAD'"));
    expect(runs!.loads).toBe(3);
  });

  it('ends like one clean run when a run crashed after load and is run again', async () => {
    const db = await fresh();
    const deps = testDeps(db, OPTIONS);
    try {
      await migrate(await deps.warehouse(), deps.sql);
      let state = await generate(deps, INPUT);
      state = await anonymize(deps, state);
      await load(deps, state);
    } finally {
      await deps.close(); // the crash: transform never runs
    }
    await runPipeline(db, INPUT, OPTIONS);
    expect(await checksumOf(db)).toEqual(clean);
  });

  it('ends like one clean run when transform failed once and the run is retried', async () => {
    const db = await fresh();
    const deps = testDeps(db, OPTIONS);
    const crash: SqlFile = { name: 'zz_crash.sql', sql: '-- depends_on: fact_visits\nselect 1 / 0;' };
    const failing = { ...deps, sql: { ...deps.sql, models: async () => [...(await deps.sql.models()), crash] } };
    const failure = await runLocal(failing, INPUT).then(() => 'no error', (e: Error) => e.message).finally(() => deps.close());
    expect(failure).toMatch(/division by zero/);
    const [half] = await withTestWarehouse(db, (wh) => wh.query<{ facts: number; status: string }>(
      'select (select count(*) from fact_visits)::int as facts, (select status from pipeline_runs where run_id = $1) as status', [INPUT.runId]));
    expect(half).toEqual({ facts: 0, status: 'failed' });
    await runPipeline(db, INPUT, OPTIONS);
    expect(await checksumOf(db)).toEqual(clean);
  });
});

describe.each(DATABASES)('Batches over time on $name', (kind) => {
  let db: TestDatabase;
  const patients = {
    p1: 'P-1,Ann Lee,1980-01-01,F,,,,Boston,MA,02116',
    p1Moved: 'P-1,Ann Lee,1980-01-01,F,,,,Denver,CO,80202',
    p2: 'P-2,Bob Ray,1970-01-01,M,,,,Newark,NJ,07102',
    p3: 'P-3,Cy Dunn,1990-01-01,M,,,,Miami,FL,33101',
  };
  const providers = ['PR-1,Dr. One,Cardiology,,', 'PR-2,Dr. Two,Pediatrics,,'];

  beforeAll(async () => {
    db = await kind.create();
    const first = await writeBatch({
      patients: [patients.p1, patients.p2],
      providers,
      visits: ['V-1,P-1,PR-1,2025-03-01,Routine Checkup,Asthma,Spirometry,100', 'V-2,P-2,PR-2,2025-04-01,Follow-up,Migraine,MRI,900'],
    }, 'batch-1');
    await runPipeline(db, { runId: 'batch-1', batchPrefix: first.batchPrefix, asOf: '2025-06-30' }, { landingDir: first.landingDir, ...OPTIONS });
    const second = await writeBatch({
      patients: [patients.p1Moved, patients.p3],
      providers,
      visits: ['V-3,P-1,PR-2,2025-09-01,Follow-up,Asthma,Spirometry,120', 'V-4,P-3,PR-1,2025-10-01,Emergency,Fracture,X-Ray,430'],
    }, 'batch-2');
    await runPipeline(db, { runId: 'batch-2', batchPrefix: second.batchPrefix, asOf: '2025-12-31' }, { landingDir: second.landingDir, ...OPTIONS });
  });
  afterAll(() => db.drop());

  it('versions a patient whose attributes changed and adds new patients', async () => {
    const rows = await withTestWarehouse(db, (wh) => wh.query<Record<string, unknown>>(
      `select state, zip3, to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, is_current, run_id
       from dim_patients order by run_id, state`));
    expect(rows).toEqual([
      { state: 'MA', zip3: '021', valid_from: '2025-06-30', valid_to: '2025-12-31', is_current: false, run_id: 'batch-1' },
      { state: 'NJ', zip3: '071', valid_from: '2025-06-30', valid_to: null, is_current: true, run_id: 'batch-1' },
      { state: 'CO', zip3: '802', valid_from: '2025-12-31', valid_to: null, is_current: true, run_id: 'batch-2' },
      { state: 'FL', zip3: '331', valid_from: '2025-12-31', valid_to: null, is_current: true, run_id: 'batch-2' },
    ]);
  });

  it('appends the new visits, each linked to the patient version current when it was loaded', async () => {
    const rows = await withTestWarehouse(db, (wh) => wh.query<Record<string, unknown>>(
      `select f.run_id, p.state, p.is_current from fact_visits as f join dim_patients as p on p.patient_key = f.patient_key
       order by f.visit_date`));
    expect(rows).toEqual([
      { run_id: 'batch-1', state: 'MA', is_current: false },
      { run_id: 'batch-1', state: 'NJ', is_current: true },
      { run_id: 'batch-2', state: 'CO', is_current: true },
      { run_id: 'batch-2', state: 'FL', is_current: true },
    ]);
  });
});
