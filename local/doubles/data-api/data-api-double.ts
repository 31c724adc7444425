// An RDS Data API double for Aurora PostgreSQL that runs every call on a real database (a PostgreSQL
// server, or PGlite) with the service's documented semantics, taking and returning the SDK's command
// shapes. Wired in process with aws-sdk-client-mock (test/helpers/doubles) or served over HTTP
// (data-api-http.ts) for bundled handlers and `npm run simulate -- --engine data-api`.
//
// What it enforces, and where the service documents it:
//   - parameters: named (:name) only, each typed by its Field member and typeHint (parameters.ts);
//     array parameters refused. API_SqlParameter.html, API_ExecuteStatement.html
//   - one statement per call: the statement goes through the extended protocol, which refuses several.
//     data-api.troubleshooting.html ("Multi-statements aren't supported")
//   - responses: records as Field unions, columnMetadata when asked, formattedRecords for JSON,
//     numberOfRecordsUpdated; 1 MiB per response, 64 KB per row (results.ts). data-api.limitations.html
//   - 4 MiB per request: "the maximum size of the HTTP request submitted through the Data API is 4 MiB".
//     API_BatchExecuteStatement.html
//   - 45 s per call: StatementTimeoutException, the statement stopped (settable: limits.callTimeoutMs).
//     data-api.html ("If a call takes longer than 45 seconds...")
//   - transactions: "A transaction times out if no calls use its transaction ID in three minutes" and
//     "can run for a maximum of 24 hours" (settable), then rolls back; an error in a call aborts the
//     transaction; an unknown, finished, expired or aborted id is TransactionNotFoundException; a call
//     on a transaction still running another is refused ("Transaction is still running a query").
//     API_BeginTransaction.html, data-api.troubleshooting.html
//   - the call names the cluster, secret and database it was started with (HttpEndpointNotEnabled,
//     SecretsError, database does not exist); `schema` is refused ("Schema parameter isn't supported").
//   - generatedFields is never returned ("isn't supported by Aurora PostgreSQL").
//   - aws_s3.table_import_from_s3 reads from the S3 double (s3-import.ts).
// On Postgres each transaction holds its own connection (pg-sessions.ts); on PGlite, one connection,
// transactions are serialised (pglite-sessions.ts).
// Not enforced: IAM and the secret's contents (the double connects with the URL it was given),
// DatabaseResumingException (a paused cluster), throttling, continueAfterTimeout (the statement is
// stopped at the limit either way), result types the Data API cannot return (UnsupportedResultException:
// every type comes back, as text when nothing better fits).
import { randomBytes } from 'node:crypto';
import type {
  BatchExecuteStatementCommandInput,
  BatchExecuteStatementCommandOutput,
  BeginTransactionCommandInput,
  BeginTransactionCommandOutput,
  CommitTransactionCommandInput,
  CommitTransactionCommandOutput,
  ExecuteStatementCommandInput,
  RollbackTransactionCommandInput,
  RollbackTransactionCommandOutput,
} from '@aws-sdk/client-rds-data';
import type { S3Double } from '../s3/s3-double.js';
import {
  badRequest,
  databaseError,
  endpointNotEnabled,
  fromPostgres,
  secretsError,
  statementTimeout,
  transactionBusy,
  transactionNotFound,
  type TransactionEnd,
} from './errors.js';
import { bindParameters } from './parameters.js';
import { DEFAULT_RESULT_LIMITS, shapeResult, type ResultLimits, type StatementOutput } from './results.js';
import { isCreateAwsS3Extension, parseS3Import, runS3Import } from './s3-import.js';
import { CallTimedOut, type DbSession, type SessionSource, type TransactionSession } from './sessions.js';

export interface DataApiLimits extends ResultLimits {
  /** @default 45 000 ms */
  callTimeoutMs: number;
  /** A transaction no call has used for this long is rolled back. @default 3 minutes */
  transactionIdleMs: number;
  /** A transaction older than this is rolled back. @default 24 hours */
  transactionMaxMs: number;
  /** @default 4 MiB */
  requestBytes: number;
}

