// Data API double sessions on PGlite. PGlite is one connection in this process, so transactions are
// serialised: a transaction holds the connection from BeginTransaction to its end, and an autocommit
// call (or another BeginTransaction) waits for it. A transaction left open is rolled back when the
// double's idle timer expires it, so a waiting call is never blocked for ever. Overlapping runs
// therefore take turns here; only Postgres (pg-sessions.ts) shows them really overlapping.
// PGlite runs a statement without yielding, so the call time limit is checked when it returns: a
// statement that ran too long is rolled back (autocommit calls run inside begin/commit for this) and
// reported as timed out, as the Data API would have cancelled it.
// PGlite's module is loaded when a session first opens the database (it weighs tens of MB), so a
// process that runs the doubles on a server never loads it.
import type { PGlite } from '@electric-sql/pglite';
import type { Readable } from 'node:stream';
import type { BoundStatement } from './parameters.js';
import { CallTimedOut, TYPE_CATALOGUE_SQL, TypeCatalogue, type DbSession, type RawResult, type SessionSource, type TransactionSession, type TypeInfo } from './sessions.js';

const PGLITE_CONNECTION_ID = 1;

/** First come, first served: each holder runs alone until it releases. */
class Turns {
  private tail: Promise<void> = Promise.resolve();
  take(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.tail;
    this.tail = before.then(() => mine);
    return before.then(() => release);
  }
}

class PgliteSession implements DbSession {
  readonly connectionId = PGLITE_CONNECTION_ID;
  constructor(
    private readonly db: PGlite,
    private readonly rawParsers: () => Promise<Record<number, (text: string) => string>>,
    private readonly callTimeoutMs: number,
  ) {}

  async run(statement: BoundStatement): Promise<RawResult> {
    const started = Date.now();
    const res = await this.db.query<unknown[]>(statement.text, statement.values, {
      paramTypes: statement.types,
      rowMode: 'array',
      parsers: await this.rawParsers(),
    });
    this.checkTime(started);
    const command = (res as { command?: string }).command ?? '';
    return {
      fields: res.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
      rows: res.rows as (string | null)[][],
      command,
      affected: res.affectedRows ?? 0,
    };
  }

  async copyFrom(target: string, options: string, data: () => Readable): Promise<number> {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of data()) chunks.push(Buffer.from(chunk as Uint8Array));
    const res = await this.db.query(`copy ${target} from '/dev/blob' ${options}`, [], { blob: new Blob([Buffer.concat(chunks)]) });
    this.checkTime(started);
    return res.affectedRows ?? 0;
  }

  private checkTime(started: number): void {
    if (Date.now() - started > this.callTimeoutMs) throw new CallTimedOut(this.connectionId);
  }
}

class PgliteTransaction extends PgliteSession implements TransactionSession {
  constructor(
    private readonly database: PGlite,
    rawParsers: () => Promise<Record<number, (text: string) => string>>,
    callTimeoutMs: number,
    private readonly release: () => void,
  ) {
    super(database, rawParsers, callTimeoutMs);
  }
  async commit(): Promise<void> {
    try {
      await this.database.exec('commit');
    } finally {
      this.release();
    }
  }
  async rollback(): Promise<void> {
    try {
      await this.database.exec('rollback');
    } finally {
      this.release();
    }
  }
}

export class PgliteSessions implements SessionSource {
  readonly engine = 'pglite' as const;
  private opened: Promise<PGlite> | undefined;
  private parsers: Promise<Record<number, (text: string) => string>> | undefined;
  private readonly turns = new Turns();
  private readonly catalogue = new TypeCatalogue(async () => (await (await this.db()).query<{ oid: number; name: string; elem: number; category: string }>(TYPE_CATALOGUE_SQL)).rows);

  constructor(
    private readonly dataDir: string,
    private readonly callTimeoutMs: number,
  ) {}

  async autocommit<T>(fn: (session: DbSession) => Promise<T>): Promise<T> {
    const db = await this.db();
    const release = await this.turns.take();
    try {
      await db.exec('begin');
      try {
        const out = await fn(new PgliteSession(db, () => this.rawParsers(), this.callTimeoutMs));
        await db.exec('commit');
        return out;
      } catch (e) {
        await db.exec('rollback').catch(() => undefined);
        throw e;
      }
    } finally {
      release();
    }
  }

  async begin(): Promise<TransactionSession> {
    const db = await this.db();
    const release = await this.turns.take();
    try {
      await db.exec('begin');
    } catch (e) {
      release();
      throw e;
    }
    return new PgliteTransaction(db, () => this.rawParsers(), this.callTimeoutMs, release);
  }

  typeOf(oid: number): Promise<TypeInfo> {
    return this.catalogue.typeOf(oid);
  }

  async close(): Promise<void> {
    if (this.opened) await (await this.opened).close();
  }

  private db(): Promise<PGlite> {
    return (this.opened ??= (async () => {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = new PGlite(this.dataDir);
      await db.waitReady;
      await db.exec("set timezone = 'UTC'");
      return db;
    })());
  }

  /**
   * PGlite parses results by type OID, falling back to its defaults; a parser for every type in the
   * catalogue that returns the text unchanged leaves each value as the server's text output.
   */
  private rawParsers(): Promise<Record<number, (text: string) => string>> {
    return (this.parsers ??= (async () => {
      const db = await this.db();
      const oids = (await db.query<{ oid: number }>('select oid::int as oid from pg_type')).rows;
      return Object.fromEntries(oids.map((r) => [r.oid, (text: string) => text]));
    })());
  }
}
