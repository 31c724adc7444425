// BlobStore on one S3 bucket. Reads stream from GetObject, writes stream through a managed (multipart)
// upload, so a step never holds a whole file in memory. Encryption is the bucket's default (SSE-KMS).
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PipelineError } from '../../core/errors.js';
import type { BlobLocation, BlobStore } from '../../ports.js';

export interface S3BlobStoreProps {
  client: S3Client;
  bucket: string;
  /** Region reported by locate(), needed by Aurora's aws_s3 import. @default the client's region */
  region?: string;
  /** Multipart part size in bytes for put(). @default 8 MiB */
  partSize?: number;
}

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  readonly bucket: string;
  private readonly region: string | undefined;
  private readonly partSize: number;

  constructor(props: S3BlobStoreProps) {
    if (!props.bucket) throw new PipelineError('BAD_CONFIG', 'S3BlobStore needs a bucket name.', 'Set the bucket environment variable of this function.');
    this.client = props.client;
    this.bucket = props.bucket;
    this.region = props.region;
    this.partSize = props.partSize ?? 8 * 1024 * 1024;
  }

  async get(key: string): Promise<Readable> {
    return this.getObject(key);
  }

  /** Bytes [start, end) with a Range request, so a chunk's Lambda reads only its chunk (end past the object: to its end). */
  async getRange(key: string, start: number, end: number): Promise<Readable> {
    if (end <= start) return Readable.from([]);
    try {
      return await this.getObject(key, `bytes=${start}-${Number.isFinite(end) ? end - 1 : ''}`);
    } catch (e) {
      // A range that starts at the object's end is empty, which S3 answers with 416.
      if ((e as { name?: string }).name === 'InvalidRange') return Readable.from([]);
      throw e;
    }
  }

  private async getObject(key: string, range?: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) }));
      if (!out.Body) throw this.notFound(key);
      return out.Body instanceof Readable ? out.Body : Readable.from(out.Body as unknown as AsyncIterable<Uint8Array>);
    } catch (e) {
      if (isMissing(e)) throw this.notFound(key, e);
      throw e;
    }
  }

  async put(key: string, body: Readable | string | Uint8Array, contentType?: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      params: { Bucket: this.bucket, Key: key, Body: body, ...(contentType ? { ContentType: contentType } : {}) },
    });
    await upload.done();
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  locate(key: string): BlobLocation {
    return { kind: 's3', bucket: this.bucket, key, ...(this.region ? { region: this.region } : {}) };
  }

  private notFound(key: string, cause?: unknown): PipelineError {
    return new PipelineError(
      'BLOB_NOT_FOUND',
      `No object s3://${this.bucket}/${key}.`,
      'Check the batch manifest names files that were uploaded under the same batch prefix.',
      { cause },
    );
  }
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}
