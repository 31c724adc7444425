// Planning one contract file's record-aligned chunks (core/chunks/plan-chunks.ts) as a chunk job, so
// offline it runs in a worker thread like the chunks do (for a batch of at least PLAN_HERE_BELOW_BYTES,
// io/anonymize-in-chunks.ts). The plan is one read of the whole file: in
// the main thread its dead read buffers and their text (about 70 MB at 400k patients) would stay
// until that thread's next collection, which, while it only waits on the workers, comes late, after
// the census and the first chunks have run beside it. The plan that comes back is small.
import type { ChunkPlan } from '../../core/chunks/plan-chunks.js';
import type { BlobStore } from '../../ports.js';
import type { ChunkJob } from '../chunk-runner.js';
import type { ChunkStoreSpecs } from './anonymize-chunk.js';
import { planCsvChunks } from './csv-chunks.js';
import { PARSE_PIECE_BYTES } from './fast-csv-source.js';

export interface PlanFileInput {
  /** The input file's key in landing, and how errors name it. */
  key: string;
  file: string;
  rowsPerChunk: number;
  stores?: ChunkStoreSpecs;
}

export function planFile(landing: BlobStore, input: PlanFileInput): Promise<ChunkPlan> {
  return planCsvChunks(landing, input.key, { rowsPerChunk: input.rowsPerChunk, readBytes: PARSE_PIECE_BYTES });
}

export const PLAN_FILE_JOB = 'plan-file';

export const planFileJob = (openStore: (spec: string) => BlobStore): ChunkJob<PlanFileInput, ChunkPlan> => ({
  name: PLAN_FILE_JOB,
  run(input) {
    if (!input.stores) throw new Error('a file sent to a worker needs its store specs');
    return planFile(openStore(input.stores.landing), input);
  },
});
