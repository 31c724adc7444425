// An S3 double over folders (one folder per bucket) that takes and returns the SDK's command shapes,
// so S3BlobStore and @aws-sdk/lib-storage run against it unchanged, in process (aws-sdk-client-mock,
// test/helpers/doubles) or over HTTP (s3-http.ts, for bundled handlers and `simulate --engine data-api`).
// What it holds to, from the S3 API reference (https://docs.aws.amazon.com/AmazonS3/latest/API/):
//   - GetObject: Body is an SDK stream; Range (bytes=a-b) answers 206; a missing key is NoSuchKey (404).
//   - HeadObject: a missing key is NotFound (404 without a body, so the SDK can only name it by status).
//   - PutObject: IfNoneMatch '*' refuses to overwrite (PreconditionFailed, 412).
//   - ListObjectsV2: keys in UTF-8 binary order; MaxKeys defaults to and is capped at 1000; IsTruncated
//     with an opaque NextContinuationToken; Prefix, Delimiter (CommonPrefixes) and StartAfter.
//   - Multipart (what lib-storage sends): part numbers 1..10,000; CompleteMultipartUpload needs parts in
//     ascending order (InvalidPartOrder) with their ETags (InvalidPart), and every part but the last at
//     least 5 MiB (EntityTooSmall); the ETag is the MD5 of the parts' MD5s, "-N".
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
//   - Unknown bucket: NoSuchBucket. Unknown or finished upload: NoSuchUpload.
// Not enforced: IAM, encryption, object tagging, versioning, checksums sent by the SDK (accepted, not
// verified), object sizes above what a local disk holds.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  AbortMultipartUploadCommandInput,
  CompleteMultipartUploadCommandInput,
  CompleteMultipartUploadCommandOutput,
  CreateMultipartUploadCommandInput,
  CreateMultipartUploadCommandOutput,
  DeleteObjectCommandInput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  HeadObjectCommandInput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
  UploadPartCommandInput,
  UploadPartCommandOutput,
} from '@aws-sdk/client-s3';
import { bodyStream, keyPath, listKeys, md5OfFile, statFile, writeFileAtomically, type BodyInput } from './object-files.js';
import { headNotFound, invalidArgument, noSuchBucket, noSuchKey, noSuchUpload, preconditionFailed, s3Error } from './s3-errors.js';
import { sdkStream } from './sdk-stream.js';

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_KEYS = 1000;
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

type Meta = { contentType: string; etag: string; size: number; mtimeMs: number };
type Part = { path: string; md5: Buffer; size: number };
type Upload = { bucket: string; key: string; contentType: string; dir: string; parts: Map<number, Part> };

/** The subset of output fields the double fills; the SDK's outputs also carry $metadata. */
type Out<T> = Omit<T, '$metadata'>;

export class S3Double {
  private readonly buckets = new Map<string, string>();
  /** Content type and ETag of objects, known for objects written through the double or hashed once. */
  private readonly meta = new Map<string, Meta>();
  private readonly uploads = new Map<string, Upload>();
  private scratch: Promise<string> | undefined;

  constructor(buckets: Record<string, string> = {}) {
    for (const [name, dir] of Object.entries(buckets)) this.addBucket(name, dir);
  }

