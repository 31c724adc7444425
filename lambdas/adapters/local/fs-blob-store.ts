// BlobStore over a local folder: the offline stand-in for an S3 bucket. Writes go to a temporary file
// renamed into place, so a reader never sees half an object.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PipelineError } from '../../core/errors.js';
import type { BlobLocation, BlobStore } from '../../ports.js';

/**
 * Bytes per read of a whole object. A whole object is mostly streamed into a COPY by the main thread,
 * where read buffers, dead once sent, stay until its next collection: 1 MiB reads left ~35 MB of them
 * per file, 64 KiB reads ~20 MB (the collector runs sooner for the small objects each read makes).
 */
const WHOLE_READ_BYTES = 1 << 16;

/**
 * Bytes per read of a range (an anonymize chunk's, read on a worker thread and sliced into 64 KiB
 * parse pieces). A read stays allocated while any of its pieces is alive, and pieces in flight at a
 * scavenge are promoted, so a dead read waits for the thread's next full collection: 1 MiB reads kept
 * 5-15 MB of them per thread (400k patients, 2 threads: the anonymize peak ~10 MB higher than with
 * 256 KiB, at no less CPU).
 */
export const RANGE_READ_BYTES = 1 << 18;

export class FsBlobStore implements BlobStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(this.root, key);
    if (p !== this.root && !p.startsWith(this.root + sep)) throw new RangeError(`key escapes the store: ${key}`);
    return p;
  }

  async get(key: string): Promise<Readable> {
    const path = this.path(key);
    if (!(await this.exists(key))) throw new PipelineError('BLOB_NOT_FOUND', `file not found: ${path}`);
    return createReadStream(path, { highWaterMark: WHOLE_READ_BYTES });
  }

  /** Bytes [start, end) of the file (end past its end: to its end). */
  async getRange(key: string, start: number, end: number): Promise<Readable> {
    const path = this.path(key);
    if (!(await this.exists(key))) throw new PipelineError('BLOB_NOT_FOUND', `file not found: ${path}`);
    if (end <= start) return Readable.from([]);
    return createReadStream(path, { start, ...(Number.isFinite(end) ? { end: end - 1 } : {}), highWaterMark: RANGE_READ_BYTES });
  }

  async put(key: string, body: Readable | string | Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.partial`;
    const source = typeof body === 'string' || body instanceof Uint8Array ? Readable.from([body]) : body;
    try {
      await pipeline(source, createWriteStream(tmp, { highWaterMark: 1 << 20 }));
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (!e.name.endsWith('.partial')) out.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(this.root);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }

  async exists(key: string): Promise<boolean> {
    try {
      await access(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    const path = this.path(key);
    if (!(await this.exists(key))) throw new PipelineError('BLOB_NOT_FOUND', `file not found: ${path}`);
    return (await stat(path)).size;
  }

  locate(key: string): BlobLocation {
    return { kind: 'file', path: this.path(key) };
  }
}
