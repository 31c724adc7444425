// The ports a step needs. Steps see only these interfaces; adapters (local, pg, PGlite, AWS) implement them.
import type { Readable } from 'node:stream';

/** Object storage: S3 in the cloud, a folder offline. Keys use '/' separators. */
export interface BlobStore {
  /** Streams an object. Rejects with a PipelineError (code BLOB_NOT_FOUND) naming the key when absent. */
  get(key: string): Promise<Readable>;
  /** Streams bytes [start, end) of an object (end past its end: to its end); a store without it is read from the top. */
  getRange?(key: string, start: number, end: number): Promise<Readable>;
  /** Writes an object from a stream; resolves when it is durably stored. */
  put(key: string, body: Readable | string | Uint8Array, contentType?: string): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  exists(key: string): Promise<boolean>;
  /** An object's size in bytes, for a store that knows it without reading the object (a file's stat). */
  size?(key: string): Promise<number>;
  /** Where a key lives, for messages and for engines that import straight from storage (Aurora's aws_s3). */
  locate(key: string): BlobLocation;
}

export type BlobLocation =
  | { kind: 'file'; path: string }
  | { kind: 's3'; bucket: string; key: string; region?: string };

export type Row = Record<string, unknown>;

/** A SQL executor: Postgres via node-postgres, PGlite in-process, or Aurora's Data API. */
export interface Sql {
  /** One statement with $1..$n parameters. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Warehouse extends Sql {
  /** Which engine this is, for the few places where SQL must differ (bulk load) and for summaries. */
  readonly engine: 'pglite' | 'postgres' | 'aurora-data-api';
  /** A script of several statements (migrations, models), run in order. */
  script(sql: string): Promise<void>;
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface WarehouseTx extends Sql {
  script(sql: string): Promise<void>;
  /**
   * Bulk-loads a headed CSV object into a table (COPY locally, aws_s3.table_import_from_s3 on Aurora).
   * Columns are the CSV's header order. Returns the number of rows loaded.
   */
  copyCsv(table: string, columns: readonly string[], source: CsvSource): Promise<number>;
}

export interface CsvSource {
  store: BlobStore;
  key: string;
}

export interface SqlFile {
  /** File name without folder, e.g. `001_schema.sql`. */
  name: string;
  sql: string;
}

/** The SQL shipped with the pipeline (sql/ in the repo, copied beside the Lambda bundle). */
export interface SqlSource {
  migrations(): Promise<SqlFile[]>;
  models(): Promise<SqlFile[]>;
  dataTests(): Promise<SqlFile[]>;
}

/** The secret behind pseudonyms. Secrets Manager in the cloud, a key file offline. */
export interface KeyProvider {
  /** The HMAC key bytes (at least 32): the first master key. */
  pseudonymKey(): Promise<Uint8Array>;
  /**
   * Every master key, oldest first, once the key has been rotated (npm run rotate-key appends one).
   * A provider without rotation support omits it: the chain is then [pseudonymKey()].
   */
  keyChain?(): Promise<readonly Uint8Array[]>;
}

/** Progress of long work; the CLI draws it on a terminal, Lambda logs it, --json silences it. */
export interface Progress {
  start(step: string, total?: number): void;
  advance(step: string, rowsDone: number): void;
  done(step: string, detail?: string): void;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Randomness as a port so DP noise can be crypto-secure in production and seeded in tests. */
export interface RandomSource {
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
}

export const silentProgress: Progress = { start() {}, advance() {}, done() {} };
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
