// Reads a headed CSV object record by record (csv-parse), with the line it came from and its raw text.
// A record the parser cannot read (an unclosed quote, say) is handed on as unreadable instead of
// ending the file, so it can be quarantined with the rest.
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { normaliseColumn } from '../../core/contract/input-contract.js';

export type SourceRecord =
  | { kind: 'row'; line: number; values: Record<string, string>; raw: string }
  | { kind: 'unreadable'; line: number; raw: string; reason: string };

export interface CsvSource {
  /** The header, normalised; resolves once the first record has been read ([] for an empty file). */
  header: Promise<string[]>;
  records: AsyncIterable<SourceRecord>;
}

/** How input CSV is read; the fast reader (core/csv/record-parser.ts) is tested against these. */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  raw: true,
  info: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
} as const;

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

export function readCsv(input: Readable): CsvSource {
  let resolveHeader!: (h: string[]) => void;
  const header = new Promise<string[]>((r) => (resolveHeader = r));
  const skipped: SourceRecord[] = [];
  // Arrays, not objects: csv-parse's own column mapping costs about as much as the parse itself.
  const parser = parse({
    ...CSV_PARSE_OPTIONS,
    on_skip: (err, raw) => {
      skipped.push({ kind: 'unreadable', line: Number(err?.lines ?? 0), raw: raw ?? '', reason: err?.message ?? 'unreadable record' });
      return undefined;
    },
  });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  async function* records(): AsyncGenerator<SourceRecord> {
    let columns: string[] | undefined;
    for await (const r of parser as AsyncIterable<ParsedRecord>) {
      while (skipped.length) yield skipped.shift()!;
      if (!columns) {
        columns = r.record.map(normaliseColumn);
        resolveHeader(columns);
        continue;
      }
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) {
        const v = r.record[i];
        if (v !== undefined) values[columns[i]!] = v;
      }
      yield { kind: 'row', line: r.info.lines, values, raw: r.raw.replace(/\r?\n$/, '') };
    }
    while (skipped.length) yield skipped.shift()!;
    resolveHeader([]);
  }
  return { header, records: records() };
}
