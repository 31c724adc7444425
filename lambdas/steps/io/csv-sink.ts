// Writes rows as CSV into a blob store while they are produced, with backpressure, so a file of any
// size streams through in constant memory.
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { BlobStore } from '../../ports.js';

export interface CsvSink {
  /**
   * Writes a row. A promise to wait for (backpressure, or the row handed on), or nothing when the row
   * is taken: a row loop then makes no promise and no await per row.
   */
  write(row: Record<string, unknown>): Promise<void> | undefined;
  /** Ends the file and waits until the store has it. */
  close(): Promise<void>;
  readonly rows: number;
}

export function openCsvSink(store: BlobStore, key: string, columns: readonly string[]): CsvSink {
  // The writable side counts rows (object mode): a few hundred rows between drains keeps the event
  // loop trips rare and memory flat. (A byte-sized number here would buffer a million rows.)
  const csv = stringify({ header: true, columns: [...columns], eof: true, writableHighWaterMark: 512 });
  const stored = store.put(key, csv, 'text/csv');
  let failure: unknown;
  stored.catch((e: unknown) => {
    failure = e;
    csv.destroy();
  });
  let rows = 0;
  return {
    get rows() {
      return rows;
    },
    async write(row) {
      if (failure) throw failure;
      rows++;
      if (!csv.write(row)) await Promise.race([once(csv, 'drain'), stored]);
    },
    async close() {
      csv.end();
      await stored;
    },
  };
}
