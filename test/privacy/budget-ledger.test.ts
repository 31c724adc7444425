// The privacy budget across runs: releases add up in privacy_budget_ledger, a release past
// epsilonTotal is refused and publishes nothing, and rerunning a run's privatize spends nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSnapshotKey } from '../../lambdas/steps/io/keys.js';
import { localPaths } from '../../local/pipeline/local-deps.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, queryDb, runPipeline, testDeps, type TestRunOptions } from '../helpers/run-pipeline.js';
import { privatize } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';

const PATIENTS = 40;
const PROVIDERS = 4;
const options: TestRunOptions = { config: { privacy: { epsilonPerRelease: 0.4, epsilonTotal: 1 } } };

describe.each(DATABASES)('Privacy budget on $name', (kind) => {
  let db: TestDatabase;
  const runA = generatedInput(PATIENTS, PROVIDERS, 1);
  const runB = generatedInput(PATIENTS, PROVIDERS, 2);
  const runC = generatedInput(PATIENTS, PROVIDERS, 3);

  beforeAll(async () => {
    db = await kind.create();
  });
  afterAll(() => db.drop());

  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);
  const ledger = () =>
    query<{ run_id: string; epsilon: string; cumulative: string }>('select run_id, epsilon::text, cumulative::text from privacy_budget_ledger order by cumulative');
  const published = async () => {
    const [row] = await query<{ cells: number; releases: number; k: number }>(
      `select (select count(*) from published_cells)::int as cells, (select count(*) from published_releases)::int as releases,
              (select count(*) from k_anonymity_measurements)::int as k`,
    );
    return row;
  };
  const latestSnapshot = () => readFile(join(localPaths(db.workDir).published, latestSnapshotKey), 'utf8');

  let finalA: RunState;

  it('adds successive releases of different runs up in the ledger', async () => {
    // Act
    const a = await runPipeline(db, runA, options);
    finalA = a.state;
    const b = await runPipeline(db, runB, options);

    // Assess
    expect(await ledger()).toEqual([
      { run_id: runA.runId, epsilon: '0.400000', cumulative: '0.400000' },
      { run_id: runB.runId, epsilon: '0.400000', cumulative: '0.800000' },
    ]);
    expect(a.state.privatized).toMatchObject({ epsilonSpent: 0.4, epsilonRemaining: 0.6 });
    expect(b.state.privatized).toMatchObject({ epsilonSpent: 0.4, epsilonRemaining: 0.2 });
    const snap = JSON.parse(await latestSnapshot()) as { runId: string; privacy: { epsilonSpent: number; ledger: unknown[] } };
    expect(snap.runId).toBe(runB.runId);
    expect(snap.privacy.epsilonSpent).toBe(0.8);
    expect(snap.privacy.ledger).toHaveLength(2);
  });

  it('refuses a release past epsilonTotal with BUDGET_EXCEEDED and publishes nothing', async () => {
    // Prepare
    const before = { ledger: await ledger(), published: await published(), snapshot: await latestSnapshot() };

    // Act / Assess
    await expect(runPipeline(db, runC, options)).rejects.toMatchObject({
      code: 'BUDGET_EXCEEDED',
      message: expect.stringMatching(/requests epsilon 0\.4.*0\.8 of the total 1 is already spent/),
    });
    expect(await ledger()).toEqual(before.ledger);
    expect(await published()).toEqual(before.published);
    expect(await latestSnapshot()).toBe(before.snapshot);
    const [run] = await query<{ status: string }>('select status from pipeline_runs where run_id = $1', [runC.runId]);
    expect(run?.status).toBe('failed');
  });

  it('spends nothing when privatize runs again for a run already released', async () => {
    // Prepare
    const before = { ledger: await ledger(), published: await published(), snapshot: await latestSnapshot() };

    // Act: the older run A's privatize again (a retry, a redrive); its release exists, so nothing new is
    // computed or charged. (The whole pipeline again would stop at the ledger: A is already loaded.)
    const deps = testDeps(db, options);
    const again = { state: await privatize(deps, finalA).finally(() => deps.close()) };

    // Assess
    expect(again.state.privatized).toMatchObject({ releaseId: `release-${runA.runId}`, epsilonRemaining: 0.6 });
    expect(await ledger()).toEqual(before.ledger);
    expect(await published()).toEqual(before.published);
    // latest/ keeps pointing at the newest release, not at the rerun older one.
    expect(await latestSnapshot()).toBe(before.snapshot);
  });
});
