// The Data API double holds to the service's documented semantics on both databases: typed parameters,
// response shapes, limits, transactions. Each case would pass against a kinder double (untyped strings,
// no limits, transactions that never end) and fails here, as it would on Aurora.
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type ExecuteStatementCommandInput,
} from '@aws-sdk/client-rds-data';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudDoubles } from '../../../local/doubles/cloud-doubles.js';
import { DATABASES, type TestDatabase } from '../../helpers/databases.js';
import { mockCloudClients, type MockedClients } from '../../helpers/doubles/mock-clients.js';
import { doubledS3Client, doubledWarehouse, doublesFor, TARGET } from '../../helpers/doubles/test-doubles.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DATABASES)('Data API double on $name', (kind) => {
  let db: TestDatabase;
  let doubles: CloudDoubles;
  let mocks: MockedClients;
  const rds = new RDSDataClient({ region: 'us-east-1' });
  const execute = (sql: string, extra: Partial<ExecuteStatementCommandInput> = {}) => rds.send(new ExecuteStatementCommand({ ...TARGET, sql, ...extra }));
  const begin = async () => (await rds.send(new BeginTransactionCommand(TARGET))).transactionId as string;
  const commit = (transactionId: string) => rds.send(new CommitTransactionCommand({ ...TARGET, transactionId }));
  const errorOf = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));

  beforeAll(async () => {
    db = await kind.create();
    doubles = await doublesFor(db, { callTimeoutMs: 2000, transactionIdleMs: 1500 });
    mocks = mockCloudClients(doubles);
    await execute('create table typed (id int, ts timestamptz, d date, n numeric(12, 2), j jsonb, b bytea, flag boolean, tags text[], big bigint)');
  });
  afterAll(async () => {
    mocks.restore();
    await doubles.close();
    await db.drop();
  });

  describe('parameters', () => {
    it('binds a stringValue without a hint as character varying, so a timestamptz column refuses it', async () => {
      const error = await errorOf(execute('insert into typed (ts) values (:ts)', { parameters: [{ name: 'ts', value: { stringValue: '2025-12-31T10:00:00.000Z' } }] }));
      expect(error.name).toBe('DatabaseErrorException');
      expect(error.message).toMatch(/column "ts" is of type timestamp with time zone but expression is of type character varying/);
      expect(error.message).toMatch(/SQLState: 42804/);
    });

    it('takes each Field member and typeHint as its SQL type', async () => {
      const out = await execute(
        'insert into typed (id, ts, d, n, j, b, flag, big) values (:id, :ts, :d, :n, :j, :b, :flag, :big)',
        {
          parameters: [
            { name: 'id', value: { longValue: 1 } },
            { name: 'ts', value: { stringValue: '2025-12-31 10:00:00.123' }, typeHint: 'TIMESTAMP' },
            { name: 'd', value: { stringValue: '2025-12-31' }, typeHint: 'DATE' },
            { name: 'n', value: { doubleValue: 12.5 } },
            { name: 'j', value: { stringValue: '{"a": [1, 2]}' }, typeHint: 'JSON' },
            { name: 'b', value: { blobValue: new Uint8Array([0, 255]) } },
            { name: 'flag', value: { booleanValue: true } },
            { name: 'big', value: { isNull: true } },
          ],
        },
      );
      expect(out.numberOfRecordsUpdated).toBe(1);
      expect(out.records).toBeUndefined();
    });

    it('refuses a typeHint value outside its documented format', async () => {
      const error = await errorOf(execute('select :d::date', { parameters: [{ name: 'd', value: { stringValue: '31/12/2025' }, typeHint: 'DATE' }] }));
      expect(error).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('YYYY-MM-DD') });
    });

    it('refuses array parameters, positional $n and a missing named value', async () => {
      expect(await errorOf(execute('select :a', { parameters: [{ name: 'a', value: { arrayValue: { longValues: [1] } } }] }))).toMatchObject({ name: 'BadRequestException', message: 'Array parameters are not supported.' });
      expect((await errorOf(execute('select $1::int', { parameters: [{ name: 'p1', value: { longValue: 1 } }] }))).message).toMatch(/there is no parameter \$1/);
      expect((await errorOf(execute('select :nowhere::int'))).message).toMatch(/No value specified for parameter :nowhere/);
    });

    it('leaves :: casts, literals, comments and dollar-quoted bodies alone', async () => {
      const out = await execute("select ':x' as lit, :v::int + 1 as n /* :y */ -- :z\n, $$ :w $$ as body", { parameters: [{ name: 'v', value: { stringValue: '41' } }], includeResultMetadata: true });
      expect(out.records).toEqual([[{ stringValue: ':x' }, { longValue: 42 }, { stringValue: ' :w ' }]]);
    });
  });

  describe('responses', () => {
    it('answers records as Field unions per column type, with column metadata when asked', async () => {
      await execute("update typed set tags = '{a,\"b c\",NULL}', big = 9007199254740991 where id = 1");
      const out = await execute('select id, ts, d, n, j, b, flag, tags, big from typed where id = 1', { includeResultMetadata: true, resultSetOptions: { decimalReturnType: 'STRING' } });
      expect(out.columnMetadata?.map((c) => c.typeName)).toEqual(['int4', 'timestamptz', 'date', 'numeric', 'jsonb', 'bytea', 'bool', '_text', 'int8']);
      expect(out.records).toEqual([
        [
          { longValue: 1 },
          { stringValue: '2025-12-31 10:00:00.123' },
          { stringValue: '2025-12-31' },
          { stringValue: '12.50' },
          { stringValue: '{"a": [1, 2]}' },
          { blobValue: new Uint8Array([0, 255]) },
          { booleanValue: true },
          { arrayValue: { stringValues: ['a', 'b c', null] } },
          { longValue: 9007199254740991 },
        ],
      ]);
    });

    it('gives decimals as numbers with DOUBLE_OR_LONG and records as JSON with formatRecordsAs', async () => {
      const numbers = await execute('select 12.50::numeric as n, 3::numeric as w', { resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' } });
      expect(numbers.records).toEqual([[{ doubleValue: 12.5 }, { longValue: 3 }]]);
      const json = await execute('select id, flag, n from typed', { formatRecordsAs: 'JSON' });
      expect(json.records).toBeUndefined();
      expect(JSON.parse(json.formattedRecords as string)).toEqual([{ id: 1, flag: true, n: '12.50' }]);
    });

    it('runs one statement per call', async () => {
      expect((await errorOf(execute('select 1; select 2'))).name).toBe('DatabaseErrorException');
    });

    it('the adapter reads the shapes back as node-postgres would', async () => {
      const [row] = await doubledWarehouse().query('select id, ts, d, n, j, flag, tags from typed where id = $1', [1]);
      expect(row).toEqual({ id: 1, ts: new Date('2025-12-31T10:00:00.123Z'), d: new Date('2025-12-31T00:00:00.000Z'), n: '12.50', j: { a: [1, 2] }, flag: true, tags: ['a', 'b c', null] });
    });
  });

  describe('limits', () => {
    it('refuses a row over 64 KB ("Packet for query is too large")', async () => {
      const error = await errorOf(execute("select repeat('x', 70000) as big"));
      expect(error).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('Packet for query is too large') });
    });

    it('refuses a response over 1 MiB, which the adapter then reads in pages when the query is ordered', async () => {
      const sql = "select g, repeat('x', 60000) as filler from generate_series(1, 20) as g order by g";
      expect(await errorOf(execute(sql))).toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('Database response exceeded size limit') });
      const rows = await doubledWarehouse({ pageSize: 5 }).query<{ g: number }>(sql);
      expect(rows.map((r) => r.g)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('stops a call at the time limit with StatementTimeoutException and undoes it', async () => {
      await execute('create table slow (n int)');
      const error = await errorOf(execute('insert into slow select 1 from (select pg_sleep(2.5)) as s'));
      expect(error.name).toBe('StatementTimeoutException');
      expect((await execute('select count(*)::int from slow')).records).toEqual([[{ longValue: 0 }]]);
    });
  });

  describe('transactions', () => {
    it('commits, and answers TransactionNotFoundException for the finished id', async () => {
      const tx = await begin();
      await execute('insert into typed (id) values (2)', { transactionId: tx });
      expect((await commit(tx)).transactionStatus).toBe('Transaction Committed');
      expect(await errorOf(execute('select 1', { transactionId: tx }))).toMatchObject({ name: 'TransactionNotFoundException', message: expect.stringContaining('termination of your transaction') });
      expect((await execute('select count(*)::int from typed where id = 2')).records).toEqual([[{ longValue: 1 }]]);
    });

    it('rolls back an idle transaction after the idle limit', async () => {
      const tx = await begin();
      await execute('insert into typed (id) values (3)', { transactionId: tx });
      await sleep(2500);
      expect(await errorOf(execute('select 1', { transactionId: tx }))).toMatchObject({ name: 'TransactionNotFoundException', message: expect.stringContaining('expired') });
      expect((await execute('select count(*)::int from typed where id = 3')).records).toEqual([[{ longValue: 0 }]]);
    });

    it('aborts the transaction when a call in it fails', async () => {
      const tx = await begin();
      await execute('insert into typed (id) values (4)', { transactionId: tx });
      await errorOf(execute('select no_such_column from typed', { transactionId: tx }));
      expect(await errorOf(commit(tx))).toMatchObject({ name: 'TransactionNotFoundException', message: expect.stringContaining('aborted due to an error') });
      expect((await execute('select count(*)::int from typed where id = 4')).records).toEqual([[{ longValue: 0 }]]);
      expect((await errorOf(rds.send(new RollbackTransactionCommand({ ...TARGET, transactionId: 'never-begun' })))).name).toBe('TransactionNotFoundException');
    });

    it('refuses a second call on a transaction still running one', async () => {
      const tx = await begin();
      // Straight to the double, so the second call surely arrives while the first runs (PGlite blocks
      // the event loop while it sleeps, so no timer could place it).
      const slow = doubles.dataApi.executeStatement({ ...TARGET, sql: 'select pg_sleep(0.5)', transactionId: tx });
      const second = await errorOf(doubles.dataApi.executeStatement({ ...TARGET, sql: 'select 1', transactionId: tx }));
      await slow;
      await commit(tx);
      expect(second).toMatchObject({ name: 'DatabaseErrorException', message: expect.stringContaining('Transaction is still running a query') });
    });

    if (kind.name === 'postgres') {
      it('runs overlapping transactions on connections of their own', async () => {
        const first = await begin();
        await execute('insert into typed (id) values (5)', { transactionId: first });
        const second = await begin();
        const seen = await execute('select count(*)::int from typed where id = 5', { transactionId: second });
        await commit(second);
        await commit(first);
        expect(seen.records).toEqual([[{ longValue: 0 }]]);
      });
    } else {
      it('serialises transactions on its one connection: a second begins when the first ends', async () => {
        const first = await begin();
        await execute('insert into typed (id) values (5)', { transactionId: first });
        let began = false;
        const second = begin().then((id) => ((began = true), id));
        await sleep(50);
        expect(began).toBe(false);
        await commit(first);
        const id = await second;
        expect((await execute('select count(*)::int from typed where id = 5', { transactionId: id })).records).toEqual([[{ longValue: 1 }]]);
        await commit(id);
      });
    }

    it('runs a batch once per parameter set, all or nothing', async () => {
      const sets = [1, 2, 3].map((n) => [{ name: 'n', value: { longValue: 100 + n } }]);
      const out = await rds.send(new BatchExecuteStatementCommand({ ...TARGET, sql: 'insert into typed (id) values (:n)', parameterSets: sets }));
      expect(out.updateResults).toHaveLength(3);
      const failing = [...sets, [{ name: 'n', value: { stringValue: 'not a number' } }]];
      expect((await errorOf(rds.send(new BatchExecuteStatementCommand({ ...TARGET, sql: 'insert into typed (id) values (:n)', parameterSets: failing })))).name).toBe('DatabaseErrorException');
      expect((await execute('select count(*)::int from typed where id > 100')).records).toEqual([[{ longValue: 3 }]]);
    });
  });

  describe('the call itself', () => {
    it('names the cluster, secret and database it was given', async () => {
      expect((await errorOf(rds.send(new ExecuteStatementCommand({ ...TARGET, resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:other', sql: 'select 1' })))).name).toBe('HttpEndpointNotEnabledException');
      expect((await errorOf(rds.send(new ExecuteStatementCommand({ ...TARGET, secretArn: 'arn:other', sql: 'select 1' })))).name).toBe('SecretsErrorException');
      expect((await errorOf(execute('select 1', { schema: 'public' }))).name).toBe('BadRequestException');
    });
  });

  describe('aws_s3.table_import_from_s3', () => {
    it('imports an object of the S3 double into a table inside the caller\'s transaction, as Aurora answers', async () => {
      await execute('create table imported (a text, b int)');
      await doubledS3Client().send(new PutObjectCommand({ Bucket: 'clean', Key: 'runs/r1/x.csv', Body: 'a,b\nx,1\n"y,z",2\n' }));
      const store = { locate: (key: string) => ({ kind: 's3' as const, bucket: 'clean', key }) };
      const n = await doubledWarehouse().transaction((tx) => tx.copyCsv('imported', ['a', 'b'], { store: store as never, key: 'runs/r1/x.csv' }));
      expect(n).toBe(2);
      const out = await execute("select aws_s3.table_import_from_s3('imported', 'a,b', '(format csv, header true)', aws_commons.create_s3_uri('clean', 'runs/r1/x.csv', 'us-east-1')) as imported");
      expect(out.records).toEqual([[{ stringValue: '2 rows imported into relation "imported" from file runs/r1/x.csv of 16 bytes' }]]);
      expect((await errorOf(execute("select aws_s3.table_import_from_s3('imported', '', '(format csv)', 'clean', 'runs/missing.csv', 'us-east-1')"))).message).toMatch(/HTTP 404/);
    });
  });
});
