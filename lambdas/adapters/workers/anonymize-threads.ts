// The anonymize step's chunk runner over worker threads (the offline deps build it): each thread serves
// the anonymize-chunk job from anonymize-worker.ts and opens the local folders it is given.
import type { ChunkRunner } from '../../steps/chunk-runner.js';
import { createThreadChunkRunner, workerEntryBeside } from './thread-chunk-runner.js';

/** `workers` threads at most. @default os.availableParallelism() */
export const anonymizeThreads = (workers?: number): ChunkRunner =>
  createThreadChunkRunner({ workerEntry: workerEntryBeside(import.meta.url, 'anonymize-worker'), ...(workers === undefined ? {} : { workers }) });
