// The privacy budget across runs, as the warehouse enforces it: releases add up in
// privacy_budget_ledger, a release past the total is refused and publishes nothing, a rerun spends
// nothing, the ledger is append-only, the first release fixes the totals (a later run's configuration
// cannot raise them; only the audited privacy-budget command can), and two releases at once never
// overspend (Postgres, two connections).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSnapshotKey } from '../../lambdas/steps/io/keys.js';
import { localPaths } from '../../local/pipeline/local-deps.js';
import { readBudget, setBudgetTotal } from '../../local/privacy/budget-command.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, queryDb, runPipeline, testDeps, withTestWarehouse, type TestRunOptions } from '../helpers/run-pipeline.js';
import { migrate, privatize } from '../../lambdas/steps/index.js';
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
    query<{ run_id: string; epsilon: string; cumulative: string; epsilon_total: string }>(
      'select run_id, epsilon::text, cumulative::text, epsilon_total::text from privacy_budget_ledger order by cumulative',
    );
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
      { run_id: runA.runId, epsilon: '0.400000', cumulative: '0.400000', epsilon_total: '1.000000' },
      { run_id: runB.runId, epsilon: '0.400000', cumulative: '0.800000', epsilon_total: '1.000000' },
    ]);
    expect(a.state.privatized).toMatchObject({ epsilonSpent: 0.4, epsilonRemaining: 0.6 });
    expect(b.state.privatized).toMatchObject({ epsilonSpent: 0.4, epsilonRemaining: 0.2 });
    const snap = JSON.parse(await latestSnapshot()) as { runId: string; privacy: { epsilonSpent: number; deltaSpent: number; ledger: unknown[] } };
    expect(snap.runId).toBe(runB.runId);
    expect(snap.privacy.epsilonSpent).toBe(0.8);
    expect(snap.privacy.deltaSpent).toBeCloseTo(2e-6, 15);
    expect(snap.privacy.ledger).toHaveLength(2);
  });

  it('refuses a release past the total the first release fixed, whatever a later run configures, and publishes nothing', async () => {
    // Prepare
    const before = { ledger: await ledger(), published: await published(), snapshot: await latestSnapshot() };

    // Act / Assess: run C asks for a total of 100; the warehouse's total stays 1.
    await expect(runPipeline(db, runC, { config: { privacy: { epsilonPerRelease: 0.4, epsilonTotal: 100 } } })).rejects.toMatchObject({
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

  it.each([
    ['update', "update privacy_budget_ledger set epsilon = 0.000001"],
    ['delete', 'delete from privacy_budget_ledger'],
    ['truncate', 'truncate privacy_budget_ledger cascade'],
    ['budget update', 'update privacy_budget set epsilon_total = 1000'],
    ['budget delete', 'delete from privacy_budget'],
  ])('refuses a ledger %s, even by the owner', async (_, sql) => {
    // Act / Assess
    await expect(query(sql)).rejects.toThrow(/append-only|totals change only|cannot be deleted/);
    expect(await ledger()).toHaveLength(2);
  });

  it('refuses a ledger row past the total even when the application does not check (the trigger charges it)', async () => {
    // Act / Assess
    await expect(
      query("insert into privacy_budget_ledger (release_id, run_id, epsilon, cumulative, epsilon_total) values ('rogue', 'rogue', 0.5, 0, 1000)"),
    ).rejects.toThrow(/privacy budget exceeded/);
  });

  it('changes a total only through the audited command, with a reason, never below what is spent', async () => {
    // Act / Assess
    await expect(withTestWarehouse(db, (wh) => setBudgetTotal(wh, { epsilonTotal: 0.5, reason: 'too low', appUser: 'test' }))).rejects.toThrow(/below what is spent/);
    await expect(withTestWarehouse(db, (wh) => setBudgetTotal(wh, { epsilonTotal: 2, reason: ' ', appUser: 'test' }))).rejects.toThrow(/reason is required/);
    const after = await withTestWarehouse(db, (wh) => setBudgetTotal(wh, { epsilonTotal: 1.2, reason: 'policy review 2026-01', appUser: 'test' }));
    expect(after).toMatchObject({ epsilonTotal: 1.2, epsilonSpent: 0.8, releases: 2 });
    const [entry] = await query<{ app_user: string; details: { epsilon_total: number; previous_epsilon_total: number; reason: string } }>(
      "select app_user, details from audit_log where action_type = 'BUDGET_TOTAL' order by chain_seq desc limit 1",
    );
    expect(entry).toMatchObject({ app_user: 'test', details: { epsilon_total: 1.2, previous_epsilon_total: 1, reason: 'policy review 2026-01' } });

    // Run C now fits: 0.8 + 0.4 = 1.2.
    await runPipeline(db, { ...runC, runId: `${runC.runId}-retry` }, options);
    expect((await withTestWarehouse(db, readBudget))).toMatchObject({ epsilonSpent: 1.2, releases: 3 });
  });
});

const serverUrl = process.env['DATABASE_URL'];

describe.skipIf(!serverUrl)('Concurrent releases on Postgres', () => {
  const fresh = async (): Promise<TestDatabase> => {
    const db = await DATABASES.find((d) => d.name === 'postgres')!.create();
    await withTestWarehouse(db, (wh) => migrate(wh, testDeps(db).sql));
    return db;
  };

  it('charges two ledger rows inserted at once by two connections one after the other, refusing the one past the total', async () => {
    // Prepare: a budget of 1, two transactions of 0.6 each, both inserted before either commits.
    const db = await fresh();
    const [a, b] = [new pg.Client({ connectionString: db.databaseUrl }), new pg.Client({ connectionString: db.databaseUrl })];
    await a.connect();
    await b.connect();
    try {
      await a.query('begin');
      await b.query('begin');
      await a.query("insert into privacy_budget_ledger (release_id, run_id, epsilon, cumulative, epsilon_total) values ('ra', 'ra', 0.6, 0, 1)");
      // b's insert waits on a's charge of the budget row until a commits.
      const second = b
        .query("insert into privacy_budget_ledger (release_id, run_id, epsilon, cumulative, epsilon_total) values ('rb', 'rb', 0.6, 0, 1)")
        .then(() => 'inserted', (e: Error) => e.message);
      await new Promise((r) => setTimeout(r, 300));
      await a.query('commit');

      // Act
      const outcome = await second;
      await b.query('rollback');

      // Assess
      expect(outcome).toMatch(/privacy budget exceeded: release rb would bring epsilon to 1\.2/);
      const rows = await queryDb<{ release_id: string }>(db, 'select release_id from privacy_budget_ledger');
      expect(rows.map((r) => r.release_id)).toEqual(['ra']);
    } finally {
      await a.end();
      await b.end();
      await db.drop();
    }
  });

  it('runs two privatize steps at once without overspending: one releases, the other is refused', async () => {
    // Prepare: two runs, each over its own connection, with room for one release of 0.6 in a total of 1.
    const db = await fresh();
    const config = { privacy: { epsilonPerRelease: 0.6, epsilonTotal: 1 } };
    const [one, two] = [testDeps(db, { config }), testDeps(db, { config })];
    try {
      // Act
      const results = await Promise.allSettled([
        privatize(one, { runId: 'concurrent-1', batchPrefix: 'batches/c1/', asOf: '2025-12-31' }),
        privatize(two, { runId: 'concurrent-2', batchPrefix: 'batches/c2/', asOf: '2025-12-31' }),
      ]);

      // Assess
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'released')).sort()).toEqual([expect.stringMatching(/BUDGET_EXCEEDED|budget exceeded/), 'released']);
      const [spent] = await queryDb<{ total: string; releases: number }>(db, 'select sum(epsilon)::text as total, count(*)::int as releases from privacy_budget_ledger');
      expect(spent).toEqual({ total: '0.600000', releases: 1 });
    } finally {
      await one.close();
      await two.close();
      await db.drop();
    }
  });
});
