// A warehouse whose every database call (queries, scripts, bulk loads, in a transaction or not) goes
// through one function first: the bench times calls this way (local/bench/timed-warehouse.ts) and a
// step Lambda refuses a call its remaining time cannot fit (deadline-warehouse.ts). Opening, committing
// and rolling back a transaction are the inner warehouse's own and never pass through it.
import type { CsvSource, Row, Warehouse, WarehouseTx } from '../ports.js';

/** Runs `call`, the call described by `what` (the statement's first words, or the bulk load's table and object). */
export type AroundCall = <T>(what: string, call: () => Promise<T>) => Promise<T>;

/** A statement's first words without comments, as a label for logs and errors. */
export const describeStatement = (sql: string, max = 90): string => {
  const flat = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

export function aroundEachCall(inner: Warehouse, around: AroundCall): Warehouse {
  const wrapTx = (tx: WarehouseTx): WarehouseTx => ({
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => around(describeStatement(sql), () => tx.query<T>(sql, params)),
    script: (sql: string) => around(describeStatement(sql), () => tx.script(sql)),
    copyCsv: (table: string, columns: readonly string[], source: CsvSource) => around(`copy ${table} from ${source.key}`, () => tx.copyCsv(table, columns, source)),
  });
  return {
    engine: inner.engine,
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => around(describeStatement(sql), () => inner.query<T>(sql, params)),
    script: (sql: string) => around(describeStatement(sql), () => inner.script(sql)),
    transaction: <T>(fn: (tx: WarehouseTx) => Promise<T>) => inner.transaction((tx) => fn(wrapTx(tx))),
    close: () => inner.close(),
  };
}
