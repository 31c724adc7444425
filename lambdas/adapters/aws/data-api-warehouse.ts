// Warehouse on Aurora PostgreSQL through the RDS Data API (HTTPS, IAM + Secrets Manager; no VPC access
// or connection pool needed). Data API limits that shape this adapter:
//   - one statement per call           -> script() splits with dbgate-query-splitter (dollar quotes safe)
//   - no array parameters              -> pass JSON and unnest in SQL
//   - 1 MiB per response               -> a SELECT with ORDER BY that overflows is re-read in pages
//                                         (outside a transaction: the error ends a transaction)
//   - 64 KB per row                    -> a clear error; read a large value in parts
//   - 45 s per call, 4 MiB per request -> bulk rows never travel here; copyCsv imports from S3
//   - transactions roll back after 3 min idle; a 0-ACU cluster first answers DatabaseResumingException
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type ExecuteStatementCommandOutput,
  type RDSDataClient,
} from '@aws-sdk/client-rds-data';
import splitter from 'dbgate-query-splitter';
import { PipelineError, isPipelineError } from '../../core/errors.js';
import type { CsvSource, Row, Warehouse, WarehouseTx } from '../../ports.js';
import { toNamedParameters, toSqlParameters } from './data-api-params.js';
import { mapFormattedRecords, mapRecords } from './data-api-results.js';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './data-api-retry.js';

export interface DataApiWarehouseProps {
  client: RDSDataClient;
  /** ARN of the Aurora cluster (Data API enabled). */
  resourceArn: string;
  /** ARN of the Secrets Manager secret with the database credentials. */
  secretArn: string;
  database: string;
  /** Region for aws_commons.create_s3_uri when a blob location does not name one. @default 'us-east-1' */
  region?: string;
  /** 'records' maps typed Fields (numeric as string, dates as Date); 'json' returns the Data API's JSON. @default 'records' */
  resultFormat?: 'records' | 'json';
  /** Rows per page when a SELECT overflows the 1 MiB response limit. @default 1000 */
  pageSize?: number;
  /** Backoff for DatabaseResumingException / throttling. @default defaultRetryPolicy */
  retry?: RetryPolicy;
  /** Injected for tests. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const splitOptions = splitter.postgreSplitterOptions;

/** Splits a script into statements; comment-only pieces are dropped. */
export function splitStatements(sql: string): string[] {
  return splitter
    .splitQuery(sql, splitOptions)
    .map((item) => (typeof item === 'string' ? item : item.text))
    .filter((statement) => stripComments(statement).trim() !== '');
}

const stripComments = (s: string): string => s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');

// The two size limits answer BadRequestException: "Packet for query is too large" (a row over 64 KB) and
// "Database response exceeded size limit" (over 1 MiB). data-api.troubleshooting.html
const isBadRequest = (e: unknown, message: RegExp): boolean => (e as { name?: string })?.name === 'BadRequestException' && message.test((e as Error).message ?? '');
const isRowTooLarge = (e: unknown): boolean => isBadRequest(e, /packet for query is too large/i);
const isResponseTooLarge = (e: unknown): boolean => !isRowTooLarge(e) && isBadRequest(e, /response size|too large|exceed/i);

export class DataApiWarehouse implements Warehouse {
  readonly engine = 'aurora-data-api' as const;
  private readonly props: Required<Omit<DataApiWarehouseProps, 'region'>> & { region: string };

  constructor(props: DataApiWarehouseProps) {
    for (const key of ['resourceArn', 'secretArn', 'database'] as const) {
      if (!props[key]) throw new PipelineError('BAD_CONFIG', `DataApiWarehouse needs ${key}.`, 'Bind the warehouse to this function in the CDK app (bindWarehouse).');
    }
    this.props = {
      region: 'us-east-1',
      resultFormat: 'records',
      pageSize: 1000,
      retry: defaultRetryPolicy,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...props,
    };
  }

  query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.select<T>(sql, params, undefined);
  }

  async script(sql: string): Promise<void> {
    for (const statement of splitStatements(sql)) await this.execute(statement, [], undefined);
  }

