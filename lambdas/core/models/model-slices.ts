// A model whose work grows with the batch says `-- slices: <staging table>`: the transform runs it once
// per range of that table's staged lines (source_line, unique per entity and run), so no database call
// handles more than a slice's rows (the Data API cancels any call after 45 s).
import { PipelineError } from '../errors.js';

/** The staging tables a model may be sliced by: their rows carry run_id and source_line (indexed together). */
export const SLICEABLE_TABLES = ['staging_patients', 'staging_providers', 'staging_visits'] as const;
export type SliceableTable = (typeof SLICEABLE_TABLES)[number];

/** Staged lines per slice unless configured: one clean part of the anonymize step (its rowsPerChunk). */
export const DEFAULT_SLICE_ROWS = 250_000;

/** An inclusive range of source lines. */
export interface LineRange {
  first: number;
  last: number;
}

/** The table named by a model's `-- slices:` line, or undefined for a model run in one call. */
export function slicedBy(model: { name: string; sql: string }): SliceableTable | undefined {
  const line = /^--\s*slices:(.*)$/m.exec(model.sql);
  if (!line) return undefined;
  const table = line[1]!.trim();
  if (!(SLICEABLE_TABLES as readonly string[]).includes(table)) {
    throw new PipelineError('BAD_CONFIG', `model ${model.name} slices by ${table || 'nothing'}; a model may slice by ${SLICEABLE_TABLES.join(', ')}`);
  }
  return table as SliceableTable;
}

/** Consecutive ranges of at most `size` lines covering first..last, so no slice holds more than `size` rows. */
export function lineRanges(first: number, last: number, size: number): LineRange[] {
  if (!Number.isInteger(size) || size < 1) throw new PipelineError('BAD_CONFIG', `a transform slice must hold at least one row, not ${size}`);
  const ranges: LineRange[] = [];
  for (let from = first; from <= last; from += size) ranges.push({ first: from, last: Math.min(from + size - 1, last) });
  return ranges;
}
