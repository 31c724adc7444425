// Bounded calls in privatize: through the RDS Data API double, a release over more patients than a slice
// reads the whole history one slice of patients per call (k-anonymity, the DP clamp's inputs, the
// aggregates), every call inside the release's one transaction, the slices covering the id space once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientSlices } from '../../lambdas/core/publish/patient-slices.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { cloudTestDeps, watchStatements, withCloudDeps } from '../helpers/doubles/cloud-run.js';
import { generatedInput } from '../helpers/run-pipeline.js';

const PATIENTS_PER_SLICE = 30;
const INPUT = generatedInput(100, 8, 6);

/** The release's whole-history reads, told apart by their SQL. */
const READS = {
  kAnonymity: /insert into k_anonymity_classes/,
  releaseInputs: /first_cost/,
  aggregates: /group by grouping sets/,
} as const;

interface ReadCall {
  read: keyof typeof READS;
  sql: string;
  transactionId: string | undefined;
}

describe.each(DATABASES)('The release through the Data API double on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;
  const calls: ReadCall[] = [];

  beforeAll(async () => {
    db = await kind.create();
    const deps = cloudTestDeps(db, { config: { patientsPerReleaseSlice: PATIENTS_PER_SLICE, privacy: { noNoise: true } } });
    watchStatements(deps, (input) => {
      const sql = input.sql ?? '';
      const read = (Object.keys(READS) as (keyof typeof READS)[]).find((r) => READS[r].test(sql));
      if (read) calls.push({ read, sql, transactionId: input.transactionId });
    });
    state = await withCloudDeps(deps, (d) => runLocal(d, INPUT));
  });
  afterAll(() => db?.drop());

  it('reads each slice of patients with its own call, inside the release transaction', () => {
    const slices = patientSlices(state.generated!.rows.patients, PATIENTS_PER_SLICE);
    expect(slices.length).toBeGreaterThan(2);
    for (const read of Object.keys(READS) as (keyof typeof READS)[]) {
      const own = calls.filter((c) => c.read === read);
      expect(own, read).toHaveLength(slices.length);
      // The first slice has no lower bound and the last no upper bound; the rest have both (ranges of
      // patient ids for the measurement, of serials for the contributions' reads).
      own.forEach((c, i) => {
        expect(/patient_(id|serial) >= [:$]/.test(c.sql), `${read} call ${i} lower bound`).toBe(i > 0);
        expect(/patient_(id|serial) < [:$]/.test(c.sql), `${read} call ${i} upper bound`).toBe(i < slices.length - 1);
      });
    }
    expect(new Set(calls.map((c) => c.transactionId)).size).toBe(1);
    expect(calls[0]!.transactionId).toBeDefined();
  });
});
