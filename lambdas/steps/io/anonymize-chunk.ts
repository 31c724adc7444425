// One record-aligned chunk of a contract CSV file anonymised on its own (core/chunks): its clean rows
// into their own part file (with the contract's header, so each part loads alone), its rejected rows
// returned as quarantine lines for the step to append in chunk order. Lines and source_line are the
// whole file's, so the parts of a file, read in order, hold exactly the rows one pass would write.
// The job runs in a worker thread (adapters/workers/anonymize-worker.ts) or in the step's own thread;
// it is the same function either way, only where its stores come from differs.
import type { CsvChunk, CsvChunkPlan } from '../../core/chunks/plan-chunks.js';
import { CLEAN_COLUMNS, QUARANTINE_COLUMNS } from '../../core/contract/clean-contract.js';
import { silentProgress, type BlobStore } from '../../ports.js';
import type { ChunkJob } from '../chunk-runner.js';
import type { Entity, EntityCounts } from '../run-state.js';
import { anonymizeRecords } from './anonymize-records.js';
import { anonymizeTools, type ToolsSpec } from './anonymize-tools.js';
import { readCsvChunk } from './csv-chunks.js';
import { inputOf } from './csv-inputs.js';
import { csvLines } from './fast-csv-sink.js';
import type { InputRecord } from './input-record.js';

export interface AnonymizeChunkInput {
  entity: Entity;
  /** The input file's key in landing, and how quarantine rows name it. */
  key: string;
  file: string;
  plan: Pick<CsvChunkPlan, 'header' | 'recordDelimiter'>;
  chunk: CsvChunk;
  /** Where the chunk's clean rows go in the clean store. */
  partKey: string;
  runId: string;
  tools: ToolsSpec;
  /** What a worker opens its stores from (the local folders); absent when the step's own stores are used. */
  stores?: ChunkStoreSpecs;
}

/** Opaque to the step: the deps that start worker threads say what a worker opens its stores from. */
export interface ChunkStoreSpecs {
  landing: string;
  clean: string;
}

export interface AnonymizeChunkOutput {
  counts: EntityCounts;
  /** The chunk's quarantine rows, formatted as CSV lines (QUARANTINE_COLUMNS, no header). */
  quarantine: string;
}

export interface ChunkStores {
  landing: BlobStore;
  clean: BlobStore;
}

export async function anonymizeChunk(stores: ChunkStores, input: AnonymizeChunkInput): Promise<AnonymizeChunkOutput> {
  const { entity, key, file, chunk } = input;
  const plan: CsvChunkPlan = { kind: 'chunks', size: chunk.end, rows: chunk.rows, chunks: [chunk], header: input.plan.header, recordDelimiter: input.plan.recordDelimiter };
  const source = await readCsvChunk(stores.landing, key, plan, chunk);
  async function* batches(): AsyncGenerator<InputRecord[]> {
    for await (const group of source.batches) yield group.map((r) => inputOf(r, { file, line: r.line, sourceLine: r.line }, asRow));
  }
  async function* records(): AsyncGenerator<InputRecord> {
    for await (const group of batches()) yield* group;
  }
  const quarantine = csvLines(QUARANTINE_COLUMNS);
  const counts = await anonymizeRecords({
    entity,
    input: { records: records(), batches: batches(), extraColumns: () => [] },
    clean: stores.clean,
    cleanKey: input.partKey,
    tools: anonymizeTools(input.tools, { rememberPatients: entity !== 'patients' }),
    quarantine,
    runId: input.runId,
    progress: silentProgress,
  });
  return { counts, quarantine: quarantine.text() };
}

const asRow = (values: Record<string, string>) => ({ ok: true as const, values });

/** The job a worker serves: it opens its stores from the specs the step forwards. */
export const ANONYMIZE_CHUNK_JOB = 'anonymize-chunk';

export const anonymizeChunkJob = (openStore: (spec: string) => BlobStore): ChunkJob<AnonymizeChunkInput, AnonymizeChunkOutput> => ({
  name: ANONYMIZE_CHUNK_JOB,
  run(input) {
    if (!input.stores) throw new Error('a chunk sent to a worker needs its store specs');
    return anonymizeChunk({ landing: openStore(input.stores.landing), clean: openStore(input.stores.clean) }, input);
  },
});
