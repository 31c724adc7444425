import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../lambdas/adapters/aws/s3-blob-store.js';
import { PipelineError } from '../../../lambdas/core/errors.js';

const s3 = mockClient(S3Client);
const store = () => new S3BlobStore({ client: new S3Client({ region: 'eu-west-1' }), bucket: 'landing-bucket', region: 'eu-west-1' });
const text = async (r: Readable) => {
  let out = '';
  for await (const chunk of r) out += Buffer.from(chunk as Uint8Array).toString('utf8');
  return out;
};

afterEach(() => s3.reset());

describe('Class: S3BlobStore', () => {
  describe('Method: get', () => {
    it('streams the object body from GetObject', async () => {
      s3.on(GetObjectCommand, { Bucket: 'landing-bucket', Key: 'batches/b1/patients.csv' }).resolves({ Body: Readable.from(['id\n', '1\n']) as never });
      const body = await store().get('batches/b1/patients.csv');
      expect(await text(body)).toBe('id\n1\n');
      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'landing-bucket', Key: 'batches/b1/patients.csv' });
    });

    it('turns NoSuchKey into BLOB_NOT_FOUND naming bucket and key', async () => {
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
      const error = await store().get('batches/b1/missing.csv').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PipelineError);
      expect(error).toMatchObject({ code: 'BLOB_NOT_FOUND', message: expect.stringContaining('s3://landing-bucket/batches/b1/missing.csv') });
    });

    it('passes other errors through', async () => {
      s3.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
      await expect(store().get('k')).rejects.toMatchObject({ name: 'AccessDenied' });
    });
  });

  describe('Method: put', () => {
    it('uploads with bucket, key, body and content type (single part for small bodies)', async () => {
      s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
      await store().put('runs/r1/patients.csv', 'a,b\n', 'text/csv');
      const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
      expect(input).toMatchObject({ Bucket: 'landing-bucket', Key: 'runs/r1/patients.csv', ContentType: 'text/csv' });
    });
  });

  describe('Method: list', () => {
    it('follows continuation tokens and returns sorted keys', async () => {
      s3.on(ListObjectsV2Command, { Bucket: 'landing-bucket', Prefix: 'batches/' })
        .resolvesOnce({ IsTruncated: true, NextContinuationToken: 't1', Contents: [{ Key: 'batches/b/z.csv' }] })
        .resolvesOnce({ IsTruncated: false, Contents: [{ Key: 'batches/a/y.csv' }] });
      expect(await store().list('batches/')).toEqual(['batches/a/y.csv', 'batches/b/z.csv']);
      const inputs = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
      expect(inputs).toEqual([
        { Bucket: 'landing-bucket', Prefix: 'batches/' },
        { Bucket: 'landing-bucket', Prefix: 'batches/', ContinuationToken: 't1' },
      ]);
    });
  });

  describe('Method: exists', () => {
    it.each([
      ['present', () => s3.on(HeadObjectCommand).resolves({}), true],
      ['NotFound', () => s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'nf', $metadata: { httpStatusCode: 404 } })), false],
    ])('HeadObject %s -> %s', async (_label, arrange, expected) => {
      arrange();
      expect(await store().exists('batches/b1/manifest.json')).toBe(expected);
      expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'landing-bucket', Key: 'batches/b1/manifest.json' });
    });
  });

  describe('Method: locate', () => {
    it('names the S3 location with region', () => {
      expect(store().locate('runs/r1/visits.csv')).toEqual({ kind: 's3', bucket: 'landing-bucket', key: 'runs/r1/visits.csv', region: 'eu-west-1' });
    });
  });
});
