// Measures how identifiable the warehouse's patients are to someone who reads it: the smallest class of
// patients who share the same quasi-identifiers across EVERY version analysts can read through
// get_dim_patients() (versions are linked by patient_id, so a patient's class is their whole history of
// (version start, gender, ZIP3, state), with the age band derived at the reference date). Measuring
// current rows alone would overstate anonymity: a patient who moved once is told apart by both places.
// Exact numbers: they go to the restricted table k_anonymity_measurements, never to the published layer.
import type { Sql } from '../../ports.js';

export const QUASI_IDENTIFIERS = ['age_band', 'history of (valid_from, gender, zip3, state)'] as const;

export interface KAnonymity {
  smallestK: number;
  classes: number;
  classesBelowK: number;
}

export async function measureKAnonymity(sql: Sql, k: number, asOf: string): Promise<KAnonymity> {
  const [row] = await sql.query<{ smallest: number | null; classes: number; below: number }>(
    // One sort of dim_patients (the window) instead of a sort per patient inside string_agg, and the
    // age band computed once per distinct birth year rather than once per patient.
    `with histories as (
       select patient_id,
              row_number() over (partition by patient_id order by valid_from, patient_key) as nth,
              case when bool_or(birth_year is null) over whole then -1 else min(birth_year) over whole end as year,
              string_agg(concat_ws('|', valid_from, gender, zip3, state), ';') over whole as history
       from dim_patients
       window whole as (partition by patient_id order by valid_from, patient_key rows between unbounded preceding and unbounded following)
     ),
     bands as materialized (
       select year, age_band_for(nullif(year, -1), $2::date) as band
       from (select distinct coalesce(birth_year, -1) as year from dim_patients) as y
     )
     select min(n)::bigint as smallest, count(*)::bigint as classes, count(*) filter (where n < $1)::bigint as below
     from (
       select count(*) as n
       from histories join bands using (year)
       where nth = 1
       group by band, history
     ) as c`,
    [k, asOf],
  );
  return { smallestK: Number(row?.smallest ?? 0), classes: Number(row?.classes ?? 0), classesBelowK: Number(row?.below ?? 0) };
}
