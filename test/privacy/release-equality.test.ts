// The release is computed from a per-patient bounded pre-aggregate (issue 10) instead of windows over
// the whole history; the DP semantics must not move. Two overlapping batches, the same seeded random
// bits: every snapshot must equal the one the reviewed queries produced (test/fixtures/
// release-two-batches.json, written by the code before the pre-aggregate existed), on every database.
// WRITE_RELEASE_FIXTURE=1 rewrites the fixture (only ever from code whose release was reviewed).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lambdas/core/privacy/index.js';
import { latestSnapshotKey } from '../../lambdas/steps/io/keys.js';
import { localPaths } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { writeOverlappingBatches } from '../helpers/overlapping-batches.js';
import { testDeps } from '../helpers/run-pipeline.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/release-two-batches.json');

/** The snapshot without the wall-clock times of its release and ledger. */
const withoutClock = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, v: unknown) => (key === 'releasedAt' ? undefined : v));

// The release read in one call, and in slices of 7 patients (about 13 calls per read, slices cutting
// through every table's cells): the slices must add up to the same release (core/publish/patient-slices.ts).
const READS = [
  { name: 'one call per read', patientsPerReleaseSlice: undefined },
  { name: 'slices of 7 patients', patientsPerReleaseSlice: 7 },
];

describe.each(DATABASES.flatMap((kind) => READS.map((read) => ({ ...read, kind, label: `${kind.name}, ${read.name}` }))))('The release from two overlapping batches on $label', ({ kind, patientsPerReleaseSlice }) => {
  let db: TestDatabase;
  const releases: unknown[] = [];

  beforeAll(async () => {
    db = await kind.create();
    const landingDir = await writeOverlappingBatches({ seed: 7, patients: 90, providers: 6, maxVisitsPerPatient: 9 });
    for (const batch of ['first', 'second']) {
      const deps = testDeps(db, { landingDir, ...(patientsPerReleaseSlice && { config: { patientsPerReleaseSlice } }) });
      deps.random = createSeededRandom(`release-equality-${batch}`);
      try {
        await runLocal(deps, { runId: `equality-${batch}`, batchPrefix: `${batch}/`, asOf: '2025-12-31' });
      } finally {
        await deps.close();
      }
      releases.push(withoutClock(JSON.parse(await readFile(join(localPaths(db.workDir).published, latestSnapshotKey), 'utf8'))));
    }
    if (process.env['WRITE_RELEASE_FIXTURE'] && kind.name === 'pglite' && !patientsPerReleaseSlice) await writeFile(FIXTURE, JSON.stringify(releases) + '\n');
  }, 240_000);
  afterAll(() => db.drop());

  it('publishes, cell for cell, the release the reviewed queries built from the same bits', async () => {
    // Prepare
    const expected = JSON.parse(await readFile(FIXTURE, 'utf8')) as unknown[];

    // Assess
    expect(releases).toHaveLength(2);
    expect(releases[0]).toEqual(expected[0]);
    expect(releases[1]).toEqual(expected[1]);
  });
});
