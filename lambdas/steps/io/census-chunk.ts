// The vocabulary census of one chunk of the visits file (core/vocabulary/census.ts): each chunk is
// counted on its own, in a worker thread or in the step's thread, and the step merges the chunks'
// counts in order, so the census still sees the whole batch before any row is anonymised.
import type { CsvChunk, CsvChunkPlan } from '../../core/chunks/plan-chunks.js';
import { createVocabularyCensus, type VocabularyCensus } from '../../core/vocabulary/census.js';
import { DEFAULT_VOCABULARIES } from '../../core/vocabulary/vocabulary.js';
import type { BlobStore } from '../../ports.js';
import type { ChunkJob } from '../chunk-runner.js';
import type { ChunkStoreSpecs } from './anonymize-chunk.js';
import { readCsvChunk } from './csv-chunks.js';
import { censusFieldsOf } from './vocabulary-census.js';

export interface CensusChunkInput {
  key: string;
  file: string;
  plan: Pick<CsvChunkPlan, 'header' | 'recordDelimiter'>;
  chunk: CsvChunk;
  /** Patients a value outside the vocabularies needs to be kept. */
  k: number;
  /** Every provider's id and specialty, as the census read them before any visit. */
  providers: [string, string | undefined][];
  stores?: ChunkStoreSpecs;
}

export type CensusChunkOutput = Pick<VocabularyCensus, 'state'>;

export async function censusChunk(landing: BlobStore, input: CensusChunkInput): Promise<CensusChunkOutput> {
  const census = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: input.k });
  for (const [id, specialty] of input.providers) census.addProvider(id, specialty);
  const { chunk } = input;
  const plan: CsvChunkPlan = { kind: 'chunks', size: chunk.end, rows: chunk.rows, chunks: [chunk], header: input.plan.header, recordDelimiter: input.plan.recordDelimiter };
  const source = await readCsvChunk(landing, input.key, plan, chunk);
  for await (const group of source.batches) {
    for (const r of group) if (r.kind === 'row') census.addVisit(censusFieldsOf(r.values));
  }
  return { state: census.state };
}

export const CENSUS_CHUNK_JOB = 'census-chunk';

export const censusChunkJob = (openStore: (spec: string) => BlobStore): ChunkJob<CensusChunkInput, CensusChunkOutput> => ({
  name: CENSUS_CHUNK_JOB,
  run(input) {
    if (!input.stores) throw new Error('a chunk sent to a worker needs its store specs');
    return censusChunk(openStore(input.stores.landing), input);
  },
});