export const DEFAULT_DATA_API_LIMITS: DataApiLimits = {
  ...DEFAULT_RESULT_LIMITS,
  callTimeoutMs: 45_000,
  transactionIdleMs: 3 * 60_000,
  transactionMaxMs: 24 * 60 * 60_000,
  requestBytes: 4 * 1024 * 1024,
};

export interface DataApiTarget {
  /** The cluster ARN calls must name. */
  resourceArn: string;
  /** Secret ARNs calls may name. */
  secretArns: readonly string[];
  /** The database calls may name (or omit). */
  database: string;
}

export interface DataApiDoubleOptions extends DataApiTarget {
  sessions: SessionSource;
  /** Where aws_s3.table_import_from_s3 reads objects. */
  s3?: S3Double;
  limits?: Partial<DataApiLimits>;
}

type Out<T> = Omit<T, '$metadata'>;

interface OpenTransaction {
  session: TransactionSession;
  busy: boolean;
  started: number;
  idle?: NodeJS.Timeout;
  ending?: Promise<void>;
}

export class DataApiDouble {
  readonly limits: DataApiLimits;
  private readonly open = new Map<string, OpenTransaction>();
  private readonly ended = new Map<string, TransactionEnd>();

  constructor(private readonly o: DataApiDoubleOptions) {
    this.limits = { ...DEFAULT_DATA_API_LIMITS, ...o.limits };
  }

  get engine(): 'postgres' | 'pglite' {
    return this.o.sessions.engine;
  }

  async executeStatement(input: ExecuteStatementCommandInput): Promise<StatementOutput> {
    this.checkCall(input);
    if (!input.sql?.trim()) throw badRequest('SQL statement is required.');
    if (isCreateAwsS3Extension(input.sql)) {
      // The extension's schemas exist, as on Aurora, so grants on them work; the import itself is the
      // double's (runS3Import), never a function in them.
      return this.onSession(input.transactionId, async (session) => {
        for (const schema of ['aws_commons', 'aws_s3']) await session.run(bindParameters(`create schema if not exists ${schema}`, []));
        return { numberOfRecordsUpdated: 0 };
      });
    }
    const s3Import = parseS3Import(input.sql, input.parameters);
    const bound = s3Import ? undefined : bindParameters(input.sql, input.parameters);
    return this.onSession(input.transactionId, async (session) => {
      const raw = s3Import ? await runS3Import(session, this.o.s3, s3Import) : await session.run(bound!);
      const types = await Promise.all(raw.fields.map((f) => this.o.sessions.typeOf(f.typeOid)));
      return shapeResult(raw, types, input, this.limits);
    });
  }

  /** Runs the statement once per parameter set, atomically; "Array parameters are not supported". */
  async batchExecuteStatement(input: BatchExecuteStatementCommandInput): Promise<Out<BatchExecuteStatementCommandOutput>> {
    this.checkCall(input);
    if (!input.sql?.trim()) throw badRequest('SQL statement is required.');
    const sets = input.parameterSets ?? [];
    if (sets.length === 0) throw badRequest('Parameter sets are required: pass one or more (empty ones to run a statement without parameters), or use ExecuteStatement.');
    const bound = sets.map((set) => bindParameters(input.sql as string, set));
    return this.onSession(input.transactionId, async (session) => {
      for (const statement of bound) await session.run(statement);
      return { updateResults: bound.map(() => ({ generatedFields: [] })) };
    });
  }

  async beginTransaction(input: BeginTransactionCommandInput): Promise<Out<BeginTransactionCommandOutput>> {
    this.checkCall(input);
    let session: TransactionSession;
    try {
      session = await this.o.sessions.begin();
    } catch (e) {
      throw fromPostgres(e);
    }
    const id = randomBytes(48).toString('base64');
    const tx: OpenTransaction = { session, busy: false, started: Date.now() };
    this.open.set(id, tx);
    this.armIdleTimer(id, tx);
    return { transactionId: id };
  }

  async commitTransaction(input: CommitTransactionCommandInput): Promise<Out<CommitTransactionCommandOutput>> {
    this.checkCall(input);
    const id = input.transactionId ?? '';
    const tx = this.take(id);
    tx.busy = true; // a call arriving during the commit is refused, as during any call
    try {
      await tx.session.commit();
    } catch (e) {
      this.forget(id, tx, 'aborted');
      throw fromPostgres(e);
    }
    this.forget(id, tx, 'ended');
    return { transactionStatus: 'Transaction Committed' };
  }

