// The statements that find a slice's patients in dim_patients keep two forms (079): probing the
// patient_id index when the slice's patients are few beside the dimension, hashing the dimension
// otherwise. A small batch into a larger warehouse takes the probe; the same batch with the probe
// switched off (patients_are_few replaced, in a rolled-back transaction) takes the hash. Both must write
// the same dimension, and the versions test must catch an overlap either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyRing } from '../../lambdas/core/anonymize/key-ring.js';
import { orderModels } from '../../lambdas/core/models/order-models.js';
import type { WarehouseTx } from '../../lambdas/ports.js';
import { anonymize, load } from '../../lambdas/steps/index.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { planForOnePass, setRunContext } from '../../lambdas/steps/io/session.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { runPipeline, TEST_KEY, testDeps } from '../helpers/run-pipeline.js';
import { writeBatch } from './support/landing.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const ROLLBACK = new Error('rollback');
const HELD = 80;
const providers = ['PR1,Dr. One,Cardiology'];
const patient = (n: number, birth = '1980-01-20', state = 'MA', zip = '02139') => `P${n},Patient ${n},${birth},F,,,,,${state},${zip}`;
const visit = (id: string, p: number, date = '2025-12-01') => `${id},P${p},PR1,${date},Follow-up,Asthma,Spirometry,100`;
const HASH_ONLY = "create or replace function patients_are_few(p_ids text) returns boolean language sql as 'select false'";

type Version = {
  patient_id: string;
  birth_year: number | null;
  zip3: string;
  valid_from: string;
  valid_to: string | null;
  is_current: boolean;
};

describe.each(DATABASES)('Patients probed or hashed on $name', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let state: RunState;
  const pseudonym = openKeyRing([Uint8Array.from(Buffer.from(TEST_KEY, 'hex'))]).pseudonym;

  /** Runs the models of the staged second batch in a transaction that is rolled back; `before` runs first. */
  const inRun = async <T>(before: string, fn: (tx: WarehouseTx) => Promise<T>): Promise<T> => {
    const models = orderModels(await deps.sql.models());
    let out: T | undefined;
    await (await deps.warehouse()).transaction(async (tx) => {
      if (before) await tx.script(before);
      await setRunContext(tx, state.runId, state.asOf);
      await planForOnePass(tx);
      for (const m of models) await tx.script(m.sql);
      out = await fn(tx);
      throw ROLLBACK;
    }).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
    return out as T;
  };
  const versions = (tx: WarehouseTx) =>
    tx.query<Version>(
      `select patient_id, birth_year, zip3, to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, is_current
       from dim_patients order by patient_id, valid_from`,
    );

  beforeAll(async () => {
    db = await kind.create();
    const first = await writeBatch({ patients: Array.from({ length: HELD }, (_, i) => patient(i + 1)), providers, visits: [visit('V1', 1, '2025-09-01')] }, 'held');
    await runPipeline(db, { runId: 'held', batchPrefix: first.batchPrefix, asOf: '2025-09-30' }, { ...OPTIONS, landingDir: first.landingDir });
    // Four patients against 80: P1 moves, P2's birth date is corrected, P3 is unchanged, P81 is new.
    const second = await writeBatch(
      { patients: [patient(1, '1980-01-20', 'NY', '11201'), patient(2, '1981-02-02'), patient(3), patient(HELD + 1)], providers, visits: [visit('V2', 1), visit('V3', HELD + 1)] },
      'few',
    );
    deps = testDeps(db, { ...OPTIONS, landingDir: second.landingDir });
    state = await load(deps, await anonymize(deps, { runId: 'few', batchPrefix: second.batchPrefix, asOf: '2025-12-31' }));
  }, 120_000);
  afterAll(async () => {
    await deps?.close();
    await db?.drop();
  });

  it('probes for a small batch, hashes once switched off, and both write the same versions', async () => {
    const few = 'select patient_id from stg_patients';
    const probed = await inRun('', async (tx) => ({ few: (await tx.query<{ f: boolean }>('select patients_are_few($1) as f', [few]))[0]?.f, rows: await versions(tx) }));
    const hashed = await inRun(HASH_ONLY, async (tx) => ({ few: (await tx.query<{ f: boolean }>('select patients_are_few($1) as f', [few]))[0]?.f, rows: await versions(tx) }));
    expect([probed.few, hashed.few]).toEqual([true, false]);
    expect(probed.rows).toEqual(hashed.rows);
    const of = (n: number) => probed.rows.filter((v) => v.patient_id === pseudonym('patient', `P${n}`));
    expect(of(1).map((v) => [v.zip3, v.valid_to, v.is_current])).toEqual([['021', '2025-12-31', false], ['112', null, true]]);
    expect(of(2).map((v) => v.birth_year)).toEqual([1981]);
    expect(of(3)).toHaveLength(1);
    expect(of(HELD + 1).map((v) => v.valid_from)).toEqual(['2025-12-31']);
    expect(probed.rows).toHaveLength(HELD + 2);
  });

  it.each([
    ['probed', ''],
    ['hashed', HASH_ONLY],
  ])('finds a closed version overlapping the current one when %s', async (_how, before) => {
    const failing = await inRun(before, async (tx) => {
      await tx.query("update dim_patients set valid_to = date '2026-06-30' where patient_id = $1 and not is_current", [pseudonym('patient', 'P1')]);
      return (await evaluateDataTests(tx, await deps.sql.dataTests())).filter((r) => r.failures > 0).map((r) => r.name);
    });
    expect(failing).toEqual(['dim_patients_versions_valid']);
  });
});
