// What the Data API double needs from a database: sessions that run one bound statement and return
// raw text values with their type OIDs, COPY FROM for the aws_s3 import, and the type catalogue.
// Two implementations: pg-sessions.ts (a real server; each transaction on its own connection) and
// pglite-sessions.ts (one in-process connection; transactions take turns).
import type { Readable } from 'node:stream';
import type { BoundStatement } from './parameters.js';

export interface RawResult {
  fields: { name: string; typeOid: number }[];
  /** Each value as PostgreSQL's text output (bytea as \x hex), null for NULL. */
  rows: (string | null)[][];
  /** The command tag's verb: SELECT, INSERT, UPDATE, ... */
  command: string;
  /** Rows the command affected (INSERT/UPDATE/DELETE/MERGE/COPY), else 0. */
  affected: number;
}

/** Thrown by a session when a statement ran past the call's time limit (and was stopped or undone). */
export class CallTimedOut extends Error {
  constructor(readonly connectionId: number) {
    super('statement timed out');
  }
}

export interface DbSession {
  /** The backend's id, reported in StatementTimeoutException.dbConnectionId. */
  readonly connectionId: number;
  run(statement: BoundStatement): Promise<RawResult>;
  /** COPY <target> FROM <the data> <options>, e.g. target 't (a, b)', options '(format csv)'; returns rows copied. */
  copyFrom(target: string, options: string, data: () => Readable): Promise<number>;
}

export interface TransactionSession extends DbSession {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface TypeInfo {
  name: string;
  /** For an array type, its element type; else undefined. */
  element?: TypeInfo;
}

export interface SessionSource {
  readonly engine: 'postgres' | 'pglite';
  /** Runs fn on a session for one autocommit call; a timed-out call leaves nothing behind. */
  autocommit<T>(fn: (session: DbSession) => Promise<T>): Promise<T>;
  /** A session reserved for one transaction until commit or rollback. */
  begin(): Promise<TransactionSession>;
  typeOf(oid: number): Promise<TypeInfo>;
  close(): Promise<void>;
}

/** The type catalogue, loaded once and reloaded when a type appears that it does not know. */
export class TypeCatalogue {
  private types = new Map<number, { name: string; elem: number; category: string }>();
  constructor(private readonly load: () => Promise<{ oid: number; name: string; elem: number; category: string }[]>) {}

  async typeOf(oid: number): Promise<TypeInfo> {
    if (!this.types.has(oid)) {
      this.types = new Map((await this.load()).map((t) => [t.oid, t]));
    }
    const t = this.types.get(oid);
    if (!t) return { name: `oid${oid}` };
    if (t.category === 'A' && t.elem !== 0) return { name: t.name, element: await this.typeOf(t.elem) };
    return { name: t.name };
  }
}

export const TYPE_CATALOGUE_SQL = 'select oid::int as oid, typname::text as name, typelem::int as elem, typcategory::text as category from pg_type';
