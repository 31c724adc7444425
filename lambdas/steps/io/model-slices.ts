// Runs a sliced model (`-- slices: <staging table>`) once per range of the run's staged lines: each
// range is set as pipeline.<table>_first_line/_last_line, which the stg_* views (070_transform_slices.sql)
// and the model's own SQL read, then cleared so later models see every line again.
import { lineRanges, SLICEABLE_TABLES, type LineRange, type SliceableTable } from '../../core/models/model-slices.js';
import type { Sql } from '../../ports.js';

/** Calls `run` once per slice of the run's rows in `table` (once, unsliced, when the run staged none). */
export async function forEachSlice(sql: Sql, table: SliceableTable, runId: string, size: number, run: (slice: LineRange | undefined) => Promise<void>): Promise<void> {
  const [span] = await sql.query<{ first: number | null; last: number | null }>(
    `select min(source_line) as first, max(source_line) as last from ${table} where run_id = $1`,
    [runId],
  );
  if (span?.first == null || span.last == null) return run(undefined);
  for (const slice of lineRanges(Number(span.first), Number(span.last), size)) {
    await setSlice(sql, table, slice);
    await run(slice);
  }
  // Not in a finally: after a failure the transaction is rolled back, settings and all.
  await setSlice(sql, table, undefined);
}

async function setSlice(sql: Sql, table: SliceableTable, slice: LineRange | undefined): Promise<void> {
  await sql.query(`select set_config($1, $2, true), set_config($3, $4, true)`, [
    `pipeline.${table}_first_line`, slice ? String(slice.first) : '',
    `pipeline.${table}_last_line`, slice ? String(slice.last) : '',
  ]);
}

/**
 * The run's staged lines in every staging table, as the spans of their line numbers (each found by the
 * (run_id, source_line) index, so no call counts rows): at least the rows, which is what a bucketed
 * model's bucket count needs (core/models/model-buckets.ts).
 */
export async function runStagedLines(sql: Sql, runId: string): Promise<number> {
  const spans = SLICEABLE_TABLES.map((t) => `(select coalesce(max(source_line) - min(source_line) + 1, 0) from ${t} where run_id = $1)`);
  const [row] = await sql.query<{ lines: number | string }>(`select (${spans.join(' + ')})::bigint as lines`, [runId]);
  return Number(row?.lines ?? 0);
}
