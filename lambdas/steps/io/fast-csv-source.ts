// Reads a headed CSV stream with the fast parser (core/csv/record-parser.ts): the same CsvSource, with
// the same records, lines, raw text and reasons as readCsv (csv-parse), in file order. Also reads one
// chunk of a file (core/chunks) when told where the chunk starts and what the file's header is.
// Differences from readCsv, both deliberate: unreadable records come in file order (readCsv hands
// them on at the next record csv-parse gives it, so their place depends on stream buffering), and
// the header is known before the first record is handed on, even when records before it were
// unreadable. UTF-16 input, which csv-parse decodes and this parser does not, is handed to readCsv.
import { Readable } from 'node:stream';
import { normaliseColumn } from '../../core/contract/input-contract.js';
import { CsvRecordParser, Utf16InputError, type CsvParserStart, type CsvRecordSink } from '../../core/csv/record-parser.js';
import { keyedObject, type KeyedObjectBuilder } from '../../core/keyed-object.js';
import { readCsv, type CsvSource, type SourceRecord } from './csv-source.js';

export interface CsvReadStart extends CsvParserStart {
  /** The file's header, when the stream starts after it (a chunk other than the first). */
  header?: readonly string[];
}

export interface FastCsvSource extends CsvSource {
  /**
   * The same records in the groups they were read in (one per input chunk), for a consumer that
   * would rather not await each record. Iterate either this or `records`, not both.
   */
  batches: AsyncIterable<SourceRecord[]>;
}

/**
 * Bytes handed to the parser at a time, however large the stream's reads (a file store reads 1 MiB):
 * records are handed on per piece, so a reader holds a few hundred rows at once rather than ten
 * thousand, and the parser's text of a piece stays a young object V8 frees at its next scavenge (a
 * 1 MiB string is a large object, freed only by a full collection). The records are the same.
 */
export const PARSE_PIECE_BYTES = 1 << 16;

export function readCsvFast(input: AsyncIterable<Uint8Array>, start: CsvReadStart = {}): FastCsvSource {
  let resolveHeader!: (h: string[]) => void;
  const header = new Promise<string[]>((r) => (resolveHeader = r));
  let columns = start.header?.map(normaliseColumn);
  let valuesOf = columns && keyedObject(columns);
  if (columns) resolveHeader(columns);
  const ready: SourceRecord[] = [];
  const sink: CsvRecordSink = {
    record(fields, raw, line) {
      if (!columns || !valuesOf) {
        columns = fields!.map(normaliseColumn);
        valuesOf = keyedObject(columns);
        resolveHeader(columns);
        return;
      }
      ready.push({ kind: 'row', line, values: valuesByColumn(columns, valuesOf, fields!), raw: withoutLineEnd(raw) });
    },
    unreadable(line, raw, reason) {
      ready.push({ kind: 'unreadable', line, raw, reason });
    },
  };

  async function* readBatches(): AsyncGenerator<SourceRecord[]> {
    const parser = new CsvRecordParser(sink, start);
    const chunks = input[Symbol.asyncIterator]();
    let first = true;
    try {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        const bytes = next.value;
        for (let at = 0; at < bytes.byteLength; at += PARSE_PIECE_BYTES) {
          try {
            parser.push(bytes.subarray(at, at + PARSE_PIECE_BYTES));
          } catch (e) {
            if (!(first && e instanceof Utf16InputError)) throw e;
            const whole = readCsv(Readable.from(replay(bytes, chunks)));
            void whole.header.then(resolveHeader);
            for await (const r of whole.records) yield [r];
            return;
          }
          first = false;
          // Records read before the header stay until it is known, so it is known when they are handed on.
          if (columns && ready.length) yield ready.splice(0);
        }
      }
      parser.end();
      resolveHeader([]);
      if (ready.length) yield ready.splice(0);
    } finally {
      // A reader that stops early (a bad header, say) closes the input instead of leaving it open.
      await chunks.return?.();
    }
  }
  const batches = readBatches();
  async function* records(): AsyncGenerator<SourceRecord> {
    for await (const batch of batches) yield* batch;
  }
  return { header, batches, records: records() };
}

/**
 * A record's fields by (normalised) column name; fields past the header are dropped, as readCsv does.
 * A record with every column (almost all) is built by the header's builder (core/keyed-object.ts).
 */
function valuesByColumn(columns: readonly string[], valuesOf: KeyedObjectBuilder, fields: readonly string[]): Record<string, string> {
  if (fields.length >= columns.length) return valuesOf(fields) as Record<string, string>;
  const values: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) {
    const v = fields[i];
    if (v !== undefined) values[columns[i]!] = v;
  }
  return values;
}

/** readCsv's raw text: without the '\n' or '\r\n' that ends it. */
function withoutLineEnd(raw: string): string {
  if (raw.charCodeAt(raw.length - 1) !== 10) return raw;
  return raw.charCodeAt(raw.length - 2) === 13 ? raw.slice(0, -2) : raw.slice(0, -1);
}

async function* replay(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
