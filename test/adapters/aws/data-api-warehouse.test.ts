import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseResumingException,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { toNamedParameters, toSqlParameters } from '../../../lambdas/adapters/aws/data-api-params.js';
import { DataApiWarehouse, splitStatements } from '../../../lambdas/adapters/aws/data-api-warehouse.js';
import type { BlobStore } from '../../../lambdas/ports.js';

const rds = mockClient(RDSDataClient);
const target = { resourceArn: 'arn:cluster', secretArn: 'arn:secret', database: 'warehouse' };
const sleeps: number[] = [];
const warehouse = (extra = {}) =>
  new DataApiWarehouse({ client: new RDSDataClient({ region: 'eu-west-1' }), ...target, region: 'eu-west-1', sleep: async (ms) => void sleeps.push(ms), ...extra });
const executed = () => rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);

afterEach(() => {
  rds.reset();
  sleeps.length = 0;
});

describe('Function: toNamedParameters', () => {
  it.each([
    ['select * from t where a = $1 and b = $2', 'select * from t where a = :p1 and b = :p2'],
    ["select '$1', \"$2\" from t where x = $3", "select '$1', \"$2\" from t where x = :p3"],
    ['create function f() returns int as $$ select $1 $$ language sql; select $1::int', 'create function f() returns int as $$ select $1 $$ language sql; select :p1::int'],
    ['select $tag$ $1 $tag$, $10 -- $2\n/* $3 */', 'select $tag$ $1 $tag$, :p10 -- $2\n/* $3 */'],
  ])('%s', (sql, expected) => expect(toNamedParameters(sql)).toBe(expected));
});

describe('Function: toSqlParameters', () => {
  it('maps each JS type to a typed Data API field', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(
      toSqlParameters(['text', 42, 1.5, true, null, undefined, new Date('2025-03-04T05:06:07.089Z'), 12n, 2n ** 70n, bytes, { a: 1 }]),
    ).toEqual([
      { name: 'p1', value: { stringValue: 'text' } },
      { name: 'p2', value: { longValue: 42 } },
      { name: 'p3', value: { doubleValue: 1.5 } },
      { name: 'p4', value: { booleanValue: true } },
      { name: 'p5', value: { isNull: true } },
      { name: 'p6', value: { isNull: true } },
      { name: 'p7', value: { stringValue: '2025-03-04 05:06:07.089' }, typeHint: 'TIMESTAMP' },
      { name: 'p8', value: { longValue: 12 } },
      { name: 'p9', value: { stringValue: '1180591620717411303424' }, typeHint: 'DECIMAL' },
      { name: 'p10', value: { blobValue: bytes } },
      { name: 'p11', value: { stringValue: '{"a":1}' }, typeHint: 'JSON' },
    ]);
  });

  it('refuses arrays with a hint', () => {
    expect(() => toSqlParameters([[1, 2]])).toThrow(/no array parameters/);
  });
});