  async rollbackTransaction(input: RollbackTransactionCommandInput): Promise<Out<RollbackTransactionCommandOutput>> {
    this.checkCall(input);
    const id = input.transactionId ?? '';
    const tx = this.take(id);
    await this.end(id, tx, 'ended');
    return { transactionStatus: 'Rollback Complete' };
  }

  /** Transactions begun and not yet ended (committed, rolled back, aborted or expired). */
  openTransactions(): number {
    return this.open.size;
  }

  /** Rolls back what is still open and closes the database connections. */
  async close(): Promise<void> {
    for (const [id, tx] of [...this.open]) await this.end(id, tx, 'ended');
    await this.o.sessions.close();
  }

  private checkCall(input: { resourceArn?: string; secretArn?: string; database?: string; schema?: string; sql?: string }): void {
    if (input.resourceArn !== this.o.resourceArn) throw endpointNotEnabled(input.resourceArn);
    if (!input.secretArn || !this.o.secretArns.includes(input.secretArn)) throw secretsError(input.secretArn);
    if (input.database !== undefined && input.database !== this.o.database) throw databaseError(`FATAL: database "${input.database}" does not exist`, '3D000');
    if (input.schema !== undefined) throw badRequest('The schema parameter isn\'t supported.');
    const size = Buffer.byteLength(JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)));
    if (size > this.limits.requestBytes) throw badRequest(`Request size ${size} bytes exceeds the Data API's limit of ${this.limits.requestBytes} bytes.`);
  }

  /** Runs one call on its transaction's session, or on a session of its own (autocommit). */
  private async onSession<T>(transactionId: string | undefined, fn: (session: DbSession) => Promise<T>): Promise<T> {
    if (!transactionId) {
      try {
        return await this.o.sessions.autocommit(fn);
      } catch (e) {
        throw asServiceError(e);
      }
    }
    const tx = this.take(transactionId);
    tx.busy = true;
    try {
      const out = await fn(tx.session);
      tx.busy = false;
      if (Date.now() - tx.started > this.limits.transactionMaxMs) await this.end(transactionId, tx, 'expired');
      else this.armIdleTimer(transactionId, tx);
      return out;
    } catch (e) {
      tx.busy = false;
      await this.end(transactionId, tx, 'aborted');
      throw asServiceError(e);
    }
  }

  /** The open transaction behind an id, or the error the service gives for that id. */
  private take(id: string): OpenTransaction {
    const tx = this.open.get(id);
    if (!tx) throw transactionNotFound(id, this.ended.get(id) ?? 'unknown');
    if (tx.busy) throw transactionBusy();
    if (tx.idle) clearTimeout(tx.idle);
    if (Date.now() - tx.started > this.limits.transactionMaxMs) {
      void this.end(id, tx, 'expired');
      throw transactionNotFound(id, 'expired');
    }
    return tx;
  }

  private armIdleTimer(id: string, tx: OpenTransaction): void {
    if (tx.idle) clearTimeout(tx.idle);
    const lifeLeft = this.limits.transactionMaxMs - (Date.now() - tx.started);
    tx.idle = setTimeout(() => {
      if (!tx.busy) void this.end(id, tx, 'expired');
    }, Math.max(0, Math.min(this.limits.transactionIdleMs, lifeLeft)));
    tx.idle.unref();
  }

  private end(id: string, tx: OpenTransaction, why: TransactionEnd): Promise<void> {
    if (this.open.get(id) !== tx) return tx.ending ?? Promise.resolve();
    this.forget(id, tx, why);
    tx.ending = tx.session.rollback().catch(() => undefined);
    return tx.ending;
  }

  private forget(id: string, tx: OpenTransaction, why: TransactionEnd): void {
    if (tx.idle) clearTimeout(tx.idle);
    this.open.delete(id);
    this.ended.set(id, why);
  }
}

function asServiceError(e: unknown): Error {
  if (e instanceof CallTimedOut) return statementTimeout(e.connectionId);
  if ((e as { $metadata?: unknown })?.$metadata) return e as Error; // already the service's error
  return fromPostgres(e);
}
