// The toy chunk job of the row-path benchmark (and of the chunk runner's tests): read one chunk of a
// CSV file with the fast parser, replace one column by its keyed pseudonym, and write the chunk's
// rows as CSV to a part file. Concatenating the parts in chunk order gives one CSV file (the first
// part has the header). Plain data in and out, so it can run in a worker thread.
import { createReadStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPseudonymiser } from '../../../lambdas/core/anonymize/pseudonym.js';
import { chunkStart, planChunks, type CsvChunk, type CsvChunkPlan, type ReadBytes } from '../../../lambdas/core/chunks/plan-chunks.js';
import { csvLine } from '../../../lambdas/core/csv/csv-writer.js';
import { CsvRecordParser } from '../../../lambdas/core/csv/record-parser.js';
import type { ChunkJob, ChunkRunner } from '../../../lambdas/steps/chunk-runner.js';

export interface ToyChunkInput {
  path: string;
  plan: CsvChunkPlan;
  chunk: CsvChunk;
  /** The column pseudonymised (a header name). */
  column: string;
  keyHex: string;
  outPath: string;
}

export interface ToyChunkOutput {
  outPath: string;
  rows: number;
  unreadable: number;
}

export const pseudonymiseChunk: ChunkJob<ToyChunkInput, ToyChunkOutput> = {
  name: 'toy/pseudonymise-chunk',
  async run({ path, plan, chunk, column, keyHex, outPath }) {
    const pseudonym = createPseudonymiser(Buffer.from(keyHex, 'hex'));
    const start = chunkStart(plan, chunk);
    const at = plan.header.indexOf(column);
    if (at < 0) throw new Error(`${path} has no column ${column}`);
    let text = '';
    let header = start.header !== undefined;
    let rows = 0;
    let unreadable = 0;
    const parser = new CsvRecordParser(
      {
        record(fields) {
          if (header) {
            fields![at] = pseudonym('patient', fields![at] ?? '');
            rows++;
          }
          header = true;
          text += csvLine(fields!);
        },
        unreadable: () => void unreadable++,
      },
      start,
    );
    if (chunk.end > chunk.start) {
      for await (const bytes of createReadStream(path, { start: chunk.start, end: chunk.end - 1, highWaterMark: 1 << 20 })) parser.push(bytes as Buffer);
    }
    parser.end();
    await writeFile(outPath, text);
    return { outPath, rows, unreadable };
  },
};

export interface PseudonymiseFileOptions {
  column: string;
  keyHex: string;
  rowsPerChunk?: number;
}

/** Plans a local file's chunks and runs the toy job over them with `runner`; the part files in chunk order. */
export async function pseudonymiseFile(runner: ChunkRunner, path: string, outDir: string, o: PseudonymiseFileOptions): Promise<{ parts: string[]; rows: number }> {
  const plan = await planChunks(fileReadBytes(path), { rowsPerChunk: o.rowsPerChunk });
  if (plan.kind !== 'chunks') throw new Error(`${path}: ${plan.reason}`);
  const inputs = plan.chunks.map((chunk) => ({ path, plan, chunk, column: o.column, keyHex: o.keyHex, outPath: join(outDir, `part-${chunk.index}.csv`) }));
  const outputs = await runner.run(pseudonymiseChunk, inputs, (input) => `chunk ${input.chunk.index} (bytes ${input.chunk.start}-${input.chunk.end} of ${path})`);
  return { parts: outputs.map((out) => out.outPath), rows: outputs.reduce((n, out) => n + out.rows, 0) };
}

/** The part files joined: the whole output. */
export async function joinParts(parts: readonly string[]): Promise<string> {
  return (await Promise.all(parts.map((p) => readFile(p, 'utf8')))).join('');
}

/** The planner's ReadBytes over a local file. */
export function fileReadBytes(path: string): ReadBytes {
  const handle = open(path, 'r');
  return async (offset, maxLength) => {
    const h = await handle;
    const buffer = Buffer.alloc(maxLength);
    const { bytesRead } = await h.read(buffer, 0, maxLength, offset);
    if (bytesRead === 0) await h.close();
    return buffer.subarray(0, bytesRead);
  };
}
