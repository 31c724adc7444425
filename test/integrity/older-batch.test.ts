// An older extract loaded after a newer one (a batch dated before the newest batch the warehouse has
// taken): it used to fail its transform on dim_patients_versions_valid, since closing a patient's
// current version at the older date ended it before it began. Now it changes no patient the warehouse
// holds (their attributes and birth year are newer), adds its new patients and visits, says so in the
// summary, and leaves a warehouse that passes every data test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyRing } from '../../lambdas/core/anonymize/key-ring.js';
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { SQL_DIR } from '../../local/pipeline/local-deps.js';
import { renderSummary, summarise } from '../../local/pipeline/summary.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { queryDb, runPipeline, TEST_KEY, withTestWarehouse } from '../helpers/run-pipeline.js';
import { writeBatch } from './support/landing.js';

const providers = ['PR1,Dr. One,Cardiology'];
const visit = (id: string, patient: string, date: string) => `${id},${patient},PR1,${date},Follow-up,Asthma,Spirometry,100`;

describe.each(DATABASES)('A batch older than the newest one on $name', (kind) => {
  let db: TestDatabase;
  let late: RunState;
  const pseudonym = openKeyRing([Uint8Array.from(Buffer.from(TEST_KEY, 'hex'))]).pseudonym;

  beforeAll(async () => {
    db = await kind.create();
    const run = async (runId: string, asOf: string, patients: string[], visits: string[]) => {
      const batch = await writeBatch({ patients, providers, visits }, runId);
      return (await runPipeline(db, { runId, batchPrefix: batch.batchPrefix, asOf }, { landingDir: batch.landingDir, config: { privacy: { noNoise: true } } })).state;
    };
    await run('sep-2025', '2025-09-30', ['P1,Ada One,1980-01-20,F,,,,,MA,02139', 'P2,Bo Two,1970-05-05,M,,,,,NY,10001'], [visit('V1', 'P1', '2025-09-01'), visit('V2', 'P2', '2025-09-02')]);
    // P1 moves: a second version from 2025-12-31.
    await run('dec-2025', '2025-12-31', ['P1,Ada One,1980-01-20,F,,,,,NY,11201'], [visit('V3', 'P1', '2025-12-01')]);
    // The June extract arrives last: P1 as she was then (and with another birth date), P2 as he is, P3 new.
    late = await run(
      'jun-2025',
      '2025-06-30',
      ['P1,Ada One,1981-02-02,F,,,,,MA,02139', 'P2,Bo Two,1970-05-05,M,,,,,NY,10001', 'P3,Cy Three,1990-03-03,F,,,,,NJ,07102'],
      [visit('V4', 'P1', '2025-06-01'), visit('V5', 'P3', '2025-06-02')],
    );
  });
  afterAll(() => db.drop());

  it('keeps the newer versions and birth year of a patient the warehouse holds', async () => {
    const versions = await queryDb<{ zip3: string; valid_from: string; valid_to: string | null; is_current: boolean; birth_year: number }>(
      db,
      "select zip3, to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, is_current, birth_year from dim_patients where patient_id = $1 order by patient_key",
      [pseudonym('patient', 'P1')],
    );
    expect(versions).toEqual([
      { zip3: '021', valid_from: '2025-09-30', valid_to: '2025-12-31', is_current: false, birth_year: 1980 },
      { zip3: '112', valid_from: '2025-12-31', valid_to: null, is_current: true, birth_year: 1980 },
    ]);
  });

  it('adds its new patient and its visits, and reconciles', async () => {
    const [p3] = await queryDb<{ valid_from: string }>(db, "select to_char(valid_from, 'YYYY-MM-DD') as valid_from from dim_patients where patient_id = $1", [pseudonym('patient', 'P3')]);
    expect(p3).toEqual({ valid_from: '2025-06-30' });
    expect(late.transformed?.added).toEqual({ patients: 1, providers: 0, visits: 2 });
    const summary = summarise(late, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(Object.values(summary.entities).every((e) => e.reconciles)).toBe(true);
  });

  it('says in the summary that the batch was older, and states ages at the newest date', async () => {
    const summary = summarise(late, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(summary.olderBatch).toEqual({ asOf: '2025-06-30', newest: '2025-12-31' });
    expect(renderSummary(summary)).toContain('is older than the newest batch in the warehouse (2025-12-31)');
    const [ref] = await queryDb<{ as_of: string }>(db, "select to_char(as_of, 'YYYY-MM-DD') as as_of from age_reference");
    expect(ref).toEqual({ as_of: '2025-12-31' });
  });

  it('leaves a warehouse that passes every data test on demand', async () => {
    const tests = await new FsSqlSource(SQL_DIR).dataTests();
    const failing = await withTestWarehouse(db, async (wh) => (await evaluateDataTests(wh, tests)).filter((t) => t.failures > 0).map((t) => t.name));
    expect(failing).toEqual([]);
  });
});
