// Chunked reading of a stored file: the chunks' records, read one by one from the store, are the
// whole file's records (as readCsvFast and readCsv read them), with or without a ranged get.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../lambdas/adapters/local/fs-blob-store.js';
import type { BlobStore } from '../../../lambdas/ports.js';
import { blobReadBytes } from '../../../lambdas/steps/io/blob-ranges.js';
import { planCsvChunks, readCsvChunk } from '../../../lambdas/steps/io/csv-chunks.js';
import { readCsv, type CsvSource, type SourceRecord } from '../../../lambdas/steps/io/csv-source.js';
import { readCsvFast } from '../../../lambdas/steps/io/fast-csv-source.js';

/** An export with quoted addresses (commas, CRLF inside quotes), empty lines, a bad row and a BOM. */
const EXPORT =
  '\uFEFFid,name,address\r\n' +
  Array.from({ length: 60 }, (_, i) =>
    i % 9 === 4 ? `${i},"Bad "quote,x` : i % 5 === 0 ? `${i},"Doe, J",\"${i} Elm St\r\nApt ${i}\"` : i % 7 === 0 ? `\r\n${i},Ann,1 Loop` : `${i},Bo,"2 Rd, #${i}"`,
  ).join('\r\n') +
  '\r\n';

async function records(source: CsvSource): Promise<{ header: string[]; records: SourceRecord[] }> {
  const out: SourceRecord[] = [];
  for await (const r of source.records) out.push(r);
  return { header: await source.header, records: out };
}

/** The same folder without its ranged get, as a store that can only stream whole objects. */
const withoutRanges = (store: FsBlobStore): BlobStore => ({
  get: (key) => store.get(key),
  put: (key, body) => store.put(key, body),
  list: (prefix) => store.list(prefix),
  exists: (key) => store.exists(key),
  locate: (key) => store.locate(key),
});

describe('Function: readCsvChunk', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-chunks-'));
    store = new FsBlobStore(dir);
    await writeFile(join(dir, 'export.csv'), EXPORT);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['a plain store (prefix read and dropped)', () => withoutRanges(store)],
    ['a store with ranged gets (a folder, as S3 has too)', () => store],
  ] as [string, () => BlobStore][])('gives the whole file\'s records chunk by chunk from %s', async (_name, storeOf) => {
    // Prepare
    const s = storeOf();
    const plan = await planCsvChunks(s, 'export.csv', { rowsPerChunk: 7, readBytes: 13 });
    if (plan.kind !== 'chunks') throw new Error(plan.reason);
    // Act
    const parts = [];
    for (const chunk of plan.chunks) parts.push(await records(await readCsvChunk(s, 'export.csv', plan, chunk)));
    // Assess
    const whole = await records(readCsvFast(await s.get('export.csv')));
    const slow = await records(readCsv(await s.get('export.csv')));
    expect(plan.chunks.length).toBeGreaterThan(5);
    expect(parts.every((p) => p.header.join() === 'id,name,address')).toBe(true);
    expect(parts.flatMap((p) => p.records)).toEqual(whole.records);
    expect(whole.records).toEqual([...slow.records].sort((a, b) => a.line - b.line));
    expect(whole.records.filter((r) => r.kind === 'unreadable').length).toBeGreaterThan(0);
  });
});

describe('Function: blobReadBytes', () => {
  it('reads in order from one stream and opens another when asked elsewhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blob-read-bytes-'));
    try {
      const store = new FsBlobStore(dir);
      await store.put('f', '0123456789');
      const read = blobReadBytes(store, 'f');
      const text = async (offset: number, n: number) => Buffer.from(await read(offset, n)).toString();
      expect([await text(0, 4), await text(4, 4), await text(8, 4), await text(10, 4)]).toEqual(['0123', '4567', '89', '']);
      expect([await text(3, 2), await text(5, 100)]).toEqual(['34', '56789']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Method: FsBlobStore.getRange', () => {
  it('reads a range in pieces of at most 256 KiB (a chunk read holds little memory in flight), all of it', async () => {
    // Prepare: 3 MiB of bytes that say where they are.
    const dir = await mkdtemp(join(tmpdir(), 'fs-range-'));
    try {
      const bytes = Buffer.alloc(3 << 20);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
      await writeFile(join(dir, 'big'), bytes);
      // Act
      const reads: Buffer[] = [];
      for await (const piece of await new FsBlobStore(dir).getRange('big', 1000, bytes.length - 7)) reads.push(piece as Buffer);
      // Assess
      expect(Math.max(...reads.map((r) => r.length))).toBeLessThanOrEqual(256 * 1024);
      expect(Buffer.concat(reads).equals(bytes.subarray(1000, bytes.length - 7))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
