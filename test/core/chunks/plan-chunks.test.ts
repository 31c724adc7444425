// The chunk planner cuts a file only where a record ends, and reading its chunks in order gives the
// whole file's records, raw text, lines and errors, whatever the chunk size and read size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkStart, planChunks, type CsvChunkPlan, type ReadBytes } from '../../../lambdas/core/chunks/plan-chunks.js';
import { CsvRecordParser } from '../../../lambdas/core/csv/record-parser.js';
import { anyCsv, utf8, wellFormedCsv } from '../csv/csv-arbitraries.js';
import { fastParseItems, type ParsedItem } from '../csv/csv-reference.js';

type Plan = CsvChunkPlan;

const reader = (file: Uint8Array): ReadBytes => async (offset, length) => file.subarray(offset, offset + length);

async function plan(file: Uint8Array, rowsPerChunk: number, readBytes = 7): Promise<Plan> {
  const p = await planChunks(reader(file), { rowsPerChunk, readBytes });
  if (p.kind !== 'chunks') throw new Error(`expected chunks, got ${p.reason}`);
  return p;
}

/** Each chunk read alone, as a worker reads it, in chunk order; the header is the first chunk's first record. */
function readChunks(file: Uint8Array, p: Plan): ParsedItem[][] {
  return p.chunks.map((chunk) => {
    const items: ParsedItem[] = [];
    const parser = new CsvRecordParser(
      {
        record: (fields, raw, line) => items.push({ kind: 'record', fields: fields!, raw, line }),
        unreadable: (line, raw, reason) => items.push({ kind: 'unreadable', line, raw, reason }),
      },
      chunkStart(p, chunk),
    );
    parser.push(file.subarray(chunk.start, chunk.end));
    parser.end();
    return items;
  });
}

function expectReassembles(file: Uint8Array, p: Plan, rowsPerChunk: number): void {
  const perChunk = readChunks(file, p);
  expect(perChunk.flat()).toEqual(fastParseItems(file));
  // Contiguous cover of the file, row counts as read, full chunks but the last.
  expect(p.chunks.map((c) => [c.start, c.end])).toEqual(p.chunks.map((c, i) => [i === 0 ? 0 : p.chunks[i - 1]!.end, c.end]));
  expect(p.chunks.at(-1)!.end).toBe(file.length);
  const rows = perChunk.map((items, i) => items.filter((x) => x.kind === 'record').length - (i === 0 && p.header.length ? 1 : 0));
  expect(rows).toEqual(p.chunks.map((c) => c.rows));
  expect(p.chunks.slice(0, -1).every((c) => c.rows === rowsPerChunk)).toBe(true);
  expect(rows.reduce((a, b) => a + b, 0)).toBe(p.rows);
}

describe('Function: planChunks', () => {
  it('does not cut a quoted newline, even where a read ends inside it', async () => {
    // Prepare: addresses with quoted newlines; reads of 5 bytes end inside the quotes.
    const file = utf8('id,address\n1,"12 Elm St\nApt 3"\n2,"9 Pine Rd\n\nDover"\n3,x\n');
    // Act
    const p = await plan(file, 1, 5);
    // Assess: one row per chunk, each starting on a record, lines counted through the quoted newlines.
    expect(p.chunks.map((c) => [c.start, c.firstLine, c.rows])).toEqual([[0, 1, 1], [31, 4, 1], [52, 7, 1]]);
    expect(p.header).toEqual(['id', 'address']);
    expectReassembles(file, p, 1);
  });

  it('keeps a CRLF whole when a read ends between its two bytes', async () => {
    const file = utf8('a,b\r\n1,2\r\n3,4\r\n5,6\r\n');
    for (const readBytes of [4, 9, 14]) {
      const p = await plan(file, 2, readBytes);
      expect(file[readBytes - 1]).toBe(13);
      expect(p.chunks.map((c) => [c.start, c.end, c.firstLine])).toEqual([[0, 15, 1], [15, 20, 4]]);
      expect(p.recordDelimiter).toBe('\r\n');
      expectReassembles(file, p, 2);
    }
  });

  it('property: the chunks read in order are the whole file, for any chunk and read size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormedCsv, anyCsv), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }), async (text, rowsPerChunk, readBytes) => {
        const file = utf8(text);
        expectReassembles(file, await plan(file, rowsPerChunk, readBytes), rowsPerChunk);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['an empty file', '', [], 0],
    ['a header only', 'a,b\n', ['a', 'b'], 0],
    ['a header without a line ending', 'a,b', ['a', 'b'], 0],
    ['a first line csv-parse skips', 'x"y\na\n1\n', ['a'], 1],
  ])('plans %s as one chunk', async (_name, text, header, rows) => {
    const file = utf8(text);
    const p = await plan(file, 10);
    expect([p.header, p.rows, p.chunks.length]).toEqual([header, rows, 1]);
    expectReassembles(file, p, 10);
  });

  it('defaults to 250,000 rows per chunk', async () => {
    const file = utf8('h\n' + 'r\n'.repeat(250_001));
    const p = await planChunks(reader(file));
    expect(p.kind === 'chunks' && p.chunks.map((c) => c.rows)).toEqual([250_000, 1]);
  });

  it('leaves a UTF-16 file whole', async () => {
    const file = new Uint8Array([0xff, 0xfe, 0x61, 0]);
    expect(await planChunks(reader(file))).toMatchObject({ kind: 'whole' });
  });
});
