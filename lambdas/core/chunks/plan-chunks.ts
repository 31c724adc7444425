// Splits a CSV file into byte ranges that each start on a record boundary, about `rowsPerChunk` rows
// each, so chunks can be read in parallel (worker threads offline, a Distributed Map in the cloud).
// Pure: the file is read through the `read` function given.
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

export type ChunkPlan =
  | {
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
  /** A file that cannot be split here (UTF-16): read it whole. */
  | { kind: 'whole'; size: number; reason: string };

/** Reads `length` bytes at `offset` (fewer only at the end of the file). */
export type ReadBytes = (offset: number, length: number) => Promise<Uint8Array>;

export interface PlanOptions {
  /** Rows per chunk (a chunk ends at the first record end at or after this many). @default 250000 */
  rowsPerChunk?: number;
  /** Bytes asked of `read` at a time. @default 1 MiB */
  readBytes?: number;
}

export const DEFAULT_ROWS_PER_CHUNK = 250_000;

export async function planChunks(size: number, read: ReadBytes, options: PlanOptions = {}): Promise<ChunkPlan> {
  const rowsPerChunk = options.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK;
  const readBytes = options.readBytes ?? 1 << 20;
  if (!(rowsPerChunk >= 1) || !(readBytes >= 1)) throw new RangeError(`rowsPerChunk and readBytes must be at least 1`);
  try {
    const head = await findHeader(size, read, readBytes);
    const chunks: CsvChunk[] = [];
    let current: CsvChunk = { index: 0, start: 0, end: size, firstLine: 1, rows: 0 };
    let rows = 0;
    const scan = new CsvRecordParser(
      {
        record(_fields, _raw, line, end) {
          rows++;
          if (++current.rows < rowsPerChunk) return;
          current.end = end;
          chunks.push(current);
          current = { index: chunks.length, start: end, end: size, firstLine: line + 1, rows: 0 };
        },
        unreadable() {},
      },
      { offset: head.end, line: head.nextLine, recordDelimiter: head.recordDelimiter, fields: false },
    );
    await feed(scan, head.end, size, read, readBytes);
    if (current.start < size || chunks.length === 0) chunks.push(current);
    return { kind: 'chunks', size, header: head.header, recordDelimiter: scan.recordDelimiter, rows, chunks };
  } catch (e) {
    if (e instanceof Utf16InputError) return { kind: 'whole', size, reason: e.message };
    throw e;
  }
}

/** Where a reader of `chunk` starts: its offset and line, and the file's record delimiter and header. */
export function chunkStart(plan: Extract<ChunkPlan, { kind: 'chunks' }>, chunk: CsvChunk): CsvParserStart & { header?: string[] } {
  // The first chunk is read like the whole file: byte order mark, delimiter discovery, header line.
  if (chunk.index === 0) return {};
  return { offset: chunk.start, line: chunk.firstLine, recordDelimiter: plan.recordDelimiter, header: plan.header };
}

interface Head {
  header: string[];
  /** Byte offset just past the header (the file's size when there is none). */
  end: number;
  nextLine: number;
  recordDelimiter: RecordDelimiter | undefined;
}

/** The first record csv-parse would give (records before it with errors are skipped, as it skips them). */
async function findHeader(size: number, read: ReadBytes, readBytes: number): Promise<Head> {
  let head: Head | undefined;
  const parser = new CsvRecordParser({
    record(fields, _raw, line, end) {
      head ??= { header: fields!, end, nextLine: line + 1, recordDelimiter: undefined };
    },
    unreadable() {},
  });
  await feed(parser, 0, size, read, readBytes, () => head !== undefined);
  return head ? { ...head, recordDelimiter: parser.recordDelimiter } : { header: [], end: size, nextLine: 1, recordDelimiter: undefined };
}

/** Pushes [from, size) into the parser block by block, then ends it, unless `done` says to stop early. */
async function feed(parser: CsvRecordParser, from: number, size: number, read: ReadBytes, readBytes: number, done = () => false): Promise<void> {
  for (let offset = from; offset < size; ) {
    const bytes = await read(offset, Math.min(readBytes, size - offset));
    if (bytes.byteLength === 0) throw new RangeError(`the file ended at byte ${offset} of the ${size} planned`);
    parser.push(bytes);
    if (done()) return;
    offset += bytes.byteLength;
  }
  parser.end();
}
