// The release's reads of the star schema. Contributions are bounded the same way in every read, and
// the bounding itself is kept incrementally in patient_contributions (060_patient_contributions.sql):
// - each patient contributes their first maxVisitsPerPatient visits in visit_id order (a keyed
//   pseudonym, so the choice depends on nothing but that patient's own visits): the table's rows;
// - patient attributes (age group at the batch date, gender, state) come from the patient's CURRENT
//   dim_patients version for all of their visits, joined here by the patient's serial (the
//   contributions' key, 081_patient_serials.sql; one current version per serial): in a table keyed only
//   by patient attributes each patient is in exactly one cell;
// - a visit's specialty is its provider's current one, read here (specialties are updated in place);
// - costs are clamped to [0, clamp] and summed in integer cents; a missing cost is not counted.
// Neither read uses count(distinct):
// - queryReleaseInputs (the DP clamp's histogram, the partition selections' candidates) wants each
//   patient's FIRST cost and first data-derived keys: the row with the smallest nth among those that
//   have one, a min per patient over the slice's rows hashed by patient (no sort of the history);
// - queryTrueAggregates (every table, grouping sets: one pass however many tables) walks each patient's
//   rows sorted by patient (serial), with the patient's cells in an array computed once per patient; a row counts
//   the patient in its cell when it is the first of the patient's rows in that cell (array_position of
//   its cell = its place), so distinct patients are counted exactly once per cell.
// Keys outside a table's domain are pooled into OTHER (through small joins: the domains, and each
// provider's pooled specialty), so the keys listed never depend on the data.
// Both read one slice of patients per call, a range of serials (serialSlices, core/publish/patient-slices.ts:
// a range of the contributions' key and of the current versions' serial index), and add the slices up:
// every figure is a count or a sum in which a patient's rows stay in their slice.
import type { Sql } from '../../ports.js';
import { sliceCondition, type SerialSlice } from '../../core/publish/patient-slices.js';
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

