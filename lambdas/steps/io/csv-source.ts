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
  header: Promise<string[]>;
  records: AsyncIterable<SourceRecord>;
}

export function readCsv(input: Readable): CsvSource {
  let resolveHeader!: (h: string[]) => void;
  const header = new Promise<string[]>((r) => (resolveHeader = r));
  const skipped: SourceRecord[] = [];
  const parser = parse({
    columns: (h: string[]) => {
      const names = h.map(normaliseColumn);
      resolveHeader(names);
      return names;
    },
    bom: true,
    raw: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err, raw) => {
      skipped.push({ kind: 'unreadable', line: Number(err?.lines ?? 0), raw: raw ?? '', reason: err?.message ?? 'unreadable record' });
      return undefined;
    },
  });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  async function* records(): AsyncGenerator<SourceRecord> {
    for await (const r of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      yield { kind: 'row', line: r.info.lines, values: r.record, raw: r.raw.replace(/\r?\n$/, '') };
    }
    while (skipped.length) yield skipped.shift()!;
    resolveHeader([]);
  }
  return { header, records: records() };
}
