// How the S3 double keeps objects: one file per key under the bucket's folder ('/' in a key is a
// folder), written to a temporary file and renamed into place so no reader sees half an object.
// A folder cannot hold every key S3 can: keys with '.', '..' or empty segments, a leading '/', or a
// key that is also another key's folder are refused here (S3 would accept them).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FsBlobStore } from '../../../lambdas/adapters/local/fs-blob-store.js';
import { invalidArgument } from './s3-errors.js';

/** What PutObject and UploadPart accept as Body through the SDK (and the HTTP front-end). */
export type BodyInput = string | Uint8Array | Readable | AsyncIterable<Uint8Array> | Blob | undefined;

export function keyPath(root: string, key: string): string {
  const segments = key.split('/');
  if (!key || key.startsWith('/') || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw invalidArgument(`The S3 double keeps objects as files and cannot store the key ${JSON.stringify(key)}.`);
  }
  return join(root, ...segments);
}

export function bodyStream(body: BodyInput): Readable {
  if (body === undefined) return Readable.from([]);
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  if (body instanceof Blob) return Readable.fromWeb(body.stream() as never);
  if (body instanceof Readable) return body;
  return Readable.from(body);
}

export interface WrittenFile {
  size: number;
  md5: Buffer;
}

/** Streams a body into `path` (temp file + rename), returning its size and MD5. */
export async function writeFileAtomically(path: string, body: Readable): Promise<WrittenFile> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.partial`;
  const hash = createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, measure, createWriteStream(tmp));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { size, md5: hash.digest() };
}

export async function md5OfFile(path: string): Promise<Buffer> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest();
}

export async function statFile(path: string): Promise<{ size: number; mtime: Date } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { size: s.size, mtime: s.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every key under a folder (the same walk as the local blob store, which skips temporary files), in
 * S3's order: UTF-8 bytes, ascending.
 */
export async function listKeys(root: string, prefix = ''): Promise<string[]> {
  const keys = await new FsBlobStore(root).list(prefix);
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
