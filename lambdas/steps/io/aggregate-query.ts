// One scan of the star schema gives every published table's exact, contribution-bounded aggregates
// (grouping sets), so a release costs one pass over fact_visits however many tables it has.
import type { Sql } from '../../ports.js';
import { PUBLISHED_TABLES, type PublishedTableName, type TrueCell } from '../../core/publish/true-aggregates.js';

const KEY_COLUMNS = ['age_group', 'gender', 'diagnosis', 'specialty', 'month', 'state'] as const;

const bitsFor = (used: readonly string[]): number =>
  KEY_COLUMNS.reduce((g, col, i) => (used.includes(col) ? g : g | (1 << (KEY_COLUMNS.length - 1 - i))), 0);

const TABLE_BY_GROUPING = new Map<number, PublishedTableName | 'total'>([
  ...Object.entries(PUBLISHED_TABLES).map(([name, cols]) => [bitsFor(cols), name as PublishedTableName] as const),
  [bitsFor([]), 'total'],
]);

const GROUPING_SETS = [...Object.values(PUBLISHED_TABLES).map((cols) => `(${cols.join(', ')})`), '()'].join(', ');

const SQL = `
with bounded as (
  select
    p.patient_id, p.age_group, p.gender, f.diagnosis, r.specialty, r.provider_id, p.state,
    to_char(f.visit_date, 'YYYY-MM') as month,
    round(least(greatest(f.cost, 0), $1::numeric) * 100)::bigint as cost_cents,
    row_number() over (partition by p.patient_id order by f.visit_id) as nth
  from fact_visits as f
  join dim_patients as p on p.patient_key = f.patient_key
  join dim_providers as r on r.provider_key = f.provider_key
)
select
  ${KEY_COLUMNS.join(', ')},
  grouping(${KEY_COLUMNS.join(', ')}) as g,
  count(*)::bigint as visits,
  count(distinct patient_id)::bigint as patients,
  coalesce(sum(cost_cents), 0)::bigint as sum_cents,
  count(distinct provider_id)::bigint as providers
from bounded
where nth <= $2
group by grouping sets (${GROUPING_SETS})`;

type AggregateRow = Record<(typeof KEY_COLUMNS)[number], string | null> & {
  g: number; visits: number; patients: number; sum_cents: number; providers: number;
};

export async function queryTrueAggregates(sql: Sql, costClamp: number, maxVisitsPerPatient: number): Promise<TrueCell[]> {
  const rows = await sql.query<AggregateRow>(SQL, [costClamp, maxVisitsPerPatient]);
  return rows.map((r) => {
    const table = TABLE_BY_GROUPING.get(Number(r.g));
    if (!table) throw new Error(`unexpected grouping ${r.g}`);
    const cols: readonly string[] = table === 'total' ? [] : PUBLISHED_TABLES[table];
    return {
      table,
      key: Object.fromEntries(cols.map((c) => [c, String(r[c as (typeof KEY_COLUMNS)[number]])])),
      visits: Number(r.visits),
      patients: Number(r.patients),
      sumCents: Number(r.sum_cents),
      providers: Number(r.providers),
    };
  });
}
