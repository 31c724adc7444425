// The release's reads of the star schema, each one scan with contributions bounded the same way:
// - patient attributes (age group at the batch date, gender, state) come from the patient's CURRENT
//   dim_patients version for all of their visits: in a table keyed only by patient attributes each
//   patient is in exactly one cell;
// - each patient contributes their first maxVisitsPerPatient visits in visit_id order (a keyed
//   pseudonym, so the choice depends on nothing but that patient's own visits);
// - costs are clamped to [0, clamp] and summed in integer cents; a missing cost is not counted.
// queryReleaseInputs feeds the DP clamp and the partition selection of data-derived keys (one scan),
// queryTrueAggregates every published table (grouping sets: one pass however many tables). Keys outside a table's domain are pooled into OTHER, so the keys listed never depend on the data.
import type { Sql } from '../../ports.js';
import { CLAMP_CANDIDATES_CENTS } from '../../core/privacy/dp-quantile.js';
import type { Candidate } from '../../core/privacy/partition-selection.js';
import {
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

/** Every bounded visit with its current patient attributes. $1 = maxVisitsPerPatient, $2 = the batch date. */
const BOUNDED_VISITS = `
with visits as (
  select
    cur.patient_id,
    age_group_for(cur.birth_year, $2::date) as age_group,
    cur.gender,
    cur.state,
    f.diagnosis,
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
  select visits.*, row_number() over (partition by patient_id order by visit_id) as nth
  from visits
)`;

export interface BoundsOf {
  maxVisitsPerPatient: number;
  /** The batch date (YYYY-MM-DD): ages are stated at it. */
  asOf: string;
}

/** What a release decides before its tables: the DP clamp's histogram and the partition selections' candidates. */
export interface ReleaseInputs {
  /**
   * One cost per patient (their first bounded visit that has one), counted per clamp candidate:
   * costHistogram[j] = patients whose cost is in (candidate j-1, candidate j]; the last bucket holds everything above.
   */
  costHistogram: number[];
  /**
   * Patients per data-derived key, each patient counted for ONE key: the value of their first bounded visit
   * (in visit_id order) that is outside the dimension's listed terms and not OTHER.
   */
  candidates: Record<'diagnosis' | 'specialty', Candidate[]>;
}

/** One scan of the bounded visits for all three: one row per patient with their first cost and first data-derived keys. */
export async function queryReleaseInputs(
  sql: Sql,
  b: BoundsOf & { listed: Record<'diagnosis' | 'specialty', readonly string[]> },
): Promise<ReleaseInputs> {
  const firstOutside = (dimension: 'diagnosis' | 'specialty', param: string): string =>
    `(array_agg(${dimension} order by visit_id) filter (where ${dimension} not in (select jsonb_array_elements_text(${param}::jsonb))))[1] as ${dimension}`;
  const rows = await sql.query<{ kind: 'cost' | 'diagnosis' | 'specialty'; key: string; n: number }>(
    `${BOUNDED_VISITS},
per_patient as (
  select
    patient_id,
    (array_agg(round(cost * 100)::bigint order by visit_id) filter (where cost is not null))[1] as cents,
    ${firstOutside('diagnosis', '$4')},
    ${firstOutside('specialty', '$5')}
  from bounded
  where nth <= $1
  group by patient_id
)
select 'cost' as kind, width_bucket(cents, array(select (jsonb_array_elements_text($3::jsonb))::bigint))::text as key, count(*)::bigint as n
from per_patient where cents is not null group by 2
union all
select 'diagnosis', diagnosis, count(*)::bigint from per_patient where diagnosis is not null group by 2
union all
select 'specialty', specialty, count(*)::bigint from per_patient where specialty is not null group by 2`,
    [
      b.maxVisitsPerPatient,
      b.asOf,
      JSON.stringify(CLAMP_CANDIDATES_CENTS.map((c) => c + 1)),
      JSON.stringify([...b.listed.diagnosis, OTHER]),
      JSON.stringify([...b.listed.specialty, OTHER]),
    ],
  );
  const costHistogram = CLAMP_CANDIDATES_CENTS.map(() => 0);
  const candidates: ReleaseInputs['candidates'] = { diagnosis: [], specialty: [] };
  for (const r of rows) {
    if (r.kind === 'cost') costHistogram[Math.min(Number(r.key), costHistogram.length - 1)]! += Number(r.n);
    else candidates[r.kind].push({ key: r.key, patients: Number(r.n) });
  }
  for (const list of Object.values(candidates)) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { costHistogram, candidates };
}

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

const pooled = (column: string, param: string): string =>
  `case when ${column} in (select jsonb_array_elements_text(${param}::jsonb)) then ${column} else $4 end as ${column}`;

// $1 maxVisitsPerPatient, $2 batch date, $3 clamp in cents, $4 OTHER, $5 states, $6 diagnoses, $7 specialties.
const AGGREGATES = `${BOUNDED_VISITS},
keyed as (
  select
    patient_id, age_group, gender, month, provider_id,
    ${pooled('state', '$5')},
    ${pooled('diagnosis', '$6')},
    ${pooled('specialty', '$7')},
    least(greatest(round(cost * 100), 0), $3::bigint)::bigint as cost_cents
  from bounded
  where nth <= $1
)

select
  ${KEY_COLUMNS.join(', ')},
  grouping(${KEY_COLUMNS.join(', ')}) as g,
  count(*)::bigint as visits,
  count(distinct patient_id)::bigint as patients,
  coalesce(sum(cost_cents), 0)::bigint as sum_cents,
  count(cost_cents)::bigint as cost_count
from keyed
group by grouping sets (${GROUPING_SETS})`;

type AggregateRow = Record<KeyColumn, string | null> & {
  g: number; visits: number; patients: number; sum_cents: number; cost_count: number;
};

export interface AggregateBounds extends BoundsOf {
  clampCents: number;
  /** The release's diagnosis and specialty domains (anything else is pooled into OTHER). */
  domains: Pick<ReleaseDomains, 'diagnosis' | 'specialty'>;
}

export async function queryTrueAggregates(sql: Sql, b: AggregateBounds): Promise<TrueCell[]> {
  const rows = await sql.query<AggregateRow>(AGGREGATES, [
    b.maxVisitsPerPatient,
    b.asOf,
    b.clampCents,
    OTHER,
    JSON.stringify(US_STATES),
    JSON.stringify(b.domains.diagnosis),
    JSON.stringify(b.domains.specialty),
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
      costCount: Number(r.cost_count),
    };
  });
}

/** What no patient influences: the provider roster and its specialties, the reporting months. */
export async function queryRoster(sql: Sql, asOf: string): Promise<{ rosterSpecialties: string[]; month: string[]; provider: string[] }> {
  const providers = await sql.query<{ provider_id: string; specialty: string }>(
    'select provider_id, specialty from dim_providers order by provider_id',
  );
  return {
    rosterSpecialties: [...new Set(providers.map((p) => p.specialty))].sort(),
    month: reportingMonths(asOf),
    provider: providers.map((p) => p.provider_id),
  };
}
