// The fast CSV writer gives csv-stringify's bytes with the options the pipeline writes with, field by
// field (property test) and through the blob-store sink (the same file as openCsvSink).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../lambdas/adapters/local/fs-blob-store.js';
import { csvField, csvFormatter } from '../../../lambdas/core/csv/csv-writer.js';
import { openCsvSink, type CsvSink } from '../../../lambdas/steps/io/csv-sink.js';
import { openFastCsvSink } from '../../../lambdas/steps/io/fast-csv-sink.js';

const COLUMNS = ['id', 'name', 'n', 'note'];

/** A value of any type a row may carry, with text full of CSV's special characters. */
const value = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', 'é', '🙂', '=', '-') }),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
);
const row = fc.record(Object.fromEntries(COLUMNS.map((c) => [c, value])), { requiredKeys: [] });

const csvStringify = (rows: Record<string, unknown>[]): string => stringify(rows, { header: true, columns: COLUMNS, eof: true });
const fastFormat = (rows: Record<string, unknown>[]): string => {
  const f = csvFormatter(COLUMNS);
  return f.header + rows.map((r) => f.line(r)).join('');
};

describe('Function: csvField', () => {
  it.each([
    ['plain', 'abc', 'abc'],
    ['empty', '', ''],
    ['comma', 'a,b', '"a,b"'],
    ['quote doubled', 'say "hi"', '"say ""hi"""'],
    ['newline', 'a\nb', '"a\nb"'],
    ['carriage return', 'a\rb', '"a\rb"'],
    ['number', 12.5, '12.5'],
    ['zero', 0, '0'],
    ['true', true, '1'],
    ['false', false, ''],
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['date', new Date(86_400_000), '86400000'],
    ['object as JSON, quoted', { a: 1 }, '"{""a"":1}"'],
  ])('%s', (_name, input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('refuses a value csv-stringify cannot write', () => {
    expect(() => csvField(Symbol('x'))).toThrow(TypeError);
  });
});

describe('Function: csvFormatter', () => {
  it('property: the same text as csv-stringify', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        expect(fastFormat(rows)).toBe(csvStringify(rows));
      }),
      { numRuns: 500 },
    );
  });

  it('writes only the header for no rows, as csv-stringify does', () => {
    expect(fastFormat([])).toBe(csvStringify([]));
  });

  it('refuses column names csv-stringify would read as paths', () => {
    expect(() => csvFormatter(['a.b'])).toThrow(/plain names/);
    expect(() => csvFormatter([])).toThrow(/plain names/);
  });
});

describe('Function: openFastCsvSink', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fast-csv-sink-'));
    store = new FsBlobStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function writeAll(sink: CsvSink, rows: Record<string, unknown>[]): Promise<void> {
    for (const r of rows) await sink.write(r);
    await sink.close();
  }

  it.each([0, 1, 3000])('writes the same file as openCsvSink for %i rows', async (n) => {
    // Prepare: enough rows to cross several of the fast sink's 64 KiB writes.
    const rows = fc.sample(row, { numRuns: n, seed: n });
    // Act
    const fast = openFastCsvSink(store, `fast-${n}.csv`, COLUMNS);
    await writeAll(fast, rows);
    await writeAll(openCsvSink(store, `stringify-${n}.csv`, COLUMNS), rows);
    // Assess
    const [a, b] = await Promise.all([readFile(join(dir, `fast-${n}.csv`)), readFile(join(dir, `stringify-${n}.csv`))]);
    expect(a.equals(b)).toBe(true);
    expect(fast.rows).toBe(n);
  });

  it('fails its writes and close with the store\'s error', async () => {
    // Prepare: a store that gives up on the object it is writing.
    const broken = Object.assign(Object.create(store) as FsBlobStore, { put: () => Promise.reject(new Error('disk full')) });
    const sink = openFastCsvSink(broken, 'broken.csv', COLUMNS);
    await new Promise((r) => setImmediate(r));
    // Act and assess
    await expect(sink.write({ id: 'x' })).rejects.toThrow('disk full');
    await expect(sink.close()).rejects.toThrow('disk full');
  });
});