  async transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T> {
    const { resourceArn, secretArn, database } = this.props;
    const begun = await this.send(() => this.props.client.send(new BeginTransactionCommand({ resourceArn, secretArn, database })), 'begin transaction');
    const transactionId = begun.transactionId;
    if (!transactionId) throw new PipelineError('DB_FAILED', 'BeginTransaction returned no transaction id.');
    const tx: WarehouseTx = {
      query: <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => this.select<R>(sql, params, transactionId),
      script: async (sql) => {
        for (const statement of splitStatements(sql)) await this.execute(statement, [], transactionId);
      },
      copyCsv: (table, columns, source) => this.copyCsv(table, columns, source, transactionId),
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      await this.send(() => this.props.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId })), 'rollback').catch(() => {
        // The Data API rolls back an abandoned transaction itself after 3 minutes; the original error matters more.
      });
      throw e;
    }
    await this.send(() => this.props.client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId })), 'commit');
    return result;
  }

  async close(): Promise<void> {
    // Nothing to release: the Data API is stateless HTTPS. The client is shared and owned by the caller.
  }

  /** aws_s3.table_import_from_s3 on Aurora; the cluster role must read the bucket and decrypt its key. */
  private async copyCsv(table: string, columns: readonly string[], source: CsvSource, transactionId: string | undefined): Promise<number> {
    const location = source.store.locate(source.key);
    if (location.kind !== 's3') {
      throw new PipelineError('BAD_CONFIG', `copyCsv on Aurora needs an S3 object, but ${source.key} is a ${location.kind}.`, 'Give the load step the S3 clean store.');
    }
    const rows = await this.select<{ imported: string }>(
      "select aws_s3.table_import_from_s3($1, $2, '(format csv, header true)', aws_commons.create_s3_uri($3, $4, $5)) as imported",
      [table, columns.join(','), location.bucket, location.key, location.region ?? this.props.region],
      transactionId,
    );
    const imported = /^(\d+) rows? imported/.exec(String(rows[0]?.imported ?? ''));
    if (!imported) throw new PipelineError('DB_FAILED', `Unexpected answer from aws_s3.table_import_from_s3 for ${table}: ${JSON.stringify(rows[0])}.`);
    return Number(imported[1]);
  }

  private async select<T extends Row>(sql: string, params: readonly unknown[], transactionId: string | undefined): Promise<T[]> {
    try {
      return this.rows<T>(await this.execute(sql, params, transactionId, true));
    } catch (e) {
      if (isPipelineError(e) && isRowTooLarge(e.cause)) {
        throw new PipelineError('DB_FAILED', `A row of this result is over the Data API's 64 KB per-row limit: ${preview(sql)}`, 'Select fewer or smaller columns, or read a large value in parts (substring).', { cause: e.cause });
      }
      if (!isPipelineError(e) || !isResponseTooLarge(e.cause)) throw e;
      if (transactionId) {
        // The error has already ended the transaction (the Data API aborts it), so nothing can be re-read in it.
        throw new PipelineError('DB_FAILED', `The result of this query exceeds the Data API's 1 MiB response limit inside a transaction: ${preview(sql)}`, 'Select fewer rows or columns, or page the query yourself (ORDER BY ... LIMIT/OFFSET).', { cause: e.cause });
      }
      if (!/^\s*(select|with)\b/i.test(sql) || !/\border\s+by\b/i.test(sql)) {
        throw new PipelineError('DB_FAILED', `The result of this query exceeds the Data API's 1 MiB response limit: ${preview(sql)}`, 'Add an ORDER BY so it can be read in pages, or select fewer columns or rows.', { cause: e.cause });
      }
      return this.selectPaged<T>(sql, params, transactionId);
    }
  }

  /** Re-reads an ordered SELECT as LIMIT/OFFSET pages, each well under the 1 MiB limit. */
  private async selectPaged<T extends Row>(sql: string, params: readonly unknown[], transactionId: string | undefined): Promise<T[]> {
    const all: T[] = [];
    const size = this.props.pageSize;
    const n = params.length;
    for (let offset = 0; ; offset += size) {
      const page = this.rows<T>(
        await this.execute(`select * from (${sql}) as paged limit $${n + 1} offset $${n + 2}`, [...params, size, offset], transactionId, true),
      );
      all.push(...page);
      if (page.length < size) return all;
    }
  }

  private rows<T extends Row>(out: ExecuteStatementCommandOutput): T[] {
    return this.props.resultFormat === 'json'
      ? mapFormattedRecords<T>(out.formattedRecords)
      : mapRecords<T>(out.columnMetadata ?? [], out.records ?? []);
  }

  private execute(sql: string, params: readonly unknown[], transactionId: string | undefined, wantRows = false): Promise<ExecuteStatementCommandOutput> {
    const { client, resourceArn, secretArn, database, resultFormat } = this.props;
    const command = new ExecuteStatementCommand({
      resourceArn,
      secretArn,
      database,
      sql: toNamedParameters(sql),
      ...(params.length > 0 ? { parameters: toSqlParameters(params) } : {}),
      ...(transactionId ? { transactionId } : {}),
      ...(wantRows
        ? resultFormat === 'json'
          ? { formatRecordsAs: 'JSON' as const, resultSetOptions: { decimalReturnType: 'STRING' as const } }
          : { includeResultMetadata: true, resultSetOptions: { decimalReturnType: 'STRING' as const } }
        : {}),
    });
    return this.send(() => client.send(command), sql);
  }

  private async send<T>(call: () => Promise<T>, what: string): Promise<T> {
    try {
      return await withRetry(call, this.props.retry, this.props.sleep);
    } catch (e) {
      if (isPipelineError(e)) throw e;
      throw new PipelineError('DB_FAILED', `Data API call failed (${(e as Error).name}: ${(e as Error).message}) for: ${preview(what)}`, undefined, { cause: e });
    }
  }
}

const preview = (sql: string): string => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
};
