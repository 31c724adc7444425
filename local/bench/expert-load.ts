// The second yardstick, measured in the same run: an expert's plain-SQL load of the same raw
// files. COPY into staging tables keyed by their ids, then INSERT ... SELECT into the reference
// system's star schema (SEED-README: dimensions with surrogate keys, fact_visits partitioned by year,
// its foreign keys and its dates indexed, an age group indexed). Nothing else: no validation,
// anonymisation, quarantine, versions, id registry, contributions, data tests or release, and no
// foreign-key constraints (their per-row checks would make it slower). In a schema of its own, dropped
// afterwards. The bench sets the pipeline's load + transform beside it.
import { INPUT_COLUMNS, INPUT_FILES } from '../../lambdas/core/contract/input-contract.js';
import type { BlobStore, Warehouse } from '../../lambdas/ports.js';
import { ENTITIES } from '../../lambdas/steps/run-state.js';

const SCHEMA = 'bench_expert';

const STAGING: Record<(typeof ENTITIES)[number], string> = {
  providers: 'provider_id text primary key, provider_name text, specialty text, phone text, email text',
  patients: 'patient_id text primary key, patient_name text, date_of_birth date, gender text, phone text, email text, address text, city text, state text, zip_code text',
  visits: 'visit_id text primary key, patient_id text, provider_id text, visit_date date, visit_type text, diagnosis text, procedure_performed text, cost numeric(12, 2)',
};

const STAR = `
create table ${SCHEMA}.dim_patients (
  patient_key bigint generated always as identity primary key, patient_id text not null unique,
  date_of_birth date, gender text, city text, state text, zip_code text, age_group text);
create index on ${SCHEMA}.dim_patients (age_group);
create table ${SCHEMA}.dim_providers (
  provider_key integer generated always as identity primary key, provider_id text not null unique,
  provider_name text, specialty text);
create table ${SCHEMA}.fact_visits (
  visit_key bigint generated always as identity, visit_id text not null, patient_key bigint not null,
  provider_key integer not null, visit_date date not null, visit_type text, diagnosis text,
  procedure_performed text, cost numeric(12, 2), cost_with_privacy numeric(12, 2),
  primary key (visit_key, visit_date)) partition by range (visit_date);
${Array.from({ length: 8 }, (_, i) => 2019 + i).map((y) => `create table ${SCHEMA}.fact_visits_y${y} partition of ${SCHEMA}.fact_visits for values from ('${y}-01-01') to ('${y + 1}-01-01');`).join('\n')}
create table ${SCHEMA}.fact_visits_default partition of ${SCHEMA}.fact_visits default;
create index on ${SCHEMA}.fact_visits (patient_key);
create index on ${SCHEMA}.fact_visits (provider_key);
create index on ${SCHEMA}.fact_visits (visit_date)`;

/** Ages are stated at the batch date, as the pipeline states them. */
const transformAt = (asOf: string): string => `
insert into ${SCHEMA}.dim_providers (provider_id, provider_name, specialty)
select provider_id, provider_name, specialty from ${SCHEMA}.stg_providers;
insert into ${SCHEMA}.dim_patients (patient_id, date_of_birth, gender, city, state, zip_code, age_group)
select patient_id, date_of_birth, gender, city, state, zip_code,
  case when age < 18 then '0-17' when age < 35 then '18-34' when age < 50 then '35-49' when age < 65 then '50-64' else '65+' end
from (select *, extract(year from age(date '${asOf}', date_of_birth)) as age from ${SCHEMA}.stg_patients) as p;
insert into ${SCHEMA}.fact_visits (visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis, procedure_performed, cost)
select v.visit_id, p.patient_key, r.provider_key, v.visit_date, v.visit_type, v.diagnosis, v.procedure_performed, v.cost
from ${SCHEMA}.stg_visits as v
join ${SCHEMA}.dim_patients as p on p.patient_id = v.patient_id
join ${SCHEMA}.dim_providers as r on r.provider_id = v.provider_id`;

/** Loads the batch's raw files the expert's way in one transaction and returns the fact rows it made. */
export async function expertLoad(wh: Warehouse, landing: BlobStore, prefix: string, asOf: string): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError(`not a date: ${asOf}`);
  try {
    return await wh.transaction(async (tx) => {
      await tx.script(`drop schema if exists ${SCHEMA} cascade; create schema ${SCHEMA}`);
      for (const entity of ENTITIES) {
        await tx.script(`create table ${SCHEMA}.stg_${entity} (${STAGING[entity]})`);
        await tx.copyCsv(`${SCHEMA}.stg_${entity}`, INPUT_COLUMNS[entity], { store: landing, key: prefix + INPUT_FILES[entity] });
      }
      await tx.script(STAR);
      await tx.script(transformAt(asOf));
      const [row] = await tx.query<{ n: number | string }>(`select count(*) as n from ${SCHEMA}.fact_visits`);
      return Number(row?.n ?? 0);
    });
  } finally {
    await wh.script(`drop schema if exists ${SCHEMA} cascade`);
  }
}
