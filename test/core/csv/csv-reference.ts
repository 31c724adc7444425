// What csv-parse gives for an input with the pipeline's reader options, as one list in file order:
// the reference the fast parser is held to. (csv-parse's sync API reads the whole input at once.)
import { parse } from 'csv-parse/sync';
import { CsvRecordParser } from '../../../lambdas/core/csv/record-parser.js';
import { CSV_PARSE_OPTIONS } from '../../../lambdas/steps/io/csv-source.js';

export type ParsedItem =
  | { kind: 'record'; fields: string[]; raw: string; line: number }
  | { kind: 'unreadable'; line: number; raw: string; reason: string };

export function csvParseItems(input: Uint8Array): ParsedItem[] {
  const items: ParsedItem[] = [];
  parse(Buffer.from(input), {
    ...CSV_PARSE_OPTIONS,
    on_skip: (err, raw) => {
      items.push({ kind: 'unreadable', line: Number(err?.lines ?? 0), raw: raw ?? '', reason: err?.message ?? '' });
      return undefined;
    },
    on_record: (r: unknown) => {
      const { record, raw, info } = r as { record: string[]; raw: string; info: { lines: number } };
      items.push({ kind: 'record', fields: record, raw, line: info.lines });
      return null;
    },
  });
  return items;
}

/** The fast parser's items for the same input, pushed in the pieces `cuts` splits it into. */
export function fastParseItems(input: Uint8Array, cuts: number[] = []): ParsedItem[] {
  const items: ParsedItem[] = [];
  const parser = new CsvRecordParser({
    record: (fields, raw, line) => items.push({ kind: 'record', fields: fields!, raw, line }),
    unreadable: (line, raw, reason) => items.push({ kind: 'unreadable', line, raw, reason }),
  });
  for (const piece of splitAt(input, cuts)) parser.push(piece);
  parser.end();
  return items;
}

/** The input cut at the given offsets (taken modulo its length, sorted, deduplicated). */
export function splitAt(input: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (input.length ? c % input.length : 0)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, input.length]) {
    if (p > from) pieces.push(input.subarray(from, p));
    from = Math.max(from, p);
  }
  return pieces;
}
