// The whole flow through the cloud adapters: generate -> privatize run as the synthesized state machine
// (through the harness, as runLocal does) with S3BlobStore, DataApiWarehouse and SecretsKeyProvider on
// the cloud doubles, and the warehouse it leaves compared, table by table, with the direct run's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatize } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { cloudTestDeps, runCloudPipeline, withCloudDeps } from '../helpers/doubles/cloud-run.js';
import { generatedInput, queryDb, runPipeline, withTestWarehouse } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from '../integrity/support/checksum.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const INPUT = generatedInput(300, 12, 9);
const checksumOf = (db: TestDatabase) => withTestWarehouse(db, warehouseChecksum);

describe.each(DATABASES)('The cloud path on $name', (kind) => {
  let direct: TestDatabase;
  let cloud: TestDatabase;
  let state: RunState;

  beforeAll(async () => {
    direct = await kind.create();
    cloud = await kind.create();
    await runPipeline(direct, INPUT, OPTIONS);
    state = await runCloudPipeline(cloud, INPUT, OPTIONS);
  });
  afterAll(async () => {
    await direct?.drop();
    await cloud?.drop();
  });

  it('runs every step through the cloud adapters', () => {
    expect(state.privatized?.releaseId).toBe(`release-${INPUT.runId}`);
    expect(state.loaded?.staged).toEqual({ providers: 12, patients: 300, visits: state.generated?.rows.visits });
  });

  it('leaves every table as the direct run of the same batch does', async () => {
    const [expected, actual] = [await checksumOf(direct), await checksumOf(cloud)];
    expect(Object.keys(actual).length).toBeGreaterThan(10);
    expect(actual).toEqual(expected);
  });

  it('retries privatize on a release whose snapshot row is over the 64 KB a Data API row may hold', async () => {
    const [row] = await queryDb<{ bytes: number }>(cloud, 'select octet_length(snapshot::text) as bytes from published_releases');
    expect(row!.bytes).toBeGreaterThan(64 * 1024);
    const first = await readFile(join(cloud.workDir, 'published', state.privatized!.snapshot), 'utf8');
    const retried = await withCloudDeps(cloudTestDeps(cloud, OPTIONS), (deps) => privatize(deps, state));
    expect({ ...retried.privatized, ms: 0 }).toEqual({ ...state.privatized, ms: 0 });
    // The same release republished (jsonb keeps its own key order, so compare as JSON).
    expect(JSON.parse(await readFile(join(cloud.workDir, 'published', state.privatized!.snapshot), 'utf8'))).toEqual(JSON.parse(first));
  });
});
