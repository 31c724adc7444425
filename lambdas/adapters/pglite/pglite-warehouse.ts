// Warehouse on PGlite: PostgreSQL compiled to WebAssembly, in this process, persisted in a folder.
// The embedded default: no server, no Docker.
import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PipelineError } from '../../core/errors.js';
import type { CsvSource, Row, Warehouse, WarehouseTx } from '../../ports.js';
import { copyStatement, dbFailed, inTransaction } from '../sql-errors.js';

/** COPY is fed in pieces of about this size so memory stays flat whatever the file size. */
const COPY_CHUNK_BYTES = 8 << 20;

export async function openPglite(dataDir?: string): Promise<Warehouse> {
  try {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const db = new PGlite(dataDir, { parsers: { 20: Number, 1700: Number } });
    await db.waitReady;
    return new PgliteWarehouse(db);
  } catch (e) {
    throw new PipelineError(
      'DB_UNREACHABLE',
      `cannot open the embedded database${dataDir ? ` in ${dataDir}` : ''}: ${(e as Error).message}`,
      'another process may hold it open (close it), or delete the folder to start afresh',
      { cause: e },
    );
  }
}

class PgliteWarehouse implements Warehouse, WarehouseTx {
  readonly engine = 'pglite' as const;
  constructor(readonly db: PGlite) {}

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return (await this.db.query<T>(sql, [...params])).rows;
    } catch (e) {
      throw dbFailed(e, sql);
    }
  }

  async script(sql: string): Promise<void> {
    try {
      await this.db.exec(sql);
    } catch (e) {
      throw dbFailed(e, sql);
    }
  }

  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
    return inTransaction((sql) => this.db.exec(sql), () => fn(this));
  }

  async copyCsv(table: string, columns: readonly string[], source: CsvSource): Promise<number> {
    const sql = copyStatement(table, columns, '/dev/blob', false);
    let rows = 0;
    for await (const chunk of csvChunks(await source.store.get(source.key))) {
      try {
        const res = await this.db.query(sql, [], { blob: new Blob([new Uint8Array(chunk)]) });
        rows += res.affectedRows ?? 0;
      } catch (e) {
        throw dbFailed(e, sql);
      }
    }
    return rows;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Splits a headed CSV stream into header-less pieces that end on a line break. Clean files hold one
 * record per line (the anonymiser collapses line breaks inside fields), so a line is a record.
 */
async function* csvChunks(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  let headerSkipped = false;
  for await (const data of input) {
    let buf = Buffer.from(data as Uint8Array);
    if (!headerSkipped) {
      pending.push(buf);
      const joined = Buffer.concat(pending);
      const nl = joined.indexOf(10);
      if (nl < 0) continue;
      buf = joined.subarray(nl + 1);
      pending = [];
      headerSkipped = true;
    }
    pending.push(buf);
    size += buf.length;
    if (size >= COPY_CHUNK_BYTES) {
      const joined = Buffer.concat(pending);
      const cut = joined.lastIndexOf(10) + 1;
      if (cut > 0) yield joined.subarray(0, cut);
      pending = [joined.subarray(cut)];
      size = pending[0]!.length;
    }
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) yield rest;
}
