// The anonymize step's chunk runner over worker threads (the offline deps build it): each thread serves
// the anonymize-chunk job from anonymize-worker.ts and opens the local folders it is given.
import type { ChunkRunner } from '../../steps/chunk-runner.js';
import { createThreadChunkRunner, workerEntryBeside } from './thread-chunk-runner.js';

/**
 * What a chunk holds alive is small (a read buffer, the pseudonym memo, its quarantine lines); the
 * limit makes each thread collect its garbage instead of growing to V8's default of gigabytes.
 */
const HEAP_MB = 160;

/** `workers` threads at most. @default os.availableParallelism() */
export const anonymizeThreads = (workers?: number): ChunkRunner =>
  createThreadChunkRunner({
    workerEntry: workerEntryBeside(import.meta.url, 'anonymize-worker'),
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    ...(workers === undefined ? {} : { workers }),
  });
