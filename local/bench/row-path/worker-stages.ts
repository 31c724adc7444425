// End-to-end throughput of the toy chunk job (parse a chunk, pseudonymise patient_id with the repo's
// HMAC, write the chunk as CSV) over the visits file: in this thread, then with 1 and 2 worker threads.
// Threads are started by a warm-up run, so the figures are steady state; the cold start is separate.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createThreadChunkRunner, workerEntryBeside } from '../../../lambdas/adapters/workers/thread-chunk-runner.js';
import { inThreadRunner, type ChunkRunner } from '../../../lambdas/steps/chunk-runner.js';
import type { BenchBatch } from './batch.js';
import { timeStage, type StageTiming } from './timing.js';
import { pseudonymiseFile } from './toy-job.js';

export async function workerStages(batch: BenchBatch, rowsPerChunk: number): Promise<StageTiming[]> {
  const location = batch.deps.landing.locate(batch.files.visits);
  if (location.kind !== 'file') throw new Error('the benchmark reads local files');
  const rows = batch.rows.visits;
  const outDir = join(batch.dir, 'toy-parts');
  await mkdir(outDir, { recursive: true });
  const job = (runner: ChunkRunner) => () => pseudonymiseFile(runner, location.path, outDir, { column: 'patient_id', keyHex: 'bb'.repeat(32), rowsPerChunk });
  const out: StageTiming[] = [await timeStage(`toy job, in this thread (${rowsPerChunk} rows/chunk)`, rows, job(inThreadRunner))];
  for (const workers of [1, 2]) {
    const runner = createThreadChunkRunner({ workerEntry: workerEntryBeside(import.meta.url, 'toy-worker'), workers });
    try {
      const t0 = Date.now();
      await job(runner)();
      out.push({ stage: `toy job, ${workers} thread(s): cold start incl. thread start`, rows, cpuMs: NaN, wallMs: Date.now() - t0, cpuUsPerRow: NaN });
      out.push(await timeStage(`toy job, ${workers} thread(s), warm`, rows, job(runner)));
    } finally {
      await runner.close();
    }
  }
  return out;
}
