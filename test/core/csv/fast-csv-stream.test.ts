// readCsvFast hands on the same records as readCsv (csv-parse) on every fixture and on random CSV:
// same header, rows, unreadable records, lines, raw text and reasons. readCsv hands an unreadable
// record on when csv-parse next gives it a record, so its order depends on stream buffering; both are
// compared in file order (by line, stable), and readCsvFast must already be in that order.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvSource, type SourceRecord } from '../../../lambdas/steps/io/csv-source.js';
import { PARSE_PIECE_BYTES, readCsvFast } from '../../../lambdas/steps/io/fast-csv-source.js';
import { anyCsv, cuts, utf8 } from './csv-arbitraries.js';
import { splitAt } from './csv-reference.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

interface Read {
  header: string[];
  records: SourceRecord[];
}

async function readAll(source: CsvSource): Promise<Read> {
  const records: SourceRecord[] = [];
  for await (const r of source.records) records.push(r);
  return { header: await source.header, records };
}

const inFileOrder = (records: SourceRecord[]): SourceRecord[] => [...records].sort((a, b) => a.line - b.line);
const stream = (pieces: Uint8Array[]): Readable => Readable.from(pieces.map((p) => Buffer.from(p)));

async function expectSameAsReadCsv(input: Uint8Array, at: number[]): Promise<void> {
  const fast = await readAll(readCsvFast(stream(splitAt(input, at))));
  const slow = await readAll(readCsv(stream(splitAt(input, at))));
  expect(fast.header).toEqual(slow.header);
  expect(fast.records).toEqual(inFileOrder(fast.records));
  expect(fast.records).toEqual(inFileOrder(slow.records));
}

const csvFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? csvFiles(path) : name.endsWith('.csv') ? [path] : [];
  });

describe('Function: readCsvFast', () => {
  describe('compared with readCsv', () => {
    it.each(csvFiles(FIXTURES).map((p) => [p.slice(FIXTURES.length + 1), p]))('fixture %s, whole and in 7-byte pieces', async (_name, path) => {
      const input = new Uint8Array(readFileSync(path));
      await expectSameAsReadCsv(input, []);
      await expectSameAsReadCsv(input, Array.from({ length: Math.ceil(input.length / 7) }, (_, i) => i * 7));
    });

    it('property: random CSV in random pieces', async () => {
      await fc.assert(fc.asyncProperty(anyCsv, cuts, (text, at) => expectSameAsReadCsv(utf8(text), at)), { numRuns: 300 });
    });

    it('reads UTF-16 input through readCsv', async () => {
      const input = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\n1,2\r\n', 'utf16le')]);
      await expectSameAsReadCsv(input, [5]);
    });
  });

  describe('batches', () => {
    it('hold the same records in the same order, one group per input chunk', async () => {
      const input = utf8('a,b\n1,2\n"x\n' + 'y",3\n4,5\n');
      const pieces = splitAt(input, [6, 11]);
      const groups: SourceRecord[][] = [];
      for await (const g of readCsvFast(stream(pieces)).batches) groups.push(g);
      expect(groups.map((g) => g.map((r) => r.line))).toEqual([[2], [4, 5]]);
      expect(groups.flat()).toEqual((await readAll(readCsvFast(stream(pieces)))).records);
    });

    it('split a large input chunk into groups of at most 64 KiB of records, the same records in order', async () => {
      // Prepare: one 1 MiB-sized chunk, as a file store hands on, with a quoted newline here and there.
      const lines = Array.from({ length: 20_000 }, (_, i) => (i % 997 === 0 ? `${i},"two\nlines"` : `${i},plain text ${i}`));
      const input = utf8(`id,note\n${lines.join('\n')}\n`);
      const groups: SourceRecord[][] = [];

      // Act
      for await (const g of readCsvFast(stream([input])).batches) groups.push(g);

      // Assess
      expect(groups.length).toBeGreaterThanOrEqual(Math.floor(input.byteLength / 65_536));
      // A group holds the records that end in its piece: one may have started in the piece before.
      expect(Math.max(...groups.map((g) => g.reduce((n, r) => n + r.raw.length + 1, 0)))).toBeLessThanOrEqual(65_536 + 40);
      expect(groups.flat()).toEqual(inFileOrder((await readAll(readCsv(stream([input])))).records));
    });
  });

  describe('header', () => {
    it('is known when the first record is handed on, even if records before it were unreadable', async () => {
      // Prepare: the first line has a stray quote, so csv-parse skips it and the next line is the header.
      const source = readCsvFast(stream([utf8('patient_id,na"me\nP1,x\n'), utf8('P2,y\n')]));
      const seen: [string, string[]][] = [];
      // Act: what the anonymize step does, awaiting the header at the first record.
      for await (const r of source.records) seen.push([r.kind, await source.header]);
      // Assess
      expect(seen).toEqual([
        ['unreadable', ['p1', 'x']],
        ['row', ['p1', 'x']],
      ]);
    });

    it('is given for a chunk that starts after it', async () => {
      const { records, header } = await readAll(readCsvFast(stream([utf8('a,b\r\n')]), { header: ['A ', 'B'], offset: 20, line: 7, recordDelimiter: '\r\n' }));
      expect(header).toEqual(['a', 'b']);
      expect(records).toEqual([{ kind: 'row', line: 7, values: { a: 'a', b: 'b' }, raw: 'a,b\r' }]);
    });
  });

  describe('Batches', () => {
    it("hold one piece's records at most, however large the stream's reads, and all of them in order", async () => {
      // Prepare: one 1 MiB read of 20-byte rows, as a file store hands it over.
      const row = (i: number) => `P${String(i).padStart(8, '0')},name${String(i % 1000).padStart(5, '0')}\n`;
      const rows = Math.ceil((1 << 20) / row(0).length);
      const text = 'patient_id,name\n' + Array.from({ length: rows }, (_, i) => row(i)).join('');
      // Act
      const sizes: number[] = [];
      const ids: string[] = [];
      for await (const batch of readCsvFast(stream([utf8(text)])).batches) {
        sizes.push(batch.length);
        for (const r of batch) if (r.kind === 'row') ids.push(r.values['patient_id']!);
      }
      // Assess
      expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(PARSE_PIECE_BYTES / row(0).length) + 1);
      expect(ids).toEqual(Array.from({ length: rows }, (_, i) => `P${String(i).padStart(8, '0')}`));
    });
  });
});
