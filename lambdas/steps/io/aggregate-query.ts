// One scan of the star schema gives every published table's exact, contribution-bounded aggregates
// (grouping sets), so a release costs one pass over fact_visits however many tables it has.
//
// - Patient attributes (age group, gender, state) come from the patient's CURRENT dim_patients version
//   for all of their visits, whichever version a visit was loaded against: in a table keyed only by
//   patient attributes each patient is in exactly one cell.
// - Each patient contributes their first maxVisitsPerPatient visits in visit_id order (a keyed
//   pseudonym, so the choice depends on nothing but that patient's own visits).
// - Each cost is clamped to [0, costClamp] and summed in integer cents.
// - States and diagnoses outside the published vocabularies are pooled into 'Other', so the keys
//   listed never depend on the data.
import type { Sql } from '../../ports.js';
import {
  DIAGNOSIS_VOCABULARY,
  INTERNAL_TABLES,
  OTHER,
  PUBLISHED_TABLES,
  US_STATES,
  reportingMonths,
  type InternalTableName,
  type PublishedTableName,
  type ReleaseDomains,
  type TrueCell,
} from '../../core/publish/true-aggregates.js';

const KEY_COLUMNS = ['age_group', 'gender', 'diagnosis', 'specialty', 'month', 'state', 'provider_id'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];

const ALL_TABLES: Record<PublishedTableName | InternalTableName, readonly string[]> = { ...PUBLISHED_TABLES, ...INTERNAL_TABLES };

const bitsFor = (used: readonly string[]): number =>
  KEY_COLUMNS.reduce((g, col, i) => (used.includes(col) ? g : g | (1 << (KEY_COLUMNS.length - 1 - i))), 0);

const TABLE_BY_GROUPING = new Map<number, PublishedTableName | InternalTableName | 'total'>([
  ...Object.entries(ALL_TABLES).map(([name, cols]) => [bitsFor(cols), name as PublishedTableName | InternalTableName] as const),
  [bitsFor([]), 'total'],
]);

const GROUPING_SETS = [...Object.values(ALL_TABLES).map((cols) => `(${cols.join(', ')})`), '()'].join(', ');

const SQL = `
with visits as (
  select
    cur.patient_id,
    cur.age_group,
    cur.gender,
    case when cur.state in (select jsonb_array_elements_text($3::jsonb)) then cur.state else $5 end as state,
    case when f.diagnosis in (select jsonb_array_elements_text($4::jsonb)) then f.diagnosis else $5 end as diagnosis,
    r.specialty,
    r.provider_id,
    to_char(f.visit_date, 'YYYY-MM') as month,
    f.visit_id,
    f.cost
  from fact_visits as f
  join dim_patients as v on v.patient_key = f.patient_key
  join dim_patients as cur on cur.patient_id = v.patient_id and cur.is_current
  join dim_providers as r on r.provider_key = f.provider_key
),

bounded as (
  select
    visits.*,
    round(least(greatest(cost, 0), $1::numeric) * 100)::bigint as cost_cents,
    row_number() over (partition by patient_id order by visit_id) as nth
  from visits
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

type AggregateRow = Record<KeyColumn, string | null> & {
  g: number; visits: number; patients: number; sum_cents: number; providers: number;
};

export interface AggregateBounds {
  costClamp: number;
  maxVisitsPerPatient: number;
}

export async function queryTrueAggregates(sql: Sql, bounds: AggregateBounds): Promise<TrueCell[]> {
  const rows = await sql.query<AggregateRow>(SQL, [
    bounds.costClamp,
    bounds.maxVisitsPerPatient,
    JSON.stringify(US_STATES),
    JSON.stringify(DIAGNOSIS_VOCABULARY),
    OTHER,
  ]);
  return rows.map((r) => {
    const table = TABLE_BY_GROUPING.get(Number(r.g));
    if (!table) throw new Error(`unexpected grouping ${r.g}`);
    const cols: readonly string[] = table === 'total' ? [] : ALL_TABLES[table];
    return {
      table,
      key: Object.fromEntries(cols.map((c) => [c, String(r[c as KeyColumn])])),
      visits: Number(r.visits),
      patients: Number(r.patients),
      sumCents: Number(r.sum_cents),
      providers: Number(r.providers),
    };
  });
}

/** Key domains that no patient influences: the provider roster, its specialties, the reporting months. */
export async function queryReleaseDomains(sql: Sql, asOf: string): Promise<ReleaseDomains> {
  const providers = await sql.query<{ provider_id: string; specialty: string }>(
    'select provider_id, specialty from dim_providers order by provider_id',
  );
  return {
    specialty: [...new Set(providers.map((p) => p.specialty))].sort(),
    month: reportingMonths(asOf),
    provider: providers.map((p) => p.provider_id),
  };
}
