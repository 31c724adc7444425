// Batches over time through the CLI, as a user loads them: a second, different extract into a
// warehouse that already holds one loads in full; the same files again (from another folder, another
// day) are reported as already loaded and change nothing; two runs started together against one
// Postgres both load in full.
import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { writeDisjointBatches, type DisjointBatch } from '../helpers/disjoint-batches.js';
import { queryDb } from '../helpers/run-pipeline.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

interface CliResult { code: number; stdout: string; stderr: string; json: Record<string, any> }

async function simulate(db: TestDatabase, args: string[]): Promise<CliResult> {
  const argv = ['local/simulate.ts', ...args, '--json', '--dir', db.workDir, ...(db.databaseUrl ? ['--database-url', db.databaseUrl] : [])];
  const env = { ...process.env, DATABASE_URL: '', PSEUDONYM_KEY: 'd'.repeat(64) };
  const out = await run(TSX, argv, { cwd: ROOT, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  const last = out.stdout.trim().split('\n').at(-1) ?? '';
  return { ...out, json: last.startsWith('{') ? JSON.parse(last) : {} };
}

const factVisits = async (db: TestDatabase) => (await queryDb<{ n: number }>(db, 'select count(*)::int as n from fact_visits'))[0]!.n;

describe.each(DATABASES)('CLI: batches over time on $name', (kind) => {
  let db: TestDatabase;
  let a: DisjointBatch;
  let b: DisjointBatch;
  beforeAll(async () => {
    db = await kind.create();
    [a, b] = (await writeDisjointBatches({ patients: 80, providers: 6, seed: 21 })) as [DisjointBatch, DisjointBatch];
  });
  afterAll(() => db.drop());

  it('loads a second, different batch in full into a warehouse that holds another', async () => {
    const first = await simulate(db, ['--input', a!.dir]);
    expect(first.code).toBe(0);
    expect(first.json.entities.visits).toMatchObject({ read: a!.visits, loaded: a!.visits, added: a!.visits, reconciles: true });

    const second = await simulate(db, ['--input', b!.dir]);
    expect(second.code).toBe(0);
    expect(second.json.status).toBe('succeeded');
    expect(second.json.runId).not.toBe(first.json.runId);
    expect(second.json.entities.patients).toMatchObject({ read: b!.patients, loaded: b!.patients, added: b!.patients, reconciles: true });
    expect(second.json.entities.visits).toMatchObject({ read: b!.visits, loaded: b!.visits, added: b!.visits, reconciles: true });
    expect(await factVisits(db)).toBe(a!.visits + b!.visits);
  });

  it('reports the same files, copied elsewhere, as already loaded, exits 0 and changes nothing', async () => {
    const copy = join(await mkdtemp(join(tmpdir(), 'same-batch-')), 'copy');
    await cp(a!.dir, copy, { recursive: true });
    const again = await simulate(db, ['--input', copy]);
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ status: 'already-loaded' });
    expect(again.json.message).toMatch(/^Batch input-[0-9a-f]{16} was already loaded as run input-[0-9a-f]{16} on \d{4}-\d{2}-\d{2} \d\d:\d\d UTC; this run changed nothing\.$/);
    expect(await factVisits(db)).toBe(a!.visits + b!.visits);
  });
});

describe.runIf(DATABASES.some((d) => d.name === 'postgres'))('CLI: overlapping runs on one Postgres', () => {
  let db: TestDatabase;
  let batches: DisjointBatch[];
  beforeAll(async () => {
    db = await DATABASES.find((d) => d.name === 'postgres')!.create();
    batches = await writeDisjointBatches({ patients: 400, providers: 8, seed: 22, names: ['c', 'd'] });
  });
  afterAll(() => db.drop());

  it('ends both succeeded, with both batches fully in fact_visits', async () => {
    // Started together on an empty database: they also migrate it at the same time.
    const [c, d] = await Promise.all(batches.map((batch) => simulate(db, ['--input', batch.dir])));
    for (const [out, batch] of [[c!, batches[0]!], [d!, batches[1]!]] as const) {
      expect(out.stderr).not.toMatch(/error/i);
      expect(out.code).toBe(0);
      expect(out.json.status).toBe('succeeded');
      expect(out.json.entities.visits).toMatchObject({ read: batch.visits, loaded: batch.visits, added: batch.visits, reconciles: true });
    }
    expect(await factVisits(db)).toBe(batches[0]!.visits + batches[1]!.visits);
    const runs = await queryDb<{ run_id: string; n: number }>(db, 'select run_id, count(*)::int as n from fact_visits group by run_id order by n');
    expect(runs.map((r) => r.n).sort()).toEqual(batches.map((b) => b.visits).sort());
  });
});
