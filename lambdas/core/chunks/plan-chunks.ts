// Splits a CSV file into byte ranges that each start on a record boundary, about `rowsPerChunk` rows
// each, so chunks can be read in parallel (worker threads offline, a Distributed Map in the cloud).
// Pure: the file is read, once and in order, through the `read` function given.
//
// A boundary is wherever the reader (core/csv/record-parser.ts) ends a record, so a quoted newline
// never splits, and each chunk carries what a reader needs to start there exactly as if it had read
// the file from the top: the line number (quarantine lines stay right), the record delimiter and the
// header. Reading the chunks in order gives the whole file's records, raw text and errors. A chunk
// starts right after a record, so empty lines before the next record stay in that record's chunk.
import { CsvRecordParser, Utf16InputError, type CsvParserStart, type RecordDelimiter } from '../csv/record-parser.js';

/** One byte range of the file: [start, end). */
export interface CsvChunk {
  index: number;
  start: number;
  end: number;
  /** Line number (csv-parse's count) at `start`. */
  firstLine: number;
  /** Records read in the chunk (the header is not one of them). */
  rows: number;
}

export interface CsvChunkPlan {
  kind: 'chunks';
  size: number;
  /** The header's fields as written ([] for a file with no record). */
  header: string[];
  /** Undefined only for a file of at most one record without a line ending. */
  recordDelimiter: RecordDelimiter | undefined;
  rows: number;
  /** Contiguous, in file order, covering [0, size); the first holds the header. */
  chunks: CsvChunk[];
}

/** A plan, or a file that cannot be split here (UTF-16) and is read whole. */
export type ChunkPlan = CsvChunkPlan | { kind: 'whole'; reason: string };

/** Up to `maxLength` bytes of the file at `offset` (at least one), or none at or past its end. */
export type ReadBytes = (offset: number, maxLength: number) => Promise<Uint8Array>;

export interface PlanOptions {
  /** Rows per chunk (a chunk ends at the first record end at or after this many). @default 250000 */
  rowsPerChunk?: number;
  /** Bytes asked of `read` at a time. @default 1 MiB */
  readBytes?: number;
}

export const DEFAULT_ROWS_PER_CHUNK = 250_000;

export async function planChunks(read: ReadBytes, options: PlanOptions = {}): Promise<ChunkPlan> {
  const rowsPerChunk = options.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK;
  const readBytes = options.readBytes ?? 1 << 20;
  if (!(rowsPerChunk >= 1) || !(readBytes >= 1)) throw new RangeError('rowsPerChunk and readBytes must be at least 1');
  let header: string[] | undefined;
  let rows = 0;
  const chunks: CsvChunk[] = [];
  let current: CsvChunk = { index: 0, start: 0, end: 0, firstLine: 1, rows: 0 };
  const parser = new CsvRecordParser({
    record(fields, _raw, line, end) {
      if (!header) {
        // The first record csv-parse gives is the header; after it only record ends matter.
        header = fields!;
        parser.onlyFindRecords();
        return;
      }
      rows++;
      if (++current.rows < rowsPerChunk) return;
      current.end = end;
      chunks.push(current);
      current = { index: chunks.length, start: end, end, firstLine: line + 1, rows: 0 };
    },
    unreadable() {},
  });
  let size = 0;
  try {
    for (let bytes = await read(0, readBytes); bytes.byteLength > 0; bytes = await read(size, readBytes)) {
      parser.push(bytes);
      size += bytes.byteLength;
    }
    parser.end();
  } catch (e) {
    if (e instanceof Utf16InputError) return { kind: 'whole', reason: e.message };
    throw e;
  }
  current.end = size;
  if (current.start < size || chunks.length === 0) chunks.push(current);
  return { kind: 'chunks', size, header: header ?? [], recordDelimiter: parser.recordDelimiter, rows, chunks };
}

/** Where a reader of `chunk` starts: its offset and line, and the file's record delimiter and header. */
export function chunkStart(plan: CsvChunkPlan, chunk: CsvChunk): CsvParserStart & { header?: string[] } {
  // The first chunk is read like the whole file: byte order mark, delimiter discovery, header line.
  if (chunk.index === 0) return {};
  return { offset: chunk.start, line: chunk.firstLine, recordDelimiter: plan.recordDelimiter, header: plan.header };
}
