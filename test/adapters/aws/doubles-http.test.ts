// The doubles over HTTP: unmodified SDK clients, pointed at 127.0.0.1 with the endpoint variables a
// bundled handler reads, get the same answers as in process (wire protocols: S3 REST-XML with
// aws-chunked uploads, Data API REST-JSON, Secrets Manager JSON 1.1), errors named as the SDK names them.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataApiWarehouse } from '../../../lambdas/adapters/aws/data-api-warehouse.js';
import { S3BlobStore } from '../../../lambdas/adapters/aws/s3-blob-store.js';
import { createCloudDoubles, LOCAL_CLOUD, type CloudDoubles } from '../../../local/doubles/cloud-doubles.js';
import { serveDoubles, type ServedDoubles } from '../../../local/doubles/http/serve-doubles.js';
import { pgliteTemplateDir } from '../../helpers/paths.js';

const MiB = 1024 * 1024;

describe('Function: serveDoubles', () => {
  let dir: string;
  let doubles: CloudDoubles;
  let served: ServedDoubles;
  let clients: { s3: S3Client; rds: RDSDataClient; secrets: SecretsManagerClient };
  const credentials = { accessKeyId: 'AKIADOUBLE', secretAccessKey: 'double-secret' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'doubles-http-'));
    await cp(pgliteTemplateDir(), join(dir, 'pglite'), { recursive: true });
    doubles = createCloudDoubles({
      buckets: { landing: join(dir, 'landing') },
      database: { pgliteDir: join(dir, 'pglite') },
      dataApi: { resourceArn: LOCAL_CLOUD.resourceArn, secretArns: [LOCAL_CLOUD.secretArn], database: LOCAL_CLOUD.database },
      secrets: [{ arn: LOCAL_CLOUD.pseudonymKeySecretArn, value: 'ab'.repeat(32) }],
    });
    served = await serveDoubles(doubles);
    // The endpoint alone, as AWS_ENDPOINT_URL_* gives it: no forcePathStyle, so S3 must pick path-style itself.
    clients = {
      s3: new S3Client({ region: 'us-east-1', endpoint: served.endpoints.s3, credentials }),
      rds: new RDSDataClient({ region: 'us-east-1', endpoint: served.endpoints.rdsData, credentials }),
      secrets: new SecretsManagerClient({ region: 'us-east-1', endpoint: served.endpoints.secretsManager, credentials }),
    };
  });
  afterAll(async () => {
    await served.close();
    await doubles.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves S3: streamed and multipart uploads, reads, listing, NotFound on HEAD', async () => {
    const store = new S3BlobStore({ client: clients.s3, bucket: 'landing', partSize: 5 * MiB });
    await store.put('batches/b1/small.csv', Readable.from(['a,b\n', '1,2\n']), 'text/csv');
    const big = Buffer.alloc(11 * MiB, 1);
    await store.put('batches/b1/big.bin', Readable.from([big]));
    const body = await clients.s3.send(new GetObjectCommand({ Bucket: 'landing', Key: 'batches/b1/small.csv' }));
    expect(await body.Body?.transformToString()).toBe('a,b\n1,2\n');
    expect(body.ContentType).toBe('text/csv');
    const read = await clients.s3.send(new GetObjectCommand({ Bucket: 'landing', Key: 'batches/b1/big.bin' }));
    expect(read.ETag).toMatch(/-3"$/);
    expect(Buffer.from(await read.Body!.transformToByteArray()).equals(big)).toBe(true);
    expect(await store.list('batches/')).toEqual(['batches/b1/big.bin', 'batches/b1/small.csv']);
    const missing = await clients.s3.send(new HeadObjectCommand({ Bucket: 'landing', Key: 'nope' })).catch((e: Error) => e);
    expect(missing).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    const noKey = await clients.s3.send(new GetObjectCommand({ Bucket: 'landing', Key: 'nope' })).catch((e: Error) => e);
    expect(noKey).toMatchObject({ name: 'NoSuchKey' });
    // A stream of known length goes as aws-chunked with a trailing checksum.
    await clients.s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'batches/b1/streamed.txt', Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]), ContentLength: 11 }));
    expect(await (await clients.s3.send(new GetObjectCommand({ Bucket: 'landing', Key: 'batches/b1/streamed.txt' }))).Body?.transformToString()).toBe('hello world');
    const twice = await clients.s3.send(new PutObjectCommand({ Bucket: 'landing', Key: 'batches/b1/small.csv', Body: 'x', IfNoneMatch: '*' })).catch((e: Error) => e);
    expect(twice).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
  });

  it('serves the Data API, with its errors named as the SDK names them', async () => {
    const warehouse = new DataApiWarehouse({ client: clients.rds, resourceArn: LOCAL_CLOUD.resourceArn, secretArn: LOCAL_CLOUD.secretArn, database: LOCAL_CLOUD.database });
    await warehouse.script('create table t (id int, at timestamptz, b bytea)');
    await warehouse.transaction(async (tx) => tx.query('insert into t values ($1, $2::timestamptz, $3)', [1, '2025-01-02T03:04:05Z', new Uint8Array([1, 2, 3])]));
    expect(await warehouse.query('select id, at, b from t')).toEqual([{ id: 1, at: new Date('2025-01-02T03:04:05Z'), b: new Uint8Array([1, 2, 3]) }]);
    const typed = await clients.rds
      .send(new ExecuteStatementCommand({ resourceArn: LOCAL_CLOUD.resourceArn, secretArn: LOCAL_CLOUD.secretArn, sql: 'insert into t (at) values (:at)', parameters: [{ name: 'at', value: { stringValue: '2025-01-02' } }] }))
      .catch((e: Error) => e);
    expect(typed).toMatchObject({ name: 'DatabaseErrorException', message: expect.stringContaining('is of type timestamp with time zone but expression is of type character varying') });
    const tooBig = await warehouse.query("select repeat('x', 70000)").catch((e: Error) => e);
    expect(tooBig).toMatchObject({ code: 'DB_FAILED', message: expect.stringContaining('64 KB') });
  });

  it('serves Secrets Manager', async () => {
    const out = await clients.secrets.send(new GetSecretValueCommand({ SecretId: LOCAL_CLOUD.pseudonymKeySecretArn }));
    expect(out.SecretString).toBe('ab'.repeat(32));
    const missing = await clients.secrets.send(new GetSecretValueCommand({ SecretId: 'nope' })).catch((e: Error) => e);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
