// The anonymize step's chunk runner over worker threads (the offline deps build it): each thread serves
// the anonymize-chunk job from anonymize-worker.ts and opens the local folders it is given.
import { createThreadChunkRunner, workerEntryBeside, type ThreadChunkRunner, type ThreadRunnerOptions } from './thread-chunk-runner.js';

/**
 * Each thread's heap (every thread has its own). What a chunk holds alive is small (a 64 KiB piece's
 * records, the pseudonym memo, its quarantine lines: about 30 MB), and the row path makes short-lived
 * garbage: the old generation's limit makes a thread collect instead of growing to V8's default of
 * gigabytes, and a young generation of 16 MB instead of V8's 48 holds that garbage between
 * scavenges for about 30 MB less per thread, at a few more scavenges of the same few survivors.
 * Smaller is measurably slower: 12 MB took the 400k anonymize peak 15 MB lower for about 6% more CPU,
 * 8 MB 15-20 MB lower for 4-17% more (alternated runs, 2 threads).
 */
export const ANONYMIZE_THREAD_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 } as const;

/**
 * Threads idle this long are stopped: the step's runs (plans, census, each file's chunks) follow
 * each other within milliseconds. The step stops them itself when it ends (its threads' heaps, ~60 MB
 * each, would otherwise stay into load); this covers a step that failed before that, and other callers.
 */
export const ANONYMIZE_THREADS_IDLE_MS = 250;

/** `workers` threads at most. @default os.availableParallelism() */
export const anonymizeThreads = (workers?: number): ThreadChunkRunner => createThreadChunkRunner(anonymizeThreadOptions(workers));

export const anonymizeThreadOptions = (workers?: number): ThreadRunnerOptions => ({
  workerEntry: workerEntryBeside(import.meta.url, 'anonymize-worker'),
  resourceLimits: ANONYMIZE_THREAD_LIMITS,
  idleMs: ANONYMIZE_THREADS_IDLE_MS,
  ...(workers === undefined ? {} : { workers }),
});
