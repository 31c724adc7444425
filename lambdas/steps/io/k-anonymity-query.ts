// Measures the smallest equivalence class of current patients over the quasi-identifiers.
import type { Sql } from '../../ports.js';

export const QUASI_IDENTIFIERS = ['age_band', 'gender', 'zip3', 'state'] as const;

export interface KAnonymity {
  smallestK: number;
  classes: number;
  classesBelowK: number;
}

export async function measureKAnonymity(sql: Sql, k: number): Promise<KAnonymity> {
  const cols = QUASI_IDENTIFIERS.join(', ');
  const [row] = await sql.query<{ smallest: number | null; classes: number; below: number }>(
    `select min(n)::bigint as smallest, count(*)::bigint as classes, count(*) filter (where n < $1)::bigint as below
     from (select count(*) as n from dim_patients where is_current group by ${cols}) as c`,
    [k],
  );
  return { smallestK: Number(row?.smallest ?? 0), classes: Number(row?.classes ?? 0), classesBelowK: Number(row?.below ?? 0) };
}
