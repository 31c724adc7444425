// The warehouse's table sizes after a run, for the run's summary. Whole-table counts: the one part of
// the transform that still costs what the warehouse holds (docs/TRANSFORM.md).
import type { Sql } from '../../ports.js';

const COUNTED_TABLES = ['dim_patients', 'dim_providers', 'fact_visits'];

export async function countWarehouseTables(sql: Sql): Promise<Record<string, number>> {
  const union = COUNTED_TABLES.map((t) => `select '${t}' as name, count(*)::bigint as n from ${t}`).join(' union all ');
  const rows = await sql.query<{ name: string; n: number }>(union);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}
