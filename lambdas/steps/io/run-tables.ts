// The warehouse's table sizes after a run, for the run's summary.
import type { Sql } from '../../ports.js';

const COUNTED_TABLES = ['dim_patients', 'dim_providers', 'fact_visits'];

export async function countRunTables(sql: Sql, _runId: string): Promise<Record<string, number>> {
  const union = COUNTED_TABLES.map((t) => `select '${t}' as name, count(*)::bigint as n from ${t}`).join(' union all ');
  const rows = await sql.query<{ name: string; n: number }>(union);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}
