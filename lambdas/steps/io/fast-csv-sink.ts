// Writes rows as CSV into a blob store with the fast formatter (core/csv/csv-writer.ts): the same
// CsvSink and the same bytes as openCsvSink (csv-stringify). Rows are formatted into one string and
// handed to the store about every 64 KiB, so the stream sees a few hundred writes per million rows
// instead of one per row; backpressure is kept at that grain.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { csvFormatter } from '../../core/csv/csv-writer.js';
import type { BlobStore } from '../../ports.js';
import type { CsvSink } from './csv-sink.js';

/** Characters gathered before one write to the store. */
const WRITE_EVERY = 1 << 16;

export interface FastCsvSink extends CsvSink {
  /** Appends lines already formatted for these columns (see csvLines), '\n' after each. */
  writeLines(lines: string): Promise<void>;
}

export function openFastCsvSink(store: BlobStore, key: string, columns: readonly string[]): FastCsvSink {
  const format = csvFormatter(columns);
  const text = openTextWriter(store, key, 'text/csv');
  let pending = format.header;
  let rows = 0;
  /** Hands the gathered text to the store once there is enough of it; undefined when there is not. */
  const flush = (): Promise<void> | undefined => {
    if (pending.length < WRITE_EVERY) return undefined;
    const batch = pending;
    pending = '';
    return text.write(batch);
  };
  return {
    get rows() {
      return rows;
    },
    write(row) {
      // A failed store rejects the write, as an async write would (not a throw).
      const failed = text.failure();
      if (failed) return failed;
      rows++;
      pending += format.line(row);
      return flush();
    },
    async writeLines(lines) {
      text.check();
      pending += lines;
      await flush();
    },
    async close() {
      await text.end(pending);
    },
  };
}

interface TextWriter {
  /** Throws the store's error if it has failed. */
  check(): void;
  /** The store's error as a rejected promise if it has failed, else undefined. */
  failure(): Promise<never> | undefined;
  /** Writes text, waiting while the store is behind. */
  write(text: string): Promise<void>;
  /** Writes the last text and waits until the store has the object. */
  end(text: string): Promise<void>;
}

/** A text object streamed into a store; a failure of the store ends the stream and is rethrown. */
function openTextWriter(store: BlobStore, key: string, contentType: string): TextWriter {
  const out = new PassThrough({ highWaterMark: 4 * WRITE_EVERY });
  const stored = store.put(key, out, contentType);
  let failed: { error: unknown } | undefined;
  stored.catch((error: unknown) => {
    failed = { error };
    out.destroy();
  });
  const check = (): void => {
    if (failed) throw failed.error;
  };
  return {
    check,
    failure: () => (failed ? Promise.reject(failed.error) : undefined),
    async write(text) {
      check();
      if (!out.write(text)) await Promise.race([once(out, 'drain'), stored]);
    },
    async end(text) {
      check();
      out.end(text);
      await stored;
    },
  };
}

/** Rows formatted in memory, without a header, for a sink's writeLines elsewhere (another thread). */
export function csvLines(columns: readonly string[]): CsvSink & { text(): string } {
  const format = csvFormatter(columns);
  let lines = '';
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    write(row) {
      rows++;
      lines += format.line(row);
      return undefined;
    },
    async close() {},
    text: () => lines,
  };
}
