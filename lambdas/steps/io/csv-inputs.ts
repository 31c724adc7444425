// CSV files as per-entity record streams: the reference system's files as they are (contract v1), or
// any export through a mapping (core/formats/mapping). Both stream; a missing column is a clear error
// naming the file and the column, an unused column is reported. The contract's files (the format at
// scale) are read with the fast reader (fast-csv-source.ts), mapped exports with csv-parse (csv-source.ts):
// the same records, except that the fast reader hands unreadable records on in file order.
import type { Readable } from 'node:stream';
import { checkHeader } from '../../core/contract/input-contract.js';
import { PipelineError } from '../../core/errors.js';
import { applyMapping, mappedColumns, type CompiledMapping } from '../../core/formats/mapping/apply-mapping.js';
import type { BlobStore } from '../../ports.js';
import type { Entity } from '../run-state.js';
import { readCsv, type CsvSource, type SourceRecord } from './csv-source.js';
import { readCsvFast } from './fast-csv-source.js';
import { recordOf, unreadable, type EntityInput, type InputRecord, type RecordOrigin } from './input-record.js';
import { describe } from './manifest.js';

/** One of the reference's three files, read as it is. */
export function contractCsvInput(store: BlobStore, key: string, entity: Entity, offsets: { file: string; lineOffset: number }[]): EntityInput {
  let extra: string[] | undefined;
  const check = (header: string[], where: string) => (extra ??= checkedHeader(entity, header, where));
  return { records: csvRecords(store, [key], check, (r) => ({ ok: true, values: r }), offsets, readCsvFast), extraColumns: () => extra ?? [] };
}

/** One entity of a mapped export: the mapping's files for it, read one after another. */
export function mappedCsvInput(store: BlobStore, keys: readonly string[], mapping: CompiledMapping, offsets: { file: string; lineOffset: number }[]): EntityInput {
  const extra = new Set<string>();
  const wanted = mappedColumns(mapping);
  const check = (header: string[], where: string) => {
    if (header.length === 0) throw emptyFile(where);
    const missing = wanted.filter((c) => !header.includes(c));
    if (missing.length) {
      throw new PipelineError(
        'BAD_HEADER',
        `${where}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the mapping reads for ${mapping.entity} (header is: ${header.join(', ')})`,
        'fix the column names in the mapping file, or export the file with those columns',
      );
    }
    for (const c of header) if (!wanted.includes(c)) extra.add(c);
  };
  return { records: csvRecords(store, keys, check, (r) => applyMapping(mapping, r), offsets, readCsv), extraColumns: () => [...extra] };
}

async function* csvRecords(
  store: BlobStore,
  keys: readonly string[],
  checkHeader: (header: string[], where: string) => void,
  toRow: (values: Record<string, string>) => Parameters<typeof recordOf>[0],
  offsets: { file: string; lineOffset: number }[],
  readFile: (input: Readable) => CsvSource,
): AsyncGenerator<InputRecord> {
  let offset = 0;
  for (const key of keys) {
    const where = describe(store, key);
    offsets.push({ file: where, lineOffset: offset });
    const source = readFile(await store.get(key));
    let checked = false;
    let last = 0;
    for await (const r of source.records) {
      // Only a row proves the header was read: csv-source hands on an unreadable record as soon as the
      // parser skips it, possibly before the header record, so awaiting the header then would deadlock.
      if (!checked && r.kind === 'row') {
        checkHeader(await source.header, where);
        checked = true;
      }
      last = Math.max(last, r.line);
      yield inputOf(r, { file: where, line: r.line, sourceLine: offset + r.line }, toRow);
    }
    if (!checked) checkHeader(await source.header, where);
    offset += last;
  }
}

export const inputOf = (r: SourceRecord, origin: RecordOrigin, toRow: (values: Record<string, string>) => Parameters<typeof recordOf>[0]): InputRecord =>
  r.kind === 'unreadable' ? unreadable(origin, r.raw, `unreadable CSV record: ${r.reason}`) : recordOf(toRow(r.values), origin, r.raw);

const emptyFile = (where: string) => new PipelineError('BAD_HEADER', `${where} is empty: expected a header line`, 'export the file again with its header row');

export function checkedHeader(entity: Entity, header: string[], where: string): string[] {
  if (header.length === 0) throw emptyFile(where);
  const { missing, extra } = checkHeader(entity, header);
  if (missing.length) {
    throw new PipelineError(
      'BAD_HEADER',
      `${where}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header is: ${header.join(', ')})`,
      `the ${entity} file must have the columns of input contract v1; see README "Input files"`,
    );
  }
  return extra;
}
