// The worker-thread chunk runner: outputs in chunk order whatever order chunks finish in, the same
// output with 1 or 2 threads (and in this thread), a failing chunk named in the error, a TypeScript
// entry run from a bundle made in memory, and the same behaviour from an esbuild bundle run with plain
// node as under tsx.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMIZE_THREAD_LIMITS } from '../../../lambdas/adapters/workers/anonymize-threads.js';
import { createThreadChunkRunner, type ThreadChunkRunner, type ThreadRunnerOptions } from '../../../lambdas/adapters/workers/thread-chunk-runner.js';
import { INPUT_COLUMNS } from '../../../lambdas/core/contract/input-contract.js';
import { PipelineError } from '../../../lambdas/core/errors.js';
import { patientRows } from '../../../lambdas/core/generate/synthetic-data.js';
import { ChunkFailedError, inThreadRunner, type ChunkRunner } from '../../../lambdas/steps/chunk-runner.js';
import { joinParts, pseudonymiseFile } from '../../../local/bench/row-path/toy-job.js';
import { failOn, heapLimit, sleepyEcho } from './fixtures/test-jobs.js';

const WORKER = new URL('./fixtures/test-worker.ts', import.meta.url);
const KEY = 'ab'.repeat(32);

describe('Function: createThreadChunkRunner', () => {
  let dir: string;
  let input: string;
  const runners: ChunkRunner[] = [];
  const runner = (workers: number, options: Partial<ThreadRunnerOptions> = {}): ThreadChunkRunner => {
    const r = createThreadChunkRunner({ workerEntry: WORKER, workers, ...options });
    runners.push(r);
    return r;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chunk-runner-'));
    // 3,000 generated patients (quoted addresses with commas), with a quoted CRLF and a broken row added.
    const rows = [...patientRows({ seed: 7, patients: 3000, providers: 5, asOf: '2025-12-31' })];
    rows[100]!['address'] = '1 Elm St\r\nApt 2';
    const text = stringify(rows, { header: true, columns: [...INPUT_COLUMNS.patients] }) + 'P9,"broken\n';
    input = join(dir, 'patients.csv');
    await writeFile(input, text);
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function pseudonymised(r: ChunkRunner, name: string, rowsPerChunk = 400) {
    const out = join(dir, name);
    await mkdir(out, { recursive: true });
    const { parts, rows } = await pseudonymiseFile(r, input, out, { column: 'patient_id', keyHex: KEY, rowsPerChunk });
    return { text: await joinParts(parts), rows, chunks: parts.length };
  }

  it.skipIf(process.platform !== 'linux')('starts a thread from a TypeScript entry without a loader thread of its own', async () => {
    // Prepare: the process's OS threads, from /proc (a thread that registered tsx also had one for its
    // loader hooks). First in the file: no other runner's threads start or stop meanwhile.
    const osThreads = async () => (await readdir('/proc/self/task')).length;
    const r = runner(1);
    const before = await osThreads();
    // Act
    await r.run(sleepyEcho, [{ index: 0, ms: 50 }]);
    const during = await osThreads();
    // Assess
    expect(r.threads).toBe(1);
    expect(during - before).toBe(1);
  });

  it('writes the same output with 1 and 2 threads as in this thread, whatever the chunk size', async () => {
    // Act
    const here = await pseudonymised(inThreadRunner, 'here');
    const one = await pseudonymised(runner(1), 'one');
    const two = await pseudonymised(runner(2), 'two');
    const bigChunks = await pseudonymised(runner(2), 'big', 1300);
    // Assess
    expect(here.chunks).toBe(8);
    expect(here.rows).toBe(3000);
    expect(here.text.split('\n', 2)[1]).toMatch(/^[0-9a-f]{32},/);
    expect(one).toEqual(here);
    expect(two).toEqual(here);
    expect(bigChunks).toEqual({ ...here, chunks: 3 });
  });

  it('hands outputs back in chunk order when later chunks finish first', async () => {
    const inputs = Array.from({ length: 6 }, (_, index) => ({ index, ms: (6 - index) * 25 }));
    const outputs = await runner(2).run(sleepyEcho, inputs);
    expect(outputs.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(outputs.map((o) => o.thread)).size).toBe(2);
  });

  it.each([
    ['a PipelineError, keeping its code and hint', 'pipeline' as const, PipelineError, /^chunk 3: row 7 has no patient_id$/],
    ['any other error', 'error' as const, ChunkFailedError, /^chunk 3 failed: cannot read properties of undefined$/],
    ['a thread that exits', 'exit' as const, ChunkFailedError, /^chunk 3 failed: its worker thread exited \(code 3\) before answering$/],
  ])('names the chunk that failed with %s, then runs again', async (_name, how, type, message) => {
    // Prepare
    const r = runner(2);
    const inputs = Array.from({ length: 6 }, (_, index) => ({ index, failAt: 3, how }));
    // Act
    const failure = await r.run(failOn, inputs).catch((e: unknown) => e);
    // Assess
    expect(failure).toBeInstanceOf(type);
    expect((failure as Error).message).toMatch(message);
    if (failure instanceof PipelineError) expect([failure.code, failure.hint]).toEqual(['BAD_INPUT', 'fix the export']);
    expect(await r.run(failOn, inputs.map((i) => ({ ...i, failAt: -1 })))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('names the chunk the way the caller describes it, and a job the worker does not serve', async () => {
    const failure = await runner(1)
      .run({ name: 'test/unknown', run: () => 0 }, [{ file: 'x.csv' }], (i) => `chunk 0 of ${i.file}`)
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe('chunk 0 of x.csv failed: this worker has no job "test/unknown" (it serves: test/sleepy-echo, test/fail-on, toy/pseudonymise-chunk, test/heap-limit)');
  });

  it("gives each thread the heap limits it is created with (the anonymize step's, here)", async () => {
    const limited = await runner(2, { resourceLimits: ANONYMIZE_THREAD_LIMITS }).run(heapLimit, [0, 1]);
    const oldOnly = await runner(1, { resourceLimits: { maxOldGenerationSizeMb: ANONYMIZE_THREAD_LIMITS.maxOldGenerationSizeMb } }).run(heapLimit, [0]);
    const unlimited = await runner(1).run(heapLimit, [0]);
    // V8's limit is the old generation's plus room for the young generation: both limits reach every thread.
    expect(limited[0]).toBe(limited[1]);
    expect(limited[0]).toBeGreaterThanOrEqual(ANONYMIZE_THREAD_LIMITS.maxOldGenerationSizeMb);
    expect(limited[0]).toBeLessThan(oldOnly[0]!);
    expect(oldOnly[0]).toBeLessThan(2 * ANONYMIZE_THREAD_LIMITS.maxOldGenerationSizeMb);
    expect(unlimited[0]).toBeGreaterThan(4 * ANONYMIZE_THREAD_LIMITS.maxOldGenerationSizeMb);
  });

  it('keeps its threads between runs that follow each other, and stops them once idle for idleMs', async () => {
    // Prepare
    const r = runner(2, { idleMs: 100 });
    const inputs = [0, 1].map((index) => ({ index, ms: 5 }));
    const threadsOf = async () => new Set((await r.run(sleepyEcho, inputs)).map((o) => o.thread));
    // Act
    const first = await threadsOf();
    const next = await threadsOf();
    const alive = r.threads;
    await new Promise((resolve) => setTimeout(resolve, 400));
    const idle = r.threads;
    const after = await threadsOf();
    // Assess
    expect(next).toEqual(first);
    expect([alive, idle, r.threads]).toEqual([2, 0, 2]);
    expect([...after].some((t) => first.has(t))).toBe(false);
  });

  it('runs from an esbuild bundle with plain node, with the same output', async () => {
    // Prepare: the worker entry bundled beside the main script, as a Lambda bundle would carry it.
    const out = join(dir, 'bundle');
    const fixtures = new URL('./fixtures/', import.meta.url).pathname;
    await build({
      entryPoints: { main: join(fixtures, 'bundled-main.ts'), 'test-worker': join(fixtures, 'test-worker.ts') },
      outdir: out,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'silent',
    });
    await mkdir(join(dir, 'bundled-parts'), { recursive: true });
    // Act
    const { stdout } = await promisify(execFile)(process.execPath, [join(out, 'main.mjs'), input, join(dir, 'bundled-parts'), '400'], { env: { PATH: process.env['PATH'] } });
    // Assess
    expect(JSON.parse(stdout)).toEqual(await pseudonymised(inThreadRunner, 'here-again'));
  });
});

describe('Object: inThreadRunner', () => {
  it.each([
    ['pipeline' as const, PipelineError, 'chunk 1: row 7 has no patient_id'],
    ['error' as const, ChunkFailedError, 'chunk 1 failed: cannot read properties of undefined'],
  ])('names the chunk that failed (%s) and stops there', async (how, type, message) => {
    const inputs = Array.from({ length: 3 }, (_, index) => ({ index, failAt: 1, how }));
    const failure = await inThreadRunner.run(failOn, inputs).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(type);
    expect((failure as Error).message).toBe(message);
  });
});