  addBucket(name: string, dir: string): void {
    this.buckets.set(name, dir);
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  /** The file behind an object (for aws_s3.table_import_from_s3 in the Data API double). */
  async objectFile(bucket: string | undefined, key: string | undefined): Promise<{ path: string; size: number }> {
    const path = keyPath(this.root(bucket), required(key, 'Key'));
    const s = await statFile(path);
    if (!s) throw noSuchKey(key as string);
    return { path, size: s.size };
  }

  async getObject(input: GetObjectCommandInput): Promise<Out<GetObjectCommandOutput>> {
    const { path, meta } = await this.existing(input.Bucket, input.Key, () => noSuchKey(input.Key as string));
    const range = input.Range ? parseRange(input.Range, meta.size) : undefined;
    const body = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    return {
      Body: sdkStream(body) as never,
      ContentLength: range ? range.end - range.start + 1 : meta.size,
      ContentType: meta.contentType,
      ETag: meta.etag,
      LastModified: new Date(meta.mtimeMs),
      AcceptRanges: 'bytes',
      ...(range ? { ContentRange: `bytes ${range.start}-${range.end}/${meta.size}` } : {}),
    };
  }

  async headObject(input: HeadObjectCommandInput): Promise<Out<HeadObjectCommandOutput>> {
    const { meta } = await this.existing(input.Bucket, input.Key, headNotFound);
    return { ContentLength: meta.size, ContentType: meta.contentType, ETag: meta.etag, LastModified: new Date(meta.mtimeMs), AcceptRanges: 'bytes' };
  }

  async putObject(input: PutObjectCommandInput): Promise<Out<PutObjectCommandOutput>> {
    const path = keyPath(this.root(input.Bucket), required(input.Key, 'Key'));
    // Conditional write: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
    if (input.IfNoneMatch !== undefined) {
      if (input.IfNoneMatch !== '*') throw s3Error('NotImplemented', 501, 'IfNoneMatch supports only *');
      if (await statFile(path)) throw preconditionFailed();
    }
    const written = await writeFileAtomically(path, bodyStream(input.Body as BodyInput));
    const etag = `"${written.md5.toString('hex')}"`;
    await this.remember(input.Bucket as string, input.Key as string, path, input.ContentType, etag);
    return { ETag: etag };
  }

  async deleteObject(input: DeleteObjectCommandInput): Promise<Record<string, never>> {
    const path = keyPath(this.root(input.Bucket), required(input.Key, 'Key'));
    await rm(path, { force: true }); // S3 answers 204 for a key that is not there
    this.meta.delete(`${input.Bucket}/${input.Key}`);
    return {};
  }

  async listObjectsV2(input: ListObjectsV2CommandInput): Promise<Out<ListObjectsV2CommandOutput>> {
    const root = this.root(input.Bucket);
    const prefix = input.Prefix ?? '';
    const maxKeys = Math.min(input.MaxKeys ?? MAX_KEYS, MAX_KEYS);
    if (maxKeys < 0) throw invalidArgument('MaxKeys must be a non-negative integer');
    let after = input.StartAfter ?? '';
    if (input.ContinuationToken !== undefined) {
      const decoded = decodeToken(input.ContinuationToken);
      if (decoded === undefined) throw invalidArgument('The continuation token provided is incorrect');
      after = decoded;
    }
    const contents: { Key: string; Size: number; ETag: string; LastModified: Date; StorageClass: 'STANDARD' }[] = [];
    const commonPrefixes: string[] = [];
    let last: string | undefined;
    let truncated = false;
    for (const key of await listKeys(root, prefix)) {
      if (compareKeys(key, after) <= 0) continue;
      const rollup = input.Delimiter ? rollupOf(key, prefix, input.Delimiter) : undefined;
      if (rollup !== undefined && commonPrefixes.at(-1) === rollup) continue;
      if (contents.length + commonPrefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (rollup !== undefined) {
        commonPrefixes.push(rollup);
        // Resume after everything under this common prefix.
        last = `${rollup}\u{10FFFF}`;
      } else {
        const meta = await this.metaOf(input.Bucket as string, key, keyPath(root, key));
        if (!meta) continue;
        contents.push({ Key: key, Size: meta.size, ETag: meta.etag, LastModified: new Date(meta.mtimeMs), StorageClass: 'STANDARD' });
        last = key;
      }
    }
    return {
      Name: input.Bucket,
      Prefix: prefix,
      MaxKeys: maxKeys,
      KeyCount: contents.length + commonPrefixes.length,
      IsTruncated: truncated,
      ...(contents.length ? { Contents: contents } : {}),
      ...(commonPrefixes.length ? { CommonPrefixes: commonPrefixes.map((p) => ({ Prefix: p })) } : {}),
      ...(input.Delimiter ? { Delimiter: input.Delimiter } : {}),
      ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
      ...(input.StartAfter !== undefined ? { StartAfter: input.StartAfter } : {}),
      ...(truncated && last !== undefined ? { NextContinuationToken: encodeToken(last) } : {}),
    };
  }

  async createMultipartUpload(input: CreateMultipartUploadCommandInput): Promise<Out<CreateMultipartUploadCommandOutput>> {
    keyPath(this.root(input.Bucket), required(input.Key, 'Key'));
    const uploadId = randomBytes(24).toString('base64url');
    const dir = await mkdtemp(join(await this.scratchDir(), 'upload-'));
    this.uploads.set(uploadId, { bucket: input.Bucket as string, key: input.Key as string, contentType: input.ContentType ?? DEFAULT_CONTENT_TYPE, dir, parts: new Map() });
    return { Bucket: input.Bucket, Key: input.Key, UploadId: uploadId };
  }

  async uploadPart(input: UploadPartCommandInput): Promise<Out<UploadPartCommandOutput>> {
    const upload = this.upload(input.UploadId, input.Bucket, input.Key);
    const n = input.PartNumber ?? 0;
    if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`);
    const path = join(upload.dir, `part-${n}`);
    const written = await writeFileAtomically(path, bodyStream(input.Body as BodyInput));
    upload.parts.set(n, { path, md5: written.md5, size: written.size });
    return { ETag: `"${written.md5.toString('hex')}"` };
  }

  async completeMultipartUpload(input: CompleteMultipartUploadCommandInput): Promise<Out<CompleteMultipartUploadCommandOutput>> {
    const upload = this.upload(input.UploadId, input.Bucket, input.Key);
    const listed = input.MultipartUpload?.Parts ?? [];
    if (listed.length === 0) throw s3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
    const parts: Part[] = [];
    let previous = 0;
    for (const p of listed) {
      const n = p.PartNumber ?? 0;
      if (n <= previous) throw s3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
      previous = n;
      const part = upload.parts.get(n);
      if (!part || unquote(p.ETag) !== part.md5.toString('hex')) {
        throw s3Error('InvalidPart', 400, 'One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part\'s entity tag.', { PartNumber: String(n) });
      }
      parts.push(part);
    }
    parts.forEach((part, i) => {
      if (i < parts.length - 1 && part.size < MIN_PART_BYTES) {
        throw s3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES) });
      }
    });
    const path = keyPath(this.root(upload.bucket), upload.key);
    if (input.IfNoneMatch === '*' && (await statFile(path))) throw preconditionFailed();
    const assembled = (async function* () {
      for (const part of parts) yield* createReadStream(part.path);
    })();
    await writeFileAtomically(path, Readable.from(assembled));
    const md5s = createHash('md5');
    for (const part of parts) md5s.update(part.md5);
    const etag = `"${md5s.digest('hex')}-${parts.length}"`;
    await this.remember(upload.bucket, upload.key, path, upload.contentType, etag);
    this.uploads.delete(input.UploadId as string);
    await rm(upload.dir, { recursive: true, force: true });
    return { Bucket: upload.bucket, Key: upload.key, ETag: etag, Location: `s3://${upload.bucket}/${upload.key}` };
  }

  async abortMultipartUpload(input: AbortMultipartUploadCommandInput): Promise<Record<string, never>> {
    const upload = this.upload(input.UploadId, input.Bucket, input.Key);
    this.uploads.delete(input.UploadId as string);
    await rm(upload.dir, { recursive: true, force: true });
    return {};
  }

  /** Uploads begun and neither completed nor aborted (a test can check nothing was left behind). */
  openUploads(): number {
    return this.uploads.size;
  }

  async close(): Promise<void> {
    for (const upload of this.uploads.values()) await rm(upload.dir, { recursive: true, force: true });
    this.uploads.clear();
    if (this.scratch) await rm(await this.scratch, { recursive: true, force: true });
  }

  private root(bucket: string | undefined): string {
    const dir = this.buckets.get(required(bucket, 'Bucket'));
    if (dir === undefined) throw noSuchBucket(bucket as string);
    return dir;
  }

  private upload(uploadId: string | undefined, bucket: string | undefined, key: string | undefined): Upload {
    const upload = this.uploads.get(required(uploadId, 'UploadId'));
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(uploadId as string);
    return upload;
  }

  private async existing(bucket: string | undefined, key: string | undefined, missing: () => Error): Promise<{ path: string; meta: Meta }> {
    const path = keyPath(this.root(bucket), required(key, 'Key'));
    const meta = await this.metaOf(bucket as string, key as string, path);
    if (!meta) throw missing();
    return { path, meta };
  }

  private async metaOf(bucket: string, key: string, path: string): Promise<Meta | undefined> {
    const s = await statFile(path);
    if (!s) return undefined;
    const known = this.meta.get(`${bucket}/${key}`);
    if (known && known.size === s.size && known.mtimeMs === s.mtime.getTime()) return known;
    // A file put there by someone else (an --input folder): hash it once, as S3 would have on upload.
    const meta = { contentType: known?.contentType ?? DEFAULT_CONTENT_TYPE, etag: `"${(await md5OfFile(path)).toString('hex')}"`, size: s.size, mtimeMs: s.mtime.getTime() };
    this.meta.set(`${bucket}/${key}`, meta);
    return meta;
  }

  private async remember(bucket: string, key: string, path: string, contentType: string | undefined, etag: string): Promise<void> {
    const s = await statFile(path);
    if (s) this.meta.set(`${bucket}/${key}`, { contentType: contentType ?? DEFAULT_CONTENT_TYPE, etag, size: s.size, mtimeMs: s.mtime.getTime() });
  }

  private scratchDir(): Promise<string> {
    return (this.scratch ??= mkdtemp(join(tmpdir(), 's3-double-')));
  }
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null || value === '') throw invalidArgument(`${name} is required`);
  return value;
}

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');
const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
const encodeToken = (key: string): string => Buffer.from(`k:${key}`).toString('base64');
const decodeToken = (token: string): string | undefined => {
  const text = Buffer.from(token, 'base64').toString('utf8');
  return text.startsWith('k:') ? text.slice(2) : undefined;
};

function rollupOf(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}

/** bytes=a-b, bytes=a-, bytes=-n (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2). */
function parseRange(header: string, size: number): { start: number; end: number } {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw invalidArgument(`Invalid Range header: ${header}`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw s3Error('InvalidRange', 416, 'The requested range is not satisfiable');
  return { start, end };
}
