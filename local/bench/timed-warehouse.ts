// Wraps a warehouse so every database call is timed: the bench reports the slowest single call (the
// cloud cancels a Data API call after 45 s) and how many calls each step made. Times only; no rows.
import type { CsvSource, Row, Warehouse, WarehouseTx } from '../../lambdas/ports.js';

export interface CallRecord {
  what: string;
  ms: number;
}

export interface CallLog {
  calls: number;
  slowest: CallRecord | undefined;
  reset(): void;
}

const preview = (sql: string): string => {
  const flat = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
};

export function timedWarehouse(inner: Warehouse, now: () => number = () => performance.now()): { warehouse: Warehouse; log: CallLog } {
  const log: CallLog = {
    calls: 0,
    slowest: undefined,
    reset() {
      this.calls = 0;
      this.slowest = undefined;
    },
  };
  const timed = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    const started = now();
    try {
      return await call();
    } finally {
      const ms = now() - started;
      log.calls++;
      if (!log.slowest || ms > log.slowest.ms) log.slowest = { what, ms };
    }
  };
  const wrapTx = (tx: WarehouseTx): WarehouseTx => ({
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => timed(preview(sql), () => tx.query<T>(sql, params)),
    script: (sql: string) => timed(preview(sql), () => tx.script(sql)),
    copyCsv: (table: string, columns: readonly string[], source: CsvSource) => timed(`copy ${table} from ${source.key}`, () => tx.copyCsv(table, columns, source)),
  });
  const warehouse: Warehouse = {
    engine: inner.engine,
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => timed(preview(sql), () => inner.query<T>(sql, params)),
    script: (sql: string) => timed(preview(sql), () => inner.script(sql)),
    transaction: <T>(fn: (tx: WarehouseTx) => Promise<T>) => inner.transaction((tx) => fn(wrapTx(tx))),
    close: () => inner.close(),
  };
  return { warehouse, log };
}
