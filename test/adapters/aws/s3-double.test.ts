// The S3 double answers the SDK's command shapes as S3 does: streaming bodies, NotFound on HEAD,
// ListObjectsV2 paging, lib-storage's multipart upload and its 5 MiB part minimum, conditional writes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../lambdas/adapters/aws/s3-blob-store.js';
import { createCloudDoubles, LOCAL_CLOUD, type CloudDoubles } from '../../../local/doubles/cloud-doubles.js';
import { mockCloudClients, type MockedClients } from '../../helpers/doubles/mock-clients.js';

const MiB = 1024 * 1024;

describe('Class: S3Double (through the SDK, in process)', () => {
  let dir: string;
  let doubles: CloudDoubles;
  let mocks: MockedClients;
  const s3 = new S3Client({ region: 'us-east-1' });
  const store = (partSize?: number) => new S3BlobStore({ client: s3, bucket: 'b', region: 'us-east-1', ...(partSize ? { partSize } : {}) });
  const errorOf = (p: Promise<unknown>) => p.then(() => ({ name: 'no error', message: '' }), (e: Error & { $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3-double-test-'));
    doubles = createCloudDoubles({
      buckets: { b: join(dir, 'b') },
      database: { pgliteDir: join(dir, 'unused-pglite') },
      dataApi: { resourceArn: LOCAL_CLOUD.resourceArn, secretArns: [LOCAL_CLOUD.secretArn], database: LOCAL_CLOUD.database },
    });
    mocks = mockCloudClients(doubles);
  });
  afterEach(() => expect(doubles.s3.openUploads()).toBe(0));
  afterAll(async () => {
    mocks.restore();
    await doubles.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('Method: GetObject / HeadObject', () => {
    it('returns Body as an SDK stream, usable once', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k/one.csv', Body: 'a,b\n1,2\n', ContentType: 'text/csv' }));
      const out = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k/one.csv' }));
      expect(out).toMatchObject({ ContentLength: 8, ContentType: 'text/csv', ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
      expect(await out.Body?.transformToString()).toBe('a,b\n1,2\n');
      await expect(out.Body!.transformToString()).rejects.toThrow(/already been transformed/);
    });

    it('answers a byte range with 206 semantics', async () => {
      const out = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k/one.csv', Range: 'bytes=4-6' }));
      expect(out.ContentRange).toBe('bytes 4-6/8');
      expect(await out.Body?.transformToString()).toBe('1,2');
    });

    it("gives S3BlobStore.getRange the bytes [start, end) of a chunk, to the end when it runs past, nothing at the end", async () => {
      const text = async (p: Promise<AsyncIterable<Uint8Array>>) => {
        let out = '';
        for await (const b of await p) out += Buffer.from(b).toString('utf8');
        return out;
      };
      expect(await text(store().getRange('k/one.csv', 4, 7))).toBe('1,2');
      expect(await text(store().getRange('k/one.csv', 4, Infinity))).toBe('1,2\n');
      expect(await text(store().getRange('k/one.csv', 8, Infinity))).toBe('');
      await expect(store().getRange('missing', 0, 4)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    });

    it('raises NoSuchKey on GET and NotFound on HEAD, which S3BlobStore turns into BLOB_NOT_FOUND and false', async () => {
      expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'missing' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
      expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'missing' })))).toMatchObject({ name: 'NotFound', status: 404 });
      expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: 'nope', Key: 'k' })))).toMatchObject({ name: 'NoSuchBucket' });
      await expect(store().get('missing')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
      expect(await store().exists('missing')).toBe(false);
      expect(await store().exists('k/one.csv')).toBe(true);
    });
  });

  describe('Method: ListObjectsV2', () => {
    it('pages at 1000 keys with a continuation token, in UTF-8 order, under a prefix', async () => {
      const keys = Array.from({ length: 1001 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
      await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: 'b', Key, Body: 'x' }))));
      const first = await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'many/' }));
      expect(first).toMatchObject({ KeyCount: 1000, MaxKeys: 1000, IsTruncated: true, NextContinuationToken: expect.any(String) });
      const second = await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'many/', ContinuationToken: first.NextContinuationToken }));
      expect(second).toMatchObject({ KeyCount: 1, IsTruncated: false });
      expect(second.NextContinuationToken).toBeUndefined();
      expect([...(first.Contents ?? []), ...(second.Contents ?? [])].map((c) => c.Key)).toEqual(keys);
      expect(await store().list('many/')).toEqual(keys);
      const rolled = await s3.send(new ListObjectsV2Command({ Bucket: 'b', Delimiter: '/' }));
      expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['k/', 'many/']);
      expect(await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'b', ContinuationToken: 'bogus' })))).toMatchObject({ name: 'InvalidArgument' });
    });
  });

  describe('Method: multipart upload', () => {
    it('takes what lib-storage sends for a large body and assembles it', async () => {
      const body = Buffer.alloc(12 * MiB, 7);
      body.write('tail', body.length - 4);
      await store(5 * MiB).put('big/file.bin', body);
      const out = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'big/file.bin' }));
      expect(out.ETag).toMatch(/-3"$/);
      expect(Buffer.from(await out.Body!.transformToByteArray()).equals(body)).toBe(true);
    });

    it('refuses parts under 5 MiB except the last, parts out of order, and unknown uploads', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'small/parts' }));
      const part = async (n: number) => (await s3.send(new UploadPartCommand({ Bucket: 'b', Key: 'small/parts', UploadId, PartNumber: n, Body: Buffer.alloc(1024) }))).ETag;
      const parts = [{ PartNumber: 1, ETag: await part(1) }, { PartNumber: 2, ETag: await part(2) }];
      const complete = (Parts: typeof parts) => s3.send(new CompleteMultipartUploadCommand({ Bucket: 'b', Key: 'small/parts', UploadId, MultipartUpload: { Parts } }));
      expect(await errorOf(complete(parts))).toMatchObject({ name: 'EntityTooSmall', status: 400 });
      expect(await errorOf(complete([...parts].reverse()))).toMatchObject({ name: 'InvalidPartOrder' });
      expect(await errorOf(complete([{ PartNumber: 1, ETag: '"0000"' }]))).toMatchObject({ name: 'InvalidPart' });
      await s3.send(new AbortMultipartUploadCommand({ Bucket: 'b', Key: 'small/parts', UploadId }));
      expect(await errorOf(complete(parts))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
      expect(await store().exists('small/parts')).toBe(false);
    });
  });

  describe('Method: PutObject', () => {
    it('refuses to overwrite with IfNoneMatch *', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'once', Body: '1', IfNoneMatch: '*' }));
      expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'once', Body: '2', IfNoneMatch: '*' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    });

    it('refuses a key a folder cannot hold', async () => {
      expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: 'b', Key: '../escape', Body: '1' })))).toMatchObject({ name: 'InvalidArgument' });
    });
  });
});
