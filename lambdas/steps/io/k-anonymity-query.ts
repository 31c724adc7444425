// Measures how identifiable the warehouse's patients are to someone who reads it: the smallest class of
// patients who share the same quasi-identifiers across EVERY version analysts can read through
// get_dim_patients() (versions are linked by patient_id, so a patient's class is their whole history of
// (version start, gender, ZIP3, state), with the age band derived at the reference date). Measuring
// current rows alone would overstate anonymity: a patient who moved once is told apart by both places.
// Exact numbers: they go to the restricted table k_anonymity_measurements, never to the published layer.
import type { WarehouseTx } from '../../ports.js';
import { sliceCondition, type PatientSlice } from '../../core/publish/patient-slices.js';

export const QUASI_IDENTIFIERS = ['age_band', 'history of (valid_from, gender, zip3, state)'] as const;

export interface KAnonymity {
  smallestK: number;
  classes: number;
  classesBelowK: number;
}

/**
 * One slice of patients per call (core/publish/patient-slices.ts): each call adds its classes' counts to
 * a temporary table (dropped at commit), since a class holds patients of every slice; the last call
 * adds them up. The classes themselves stay in the database (too many to return: 36k at 400k patients).
 */
export async function measureKAnonymity(sql: WarehouseTx, k: number, asOf: string, slices: readonly PatientSlice[]): Promise<KAnonymity> {
  await sql.query('create temporary table if not exists k_anonymity_classes (band text, history text, n bigint) on commit drop');
  await sql.query('truncate k_anonymity_classes');
  for (const slice of slices) {
    const inSlice = sliceCondition(slice, 'patient_id', 2);
    await sql.query(
      // One sort of the slice's versions (the window) instead of a sort per patient inside string_agg, and
      // the age band computed once per distinct birth year rather than once per patient. Ids and histories
      // are sorted bytewise (collate "C"): they are only grouped, and the database's collation compares
      // them with strcoll, a fifth of the statement at 400k patients (measured).
      `insert into k_anonymity_classes (band, history, n)
       with versions as not materialized (select * from dim_patients where ${inSlice.sql}),
       histories as (
         select patient_id,
                row_number() over (partition by patient_id collate "C" order by valid_from, patient_key) as nth,
                case when bool_or(birth_year is null) over whole then -1 else min(birth_year) over whole end as year,
                (string_agg(concat_ws('|', valid_from, gender, zip3, state), ';') over whole) collate "C" as history
         from versions
         window whole as (partition by patient_id collate "C" order by valid_from, patient_key rows between unbounded preceding and unbounded following)
       ),
       bands as materialized (
         select year, age_band_for(nullif(year, -1), $1::date) as band
         from (select distinct coalesce(birth_year, -1) as year from versions) as y
       )
       select band, history, count(*)
       from histories join bands using (year)
       where nth = 1
       group by band, history`,
      [asOf, ...inSlice.params],
    );
  }
  const [row] = await sql.query<{ smallest: number | null; classes: number; below: number }>(
    `select min(n)::bigint as smallest, count(*)::bigint as classes, count(*) filter (where n < $1)::bigint as below
     from (select sum(n) as n from k_anonymity_classes group by band, history) as c`,
    [k],
  );
  return { smallestK: Number(row?.smallest ?? 0), classes: Number(row?.classes ?? 0), classesBelowK: Number(row?.below ?? 0) };
}
