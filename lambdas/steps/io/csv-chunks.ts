// Chunked reading of a stored CSV file: plan its record-aligned chunks (core/chunks) and read one
// chunk as a CsvSource, with the lines, header and records it would have read from the whole file.
import { chunkStart, planChunks, type ChunkPlan, type CsvChunk, type CsvChunkPlan, type PlanOptions } from '../../core/chunks/plan-chunks.js';
import type { BlobStore } from '../../ports.js';
import { blobReadBytes, openRange } from './blob-ranges.js';
import { readCsvFast, type FastCsvSource } from './fast-csv-source.js';

export function planCsvChunks(store: BlobStore, key: string, options?: PlanOptions): Promise<ChunkPlan> {
  return planChunks(blobReadBytes(store, key), options);
}

export async function readCsvChunk(store: BlobStore, key: string, plan: CsvChunkPlan, chunk: CsvChunk): Promise<FastCsvSource> {
  return readCsvFast(await openRange(store, key, chunk.start, chunk.end), chunkStart(plan, chunk));
}
