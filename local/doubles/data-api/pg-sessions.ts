// Data API double sessions on a real PostgreSQL server. Like the service's connection pool, each
// transaction holds its own connection from BeginTransaction to its end, and autocommit calls borrow
// one for the call, so calls of overlapping runs really overlap on the server. The call time limit
// is the server's statement_timeout (the statement is cancelled, as the Data API cancels it), and
// every connection runs in UTC, the default time zone of an Aurora cluster.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BoundStatement } from './parameters.js';
import { CallTimedOut, TYPE_CATALOGUE_SQL, TypeCatalogue, type DbSession, type RawResult, type SessionSource, type TransactionSession, type TypeInfo } from './sessions.js';

const QUERY_CANCELED = '57014';

/**
 * node-postgres reads `types` twice: as the parameter type OIDs of the Parse message (an array) and
 * as the result's type parsers (getTypeParser). One object serves both: declared parameter types, and
 * every result value left as the server's text.
 */
function protocolTypes(oids: readonly number[]): pg.CustomTypesConfig {
  return Object.assign([...oids], { getTypeParser: () => (text: string) => text }) as unknown as pg.CustomTypesConfig;
}

class PgSession implements DbSession {
  constructor(readonly client: pg.PoolClient) {}

  get connectionId(): number {
    return (this.client as unknown as { processID: number }).processID ?? 0;
  }

  async run(statement: BoundStatement): Promise<RawResult> {
    const values = statement.values.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v));
    try {
      const res = await this.client.query({
        text: statement.text,
        values,
        types: protocolTypes(statement.types),
        rowMode: 'array',
        queryMode: 'extended', // never the simple protocol, which would run several statements at once
      } as pg.QueryArrayConfig);
      return {
        fields: res.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
        rows: res.rows as (string | null)[][],
        command: res.command ?? '',
        affected: ['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'].includes(res.command) ? (res.rowCount ?? 0) : 0,
      };
    } catch (e) {
      throw (e as { code?: string }).code === QUERY_CANCELED ? new CallTimedOut(this.connectionId) : e;
    }
  }

  async copyFrom(target: string, options: string, data: () => Readable): Promise<number> {
    const copy = this.client.query(copyFrom(`copy ${target} from stdin ${options}`));
    try {
      await pipeline(data(), copy);
    } catch (e) {
      throw (e as { code?: string }).code === QUERY_CANCELED ? new CallTimedOut(this.connectionId) : e;
    }
    return Number(copy.rowCount ?? 0);
  }
}

class PgTransaction extends PgSession implements TransactionSession {
  private released = false;
  async commit(): Promise<void> {
    try {
      await this.client.query('commit');
    } finally {
      this.release();
    }
  }
  async rollback(): Promise<void> {
    try {
      await this.client.query('rollback');
    } finally {
      this.release();
    }
  }
  private release(): void {
    if (!this.released) this.client.release();
    this.released = true;
  }
}

export class PgSessions implements SessionSource {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly catalogue: TypeCatalogue;

  constructor(url: string, callTimeoutMs: number) {
    this.pool = new pg.Pool({ connectionString: url, max: 20, application_name: 'data-api-double', statement_timeout: callTimeoutMs, options: '-c TimeZone=UTC' });
    // An idle pooled connection can die with its server; the next borrow gets a fresh one.
    this.pool.on('error', () => undefined);
    this.catalogue = new TypeCatalogue(async () => (await this.pool.query(TYPE_CATALOGUE_SQL)).rows);
  }

  /** One call in its own transaction: a batch is atomic, and a cancelled call leaves nothing behind. */
  async autocommit<T>(fn: (session: DbSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      try {
        const out = await fn(new PgSession(client));
        await client.query('commit');
        return out;
      } catch (e) {
        await client.query('rollback').catch((r: Error) => (broken = r));
        throw e;
      }
    } finally {
      client.release(broken);
    }
  }

  async begin(): Promise<TransactionSession> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
    } catch (e) {
      client.release();
      throw e;
    }
    return new PgTransaction(client);
  }

  typeOf(oid: number): Promise<TypeInfo> {
    return this.catalogue.typeOf(oid);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
