// Warehouse over a real PostgreSQL server (node-postgres). Bulk loads stream through COPY FROM STDIN.
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { PipelineError } from '../../core/errors.js';
import type { CsvSource, Row, Warehouse, WarehouseTx } from '../../ports.js';
import { copyStatement, dbFailed, inTransaction } from '../sql-errors.js';

/** A URL safe to print: the password is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

export async function connectPostgres(url: string): Promise<Warehouse> {
  const client = new pg.Client({ connectionString: url, application_name: 'health-pipeline' });
  try {
    await client.connect();
  } catch (e) {
    throw new PipelineError(
      'DB_UNREACHABLE',
      `cannot connect to ${redactUrl(url)}: ${(e as Error).message || String(e)}`,
      'check that the server is running and the URL is right, or omit --database-url to use the embedded database',
      { cause: e },
    );
  }
  // Numerics and bigints as JS numbers: the warehouse's counts and costs fit a double exactly.
  return new PgWarehouse(client);
}

class PgWarehouse implements Warehouse, WarehouseTx {
  readonly engine = 'postgres' as const;
  constructor(private readonly client: pg.Client) {}

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      const res = await this.client.query({ text: sql, values: [...params], types: numericAsNumber });
      return res.rows as T[];
    } catch (e) {
      throw dbFailed(e, sql);
    }
  }

  async script(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (e) {
      throw dbFailed(e, sql);
    }
  }

  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
    return inTransaction((sql) => this.client.query(sql), () => fn(this));
  }

  async copyCsv(table: string, columns: readonly string[], source: CsvSource): Promise<number> {
    const sql = copyStatement(table, columns, 'stdin', true);
    const copy = this.client.query(copyFrom(sql));
    try {
      await pipeline(await source.store.get(source.key), copy);
    } catch (e) {
      throw dbFailed(e, sql);
    }
    return Number(copy.rowCount ?? 0);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

const NUMERIC_OIDS = new Set([20, 1700]); // int8, numeric
const numericAsNumber = {
  getTypeParser: (oid: number, format?: string) =>
    NUMERIC_OIDS.has(oid) ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
} as pg.CustomTypesConfig;
