// Reads a text object line by line with its line numbers (LF or CRLF, a UTF-8 BOM dropped), streaming:
// memory holds one line at a time. Blank lines are skipped but still counted.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export interface TextLine {
  line: number;
  text: string;
}

export async function* readLines(input: Readable): AsyncGenerator<TextLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const clean = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (clean.trim() !== '') yield { line, text: clean };
  }
}

