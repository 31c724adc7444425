// Runs that overlap do not mix rows: each load stages only its own run's rows, each transform reads only
// its own run's; a transform that runs again after committing reports what it did and changes nothing;
// a row lost between the files and the warehouse fails the run; a batch without rows never succeeds.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import { anonymize, load, migrate, transform } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { writeDisjointBatches, type DisjointBatch } from '../helpers/disjoint-batches.js';
import { testDeps } from '../helpers/run-pipeline.js';
import { warehouseChecksum } from './support/checksum.js';

const OPTIONS = { config: { privacy: { noNoise: true } } };
const input = (runId: string): RunState => ({ runId, batchPrefix: '', asOf: '2025-12-31' });

/** Anonymizes and loads a folder as one run, leaving the transform to the test. */
async function stage(db: TestDatabase, dir: string, runId: string): Promise<RunState> {
  const deps = testDeps(db, { ...OPTIONS, landingDir: dir });
  try {
    await migrate(await deps.warehouse(), deps.sql);
    return await load(deps, await anonymize(deps, input(runId)));
  } finally {
    await deps.close();
  }
}

async function withDeps<T>(db: TestDatabase, fn: (deps: ReturnType<typeof testDeps>) => Promise<T>): Promise<T> {
  const deps = testDeps(db, OPTIONS);
  try {
    return await fn(deps);
  } finally {
    await deps.close();
  }
}

const visitsByRun = (db: TestDatabase) =>
  withDeps(db, async (d) => (await d.warehouse()).query<{ run_id: string; n: number }>('select run_id, count(*)::int as n from fact_visits group by run_id order by run_id'));

describe.each(DATABASES)('Run-scoped staging and transform on $name', (kind) => {
  let db: TestDatabase;
  let a: DisjointBatch;
  let b: DisjointBatch;
  let stagedA: RunState;
  let stagedB: RunState;
  beforeAll(async () => {
    db = await kind.create();
    [a, b] = (await writeDisjointBatches({ patients: 40, providers: 5, seed: 31 })) as [DisjointBatch, DisjointBatch];
    // Both loads land before either transform, as two manifests a few minutes apart do in the cloud.
    stagedA = await stage(db, a.dir, 'run-a');
    stagedB = await stage(db, b.dir, 'run-b');
  });
  afterAll(() => db.drop());

  it("keeps both runs' staged rows, each under its own run", async () => {
    const rows = await withDeps(db, async (d) => (await d.warehouse()).query<{ run_id: string; n: number }>('select run_id, count(*)::int as n from staging_visits group by run_id order by run_id'));
    expect(rows).toEqual([{ run_id: 'run-a', n: a.visits }, { run_id: 'run-b', n: b.visits }]);
  });

  it("transforms only its own run's rows and clears only them from staging", async () => {
    const done = await withDeps(db, (d) => transform(d, stagedA));
    expect(done.transformed!.found.visits).toBe(a.visits);
    expect(done.transformed!.added).toMatchObject({ patients: a.patients, visits: a.visits });
    expect(await visitsByRun(db)).toEqual([{ run_id: 'run-a', n: a.visits }]);
    const left = await withDeps(db, async (d) => (await d.warehouse()).query<{ run_id: string }>('select distinct run_id from staging_visits'));
    expect(left).toEqual([{ run_id: 'run-b' }]);

    await withDeps(db, (d) => transform(d, stagedB));
    expect(await visitsByRun(db)).toEqual([{ run_id: 'run-a', n: a.visits }, { run_id: 'run-b', n: b.visits }]);
  });

  it('answers a transform run again after its commit with what that commit did, and changes nothing', async () => {
    const before = await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()));
    const again = await withDeps(db, (d) => transform(d, stagedA));
    expect(again.transformed!.found.visits).toBe(a.visits);
    expect(again.transformed!.added.visits).toBe(a.visits);
    expect(await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()))).toEqual(before);
  });

  it('fails the run, changing nothing, when a staged row goes missing before the transform', async () => {
    const [c] = (await writeDisjointBatches({ patients: 10, providers: 5, seed: 32, names: ['c'] })) as [DisjointBatch];
    const stagedC = await stage(db, c.dir, 'run-c');
    await withDeps(db, async (d) => (await d.warehouse()).query("delete from staging_visits where ctid = (select min(ctid) from staging_visits where run_id = 'run-c')"));
    const before = await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()));
    const failure = await withDeps(db, (d) => transform(d, stagedC)).then(() => 'no error', (e: Error & { code?: string }) => `${e.code}: ${e.message}`);
    expect(failure).toMatch(/^COUNTS_DO_NOT_RECONCILE: run run-c: rows went missing .*\n  visits: read \d+ but 0 quarantined on read \+ \d+ staged/);
    expect(await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()))).toEqual(before);
  });

  // Staging is unlogged (072): after an unclean shutdown PostgreSQL empties it, every run's rows at once.
  it('keeps staging out of the write-ahead log, and fails a run whose staging a crash emptied, changing nothing', async () => {
    const persistence = await withDeps(db, async (d) =>
      (await d.warehouse()).query<{ relname: string; relpersistence: string }>(
        "select relname, relpersistence from pg_class where relname in ('staging_patients', 'staging_providers', 'staging_visits', 'fact_visits', 'dim_patients') order by relname",
      ),
    );
    expect(persistence.map((r) => `${r.relname} ${r.relpersistence}`)).toEqual(['dim_patients p', 'fact_visits p', 'staging_patients u', 'staging_providers u', 'staging_visits u']);
    const [d4] = (await writeDisjointBatches({ patients: 10, providers: 5, seed: 33, names: ['d'] })) as [DisjointBatch];
    const stagedD = await stage(db, d4.dir, 'run-d');
    await withDeps(db, async (d) => (await d.warehouse()).query('truncate staging_patients, staging_providers, staging_visits'));
    const before = await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()));
    const failure = await withDeps(db, (d) => transform(d, stagedD)).then(() => 'no error', (e: Error & { code?: string; hint?: string }) => `${e.code}: ${e.message}`);
    expect(failure).toMatch(/^COUNTS_DO_NOT_RECONCILE: run run-d: rows went missing .*\n  providers: read 5 but 0 quarantined on read \+ 0 staged = 0\n  patients: read 10 but 0 quarantined on read \+ 0 staged = 0\n  visits: read \d+ but 0 quarantined on read \+ 0 staged = 0$/);
    expect(await withDeps(db, async (d) => warehouseChecksum(await d.warehouse()))).toEqual(before);
  });

  it('never lets a batch without rows succeed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'empty-batch-'));
    for (const e of ['patients', 'providers', 'visits'] as const) await writeFile(join(dir, INPUT_FILES[e]), INPUT_COLUMNS[e].join(',') + '\n');
    const deps = testDeps(db, { ...OPTIONS, landingDir: dir });
    const failure = await anonymize(deps, input('run-empty')).then(() => 'no error', (e: Error & { code?: string }) => `${e.code}: ${e.message}`).finally(() => deps.close());
    expect(failure).toMatch(/^EMPTY_BATCH: the batch has no rows: .*synthetic_providers\.csv, .*synthetic_patients\.csv, .*synthetic_visits\.csv hold no records$/);
  });
});