describe('Class: DataApiWarehouse', () => {
  describe('Method: query', () => {
    it('sends named parameters and maps typed results (numeric as string, dates, nulls, json)', async () => {
      rds.on(ExecuteStatementCommand).resolves({
        columnMetadata: [
          { name: 'id', typeName: 'text' },
          { name: 'cost', typeName: 'numeric' },
          { name: 'visits', typeName: 'int8' },
          { name: 'visit_date', typeName: 'date' },
          { name: 'loaded_at', typeName: 'timestamptz' },
          { name: 'note', typeName: 'text' },
          { name: 'meta', typeName: 'jsonb' },
          { name: 'ok', typeName: 'bool' },
          { name: 'ratio', typeName: 'float8' },
        ],
        records: [
          [
            { stringValue: 'p1' },
            { stringValue: '1234.50' },
            { longValue: 7 },
            { stringValue: '2025-01-31' },
            { stringValue: '2025-01-31 10:11:12.5' },
            { isNull: true },
            { stringValue: '{"k":[1]}' },
            { booleanValue: false },
            { doubleValue: 0.25 },
          ],
        ],
      });
      const rows = await warehouse().query('select * from fact_visits where patient_id = $1 and visit_date >= $2::date', ['p1', '2025-01-01']);
      expect(rows).toEqual([
        {
          id: 'p1',
          cost: '1234.50',
          visits: 7,
          visit_date: new Date('2025-01-31T00:00:00.000Z'),
          loaded_at: new Date('2025-01-31T10:11:12.500Z'),
          note: null,
          meta: { k: [1] },
          ok: false,
          ratio: 0.25,
        },
      ]);
      expect(executed()).toEqual([
        {
          ...target,
          sql: 'select * from fact_visits where patient_id = :p1 and visit_date >= :p2::date',
          parameters: [
            { name: 'p1', value: { stringValue: 'p1' } },
            { name: 'p2', value: { stringValue: '2025-01-01' } },
          ],
          includeResultMetadata: true,
          resultSetOptions: { decimalReturnType: 'STRING' },
        },
      ]);
    });

    it('reads JSON-formatted records when asked', async () => {
      rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"n":1}]' });
      expect(await warehouse({ resultFormat: 'json' }).query('select 1 as n')).toEqual([{ n: 1 }]);
      expect(executed()[0]).toMatchObject({ formatRecordsAs: 'JSON' });
    });

    it('retries DatabaseResumingException and throttling with backoff, then succeeds', async () => {
      rds
        .on(ExecuteStatementCommand)
        .rejectsOnce(new DatabaseResumingException({ message: 'resuming', $metadata: {} }))
        .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
        .resolves({ columnMetadata: [{ name: 'n', typeName: 'int4' }], records: [[{ longValue: 1 }]] });
      expect(await warehouse().query('select 1 as n')).toEqual([{ n: 1 }]);
      expect(executed()).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('gives up with DB_UNREACHABLE after the retry budget', async () => {
      rds.on(ExecuteStatementCommand).rejects(new DatabaseResumingException({ message: 'resuming', $metadata: {} }));
      await expect(warehouse({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }).query('select 1')).rejects.toMatchObject({ code: 'DB_UNREACHABLE' });
      expect(executed()).toHaveLength(3);
    });

    it('re-reads an ordered SELECT in pages when the response exceeds 1 MiB', async () => {
      const tooLarge = Object.assign(new Error('Database returned more than the allowed response size limit'), { name: 'BadRequestException' });
      const page = (ids: number[]) => ({ columnMetadata: [{ name: 'id', typeName: 'int4' }], records: ids.map((id) => [{ longValue: id }]) });
      rds.on(ExecuteStatementCommand).rejectsOnce(tooLarge).resolvesOnce(page([1, 2])).resolvesOnce(page([3]));
      const rows = await warehouse({ pageSize: 2 }).query('select id from t where x = $1 order by id', ['a']);
      expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(executed()[1]).toMatchObject({
        sql: 'select * from (select id from t where x = :p1 order by id) as paged limit :p2 offset :p3',
        parameters: [{ name: 'p1', value: { stringValue: 'a' } }, { name: 'p2', value: { longValue: 2 } }, { name: 'p3', value: { longValue: 0 } }],
      });
      expect(executed()[2]?.parameters?.[2]).toEqual({ name: 'p3', value: { longValue: 2 } });
    });

    it('does not re-read in pages inside a transaction, which the error has already ended', async () => {
      rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-9' });
      rds.on(ExecuteStatementCommand).rejects(Object.assign(new Error('Database response exceeded size limit'), { name: 'BadRequestException' }));
      rds.on(RollbackTransactionCommand).resolves({});
      await expect(warehouse().transaction((tx) => tx.query('select id from t order by id'))).rejects.toMatchObject({ code: 'DB_FAILED', message: expect.stringContaining('inside a transaction') });
      expect(executed()).toHaveLength(1);
    });

    it('names the 64 KB row limit rather than the response limit', async () => {
      rds.on(ExecuteStatementCommand).rejects(Object.assign(new Error('Packet for query is too large'), { name: 'BadRequestException' }));
      await expect(warehouse().query('select snapshot from r order by 1')).rejects.toMatchObject({ message: expect.stringContaining('64 KB per-row limit') });
      expect(executed()).toHaveLength(1);
    });

    it('explains the 1 MiB limit for an unordered SELECT', async () => {
      rds.on(ExecuteStatementCommand).rejects(Object.assign(new Error('response size limit exceeded'), { name: 'BadRequestException' }));
      await expect(warehouse().query('select * from t')).rejects.toMatchObject({ code: 'DB_FAILED', hint: expect.stringContaining('ORDER BY') });
    });
  });

  describe('Method: script', () => {
    it('sends one statement per call, keeping dollar-quoted bodies whole', async () => {
      rds.on(ExecuteStatementCommand).resolves({});
      await warehouse().script("create table if not exists a (x int);\n-- comment only\ncreate or replace function f() returns int as $$ begin return 1; end $$ language plpgsql;\ninsert into a values (1);");
      expect(executed().map((i) => i.sql)).toEqual([
        'create table if not exists a (x int)',
        '-- comment only\ncreate or replace function f() returns int as $$ begin return 1; end $$ language plpgsql',
        'insert into a values (1)',
      ]);
    });

    it('drops comment-only pieces', () => {
      expect(splitStatements('select 1;\n-- trailing note\n')).toEqual(['select 1']);
    });
  });

  describe('Method: transaction', () => {
    it('begins, runs statements with the transaction id and commits', async () => {
      rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
      rds.on(ExecuteStatementCommand).resolves({ columnMetadata: [], records: [] });
      rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
      const result = await warehouse().transaction(async (tx) => {
        await tx.query('insert into t values ($1)', [1]);
        return 'done';
      });
      expect(result).toBe('done');
      expect(rds.commandCalls(BeginTransactionCommand)[0]?.args[0].input).toEqual(target);
      expect(executed()[0]).toMatchObject({ transactionId: 'tx-1', sql: 'insert into t values (:p1)' });
      expect(rds.commandCalls(CommitTransactionCommand)[0]?.args[0].input).toEqual({ resourceArn: 'arn:cluster', secretArn: 'arn:secret', transactionId: 'tx-1' });
      expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(0);
    });

    it('rolls back and rethrows when a statement inside fails', async () => {
      rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-2' });
      rds.on(ExecuteStatementCommand).resolvesOnce({}).rejects(Object.assign(new Error('duplicate key'), { name: 'DatabaseErrorException' }));
      rds.on(RollbackTransactionCommand).resolves({});
      await expect(
        warehouse().transaction(async (tx) => {
          await tx.query('insert into t values (1)');
          await tx.query('insert into t values (1)');
        }),
      ).rejects.toMatchObject({ code: 'DB_FAILED', message: expect.stringContaining('duplicate key') });
      expect(rds.commandCalls(RollbackTransactionCommand)[0]?.args[0].input).toEqual({ resourceArn: 'arn:cluster', secretArn: 'arn:secret', transactionId: 'tx-2' });
      expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
    });

    it('bulk-loads with aws_s3.table_import_from_s3 from the store location', async () => {
      rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-3' });
      rds.on(ExecuteStatementCommand).resolves({
        columnMetadata: [{ name: 'imported', typeName: 'text' }],
        records: [[{ stringValue: '1200 rows imported into relation "stg_visits" from file runs/r1/visits.csv of 52000 bytes' }]],
      });
      rds.on(CommitTransactionCommand).resolves({});
      const store = { locate: (key: string) => ({ kind: 's3', bucket: 'clean-bucket', key }) } as unknown as BlobStore;
      const n = await warehouse().transaction((tx) => tx.copyCsv('stg_visits', ['visit_id', 'cost'], { store, key: 'runs/r1/visits.csv' }));
      expect(n).toBe(1200);
      expect(executed()[0]).toMatchObject({
        transactionId: 'tx-3',
        sql: "select aws_s3.table_import_from_s3(:p1, :p2, '(format csv, header true)', aws_commons.create_s3_uri(:p3, :p4, :p5)) as imported",
        parameters: [
          { name: 'p1', value: { stringValue: 'stg_visits' } },
          { name: 'p2', value: { stringValue: 'visit_id,cost' } },
          { name: 'p3', value: { stringValue: 'clean-bucket' } },
          { name: 'p4', value: { stringValue: 'runs/r1/visits.csv' } },
          { name: 'p5', value: { stringValue: 'eu-west-1' } },
        ],
      });
    });
  });
});
