// The worker-thread side of the chunk runner: a worker entry file calls serveChunkJobs with the jobs
// it can run, then answers each task the runner posts with the job's output or its error.
import { parentPort } from 'node:worker_threads';
import type { ChunkJob } from '../../steps/chunk-runner.js';
import { sendableError, type AnswerMessage, type TaskMessage } from './worker-protocol.js';

/** Jobs of any input and output (ChunkJob.run is a method, so a ChunkJob<I, O> is one of these). */
export type AnyChunkJob = ChunkJob<unknown, unknown>;

export function serveChunkJobs(jobs: readonly AnyChunkJob[]): void {
  const port = parentPort;
  if (!port) throw new Error('serveChunkJobs must run in a worker thread (started by createThreadChunkRunner)');
  const byName = new Map(jobs.map((j) => [j.name, j]));
  port.on('message', async ({ id, job, input }: TaskMessage) => {
    let answer: AnswerMessage;
    try {
      const found = byName.get(job);
      if (!found) throw new Error(`this worker has no job "${job}" (it serves: ${[...byName.keys()].join(', ')})`);
      answer = { id, ok: true, output: await found.run(input) };
    } catch (e) {
      answer = { id, ok: false, error: sendableError(e) };
    }
    port.postMessage(answer);
  });
}