/** One scan of the bounded contributions for all three: each patient's first cost and first data-derived keys. */
export async function queryReleaseInputs(sql: Sql, b: { listed: Record<'diagnosis' | 'specialty', readonly string[]>; slices: readonly SerialSlice[] }): Promise<ReleaseInputs> {
  const costHistogram = CLAMP_CANDIDATES_CENTS.map(() => 0);
  const patientsPerKey = { diagnosis: new Map<string, number>(), specialty: new Map<string, number>() };
  for (const slice of b.slices) {
    for (const r of await queryReleaseInputsOf(sql, b.listed, slice)) {
      if (r.kind === 'cost') costHistogram[Math.min(Number(r.key), costHistogram.length - 1)]! += Number(r.n);
      else patientsPerKey[r.kind].set(r.key, (patientsPerKey[r.kind].get(r.key) ?? 0) + Number(r.n));
    }
  }
  const candidatesOf = (counts: Map<string, number>): Candidate[] =>
    [...counts].map(([key, patients]) => ({ key, patients })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { costHistogram, candidates: { diagnosis: candidatesOf(patientsPerKey.diagnosis), specialty: candidatesOf(patientsPerKey.specialty) } };
}

async function queryReleaseInputsOf(sql: Sql, listed: Record<'diagnosis' | 'specialty', readonly string[]>, slice: SerialSlice) {
  const outside = (dimension: string, param: string): string =>
    `${dimension} not in (select jsonb_array_elements_text(${param}::jsonb))`;
  // "The patient's first X" is the smallest nth among their rows with X: a min per patient, so the slice's
  // rows are hashed by patient rather than sorted and walked. The nth leads each compared value (a
  // two-element array for the cost; five digits before the text, in bytewise order, for the keys).
  const firstOf = (column: string, where: string): string => `min(lpad(c.nth::text, 5, '0') || ${column} collate "C") filter (where ${where})`;
  const inSlice = sliceCondition(slice, 'c.patient_serial', 4);
  return sql.query<{ kind: 'cost' | 'diagnosis' | 'specialty'; key: string; n: number }>(
    `with firsts as (
  select
    min(array[c.nth, c.cost_cents]) filter (where c.cost_cents is not null) as first_cost,
    ${firstOf('c.diagnosis', outside('c.diagnosis', '$2'))} as first_diagnosis,
    ${firstOf('p.specialty', outside('p.specialty', '$3'))} as first_specialty
  from patient_contributions as c
  left join dim_providers as p on p.provider_id = c.provider_id
  where ${inSlice.sql}
  group by c.patient_serial
),

keys as (
  select
    width_bucket(first_cost[2], array(select (jsonb_array_elements_text($1::jsonb))::bigint)) as cost,
    substr(first_diagnosis, 6) as diagnosis,
    substr(first_specialty, 6) as specialty
  from firsts
)

select
  case grouping(cost, diagnosis, specialty) when 3 then 'cost' when 5 then 'diagnosis' else 'specialty' end as kind,
  coalesce(cost::text, diagnosis, specialty) as key,
  count(*)::bigint as n
from keys
group by grouping sets ((cost), (diagnosis), (specialty))
having coalesce(cost::text, diagnosis, specialty) is not null`,
    [
      JSON.stringify(CLAMP_CANDIDATES_CENTS.map((c) => c + 1)),
      JSON.stringify([...listed.diagnosis, OTHER]),
      JSON.stringify([...listed.specialty, OTHER]),
      ...inSlice.params,
    ],
  );
}

const KEY_COLUMNS = ['age_group', 'gender', 'diagnosis', 'specialty', 'month', 'state', 'provider_id'] as const;
type KeyColumn = (typeof KEY_COLUMNS)[number];
/** The same for every visit of a patient (their current version): a patient's first row is their first in the cell. */
const PATIENT_COLUMNS: readonly KeyColumn[] = ['age_group', 'gender', 'state'];

type TableName = PublishedTableName | InternalTableName | 'total';
const ALL_TABLES: Record<PublishedTableName | InternalTableName, readonly string[]> = { ...PUBLISHED_TABLES, ...INTERNAL_TABLES };

const bitsFor = (used: readonly string[]): number =>
  KEY_COLUMNS.reduce((g, col, i) => (used.includes(col) ? g : g | (1 << (KEY_COLUMNS.length - 1 - i))), 0);

const TABLE_BY_GROUPING = new Map<number, TableName>([
  ...Object.entries(ALL_TABLES).map(([name, cols]) => [bitsFor(cols), name as TableName] as const),
  [bitsFor([]), 'total'],
]);

const GROUPING_SETS = [...Object.values(ALL_TABLES).map((cols) => `(${cols.join(', ')})`), '()'].join(', ');

/**
 * Per table, the columns that can differ between a patient's visits, and the name of the count of
 * patients-first-in-cell for that set of columns (tables with the same set share one count).
 */
const visitColumnsOf = (cols: readonly string[]): string[] => cols.filter((c) => !PATIENT_COLUMNS.includes(c as KeyColumn));
const firstCountOf = (visitColumns: readonly string[]): string => (visitColumns.length ? `first_in_${visitColumns.join('_')}` : 'first_of_patient');
const PATIENTS_COUNT_BY_TABLE = new Map<TableName, string>([
  ...Object.entries(ALL_TABLES).map(([name, cols]) => [name as TableName, firstCountOf(visitColumnsOf(cols))] as const),
  ['total', firstCountOf([])],
]);
const VISIT_COLUMN_SETS = [...new Map(Object.values(ALL_TABLES).map(visitColumnsOf).filter((v) => v.length).map((v) => [firstCountOf(v), v])).values()];

/** A cell key of visit columns as one comparable text (unit separator between columns). */
const cellOf = (columns: readonly string[]): string => (columns.length === 1 ? columns[0]! : `concat_ws(chr(31), ${columns.join(', ')})`);

const pooled = (column: string, param: string): string =>
  `case when ${column} in (select jsonb_array_elements_text(${param}::jsonb)) then ${column} else $3 end`;

// $1 batch date, $2 clamp in cents, $3 OTHER, $4 states, $5 diagnoses, $6 specialties, then the slice's bounds.
const aggregatesOf = (slice: SerialSlice) => {
  const patientsIn = sliceCondition(slice, 'd.patient_serial', 7);
  const contributionsIn = sliceCondition(slice, 'c.patient_serial', 7);
  return { params: patientsIn.params, sql: `with ages as materialized (
  select year, age_group_for(nullif(year, -1), $1::date) as age_group
  from (select -1 union all select generate_series(extract(year from $1::date)::int - 150, extract(year from $1::date)::int + 1)) as y (year)
),

patients as (
  select d.patient_serial, coalesce(a.age_group, age_group_for(d.birth_year, $1::date)) as age_group, d.gender, ${pooled('d.state', '$4')} as state
  from dim_patients as d
  left join ages as a on a.year = coalesce(d.birth_year, -1)
  where d.is_current and ${patientsIn.sql}
),

specialties as materialized (
  select r.provider_id, coalesce(s.specialty, $3) as specialty
  from dim_providers as r
  left join (select distinct jsonb_array_elements_text($6::jsonb) as specialty) as s on s.specialty = r.specialty
),

diagnoses as materialized (
  select distinct jsonb_array_elements_text($5::jsonb) as diagnosis
),

contributions as (
  select
    c.patient_serial, c.nth, c.month, c.provider_id,
    coalesce(d.diagnosis, $3) as diagnosis,
    coalesce(s.specialty, $3) as specialty,
    least(greatest(c.cost_cents, 0), $2::bigint) as cost_cents
  from patient_contributions as c
  left join diagnoses as d on d.diagnosis = c.diagnosis
  left join specialties as s on s.provider_id = c.provider_id
  where ${contributionsIn.sql}
),

walked as (
  select
    contributions.*,
    row_number() over patient as place,
    ${VISIT_COLUMN_SETS.map((v) => `array_agg(${cellOf(v)}) over patient as cells_${v.join('_')}`).join(',\n    ')}
  from contributions
  window patient as (partition by patient_serial order by nth rows between unbounded preceding and unbounded following)
)

select
  ${KEY_COLUMNS.join(', ')},
  grouping(${KEY_COLUMNS.join(', ')}) as g,
  count(*)::bigint as visits,
  count(*) filter (where place = 1)::bigint as ${firstCountOf([])},
  ${VISIT_COLUMN_SETS.map((v) => `count(*) filter (where array_position(cells_${v.join('_')}, ${cellOf(v)}) = place)::bigint as ${firstCountOf(v)}`).join(',\n  ')},
  coalesce(sum(cost_cents), 0)::bigint as sum_cents,
  count(cost_cents)::bigint as cost_count
from walked
join patients using (patient_serial)
group by grouping sets (${GROUPING_SETS})` };
};

type AggregateRow = Record<KeyColumn, string | null> & Record<string, number | string | null> & {
  g: number; visits: number; sum_cents: number; cost_count: number;
};

export interface AggregateBounds {
  /** The batch date (YYYY-MM-DD): ages are stated at it. */
  asOf: string;
  clampCents: number;
  /** The release's diagnosis and specialty domains (anything else is pooled into OTHER). */
  domains: Pick<ReleaseDomains, 'diagnosis' | 'specialty'>;
  /** One call per slice of patients; the cells are the slices' sums. */
  slices: readonly SerialSlice[];
}

export async function queryTrueAggregates(sql: Sql, b: AggregateBounds): Promise<TrueCell[]> {
  const cells = new Map<string, TrueCell>();
  for (const slice of b.slices) {
    for (const cell of await queryCellsOf(sql, b, slice)) {
      const id = `${cell.table}\u0000${JSON.stringify(cell.key)}`;
      const sum = cells.get(id);
      if (!sum) cells.set(id, cell);
      else {
        sum.visits += cell.visits;
        sum.patients += cell.patients;
        sum.sumCents += cell.sumCents;
        sum.costCount += cell.costCount;
      }
    }
  }
  return [...cells.values()];
}

async function queryCellsOf(sql: Sql, b: AggregateBounds, slice: SerialSlice): Promise<TrueCell[]> {
  const query = aggregatesOf(slice);
  const rows = await sql.query<AggregateRow>(query.sql, [
    b.asOf,
    b.clampCents,
    OTHER,
    JSON.stringify(US_STATES),
    JSON.stringify(b.domains.diagnosis),
    JSON.stringify(b.domains.specialty),
    ...query.params,
  ]);
  return rows.map((r) => {
    const table = TABLE_BY_GROUPING.get(Number(r.g));
    if (!table) throw new Error(`unexpected grouping ${r.g}`);
    const cols: readonly string[] = table === 'total' ? [] : ALL_TABLES[table];
    return {
      table,
      key: Object.fromEntries(cols.map((c) => [c, String(r[c as KeyColumn])])),
      visits: Number(r.visits),
      patients: Number(r[PATIENTS_COUNT_BY_TABLE.get(table)!]),
      sumCents: Number(r.sum_cents),
      costCount: Number(r.cost_count),
    };
  });
}

/**
 * The patients a release covers (their current versions) and the lowest and highest serial they hold
 * (both 0 when there is none): one read sizes the measurement's slices and cuts the contributions' ones.
 */
export async function currentPatients(sql: Sql): Promise<{ count: number; serials: { first: number; last: number } }> {
  const [row] = await sql.query<{ n: number; first: number; last: number }>(
    `select count(*)::bigint as n, coalesce(min(patient_serial), 0)::bigint as first, coalesce(max(patient_serial), 0)::bigint as last
     from dim_patients where is_current`,
  );
  return { count: Number(row?.n ?? 0), serials: { first: Number(row?.first ?? 0), last: Number(row?.last ?? 0) } };
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
