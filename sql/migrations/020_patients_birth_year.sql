-- Patients without birth dates in their history, without a name pseudonym, and analysts' reads without
-- the exact visit cost (issue 11, items 1, 7 and 8). Forward-only and idempotent.
--
-- dim_patients stored age_group and age_band computed at each batch's date and opened a new version
-- when they changed: a patient re-sent across a band boundary had their birth year exposed and their
-- birthday bracketed between two batch dates. It now stores a top-coded birth year (NULL = 90 or older,
-- per Safe Harbor), a type-1 fact that never opens a version, and get_dim_patients() derives the
-- reference's age_group and age_band at one stated date: the latest batch date loaded.

-- The date ages are stated at: the newest batch date any transform has loaded (dim_patients.sql keeps it).
create table if not exists age_reference (
  id integer primary key check (id = 1),
  as_of date not null
);

create or replace function age_reference_date() returns date
language sql stable set search_path = public, pg_temp as $$
  select coalesce(
    nullif(current_setting('pipeline.as_of', true), '')::date,
    (select as_of from age_reference where id = 1),
    current_date)
$$;

-- Age in whole years reached during the year of p_as_of (only the birth year is stored), never below 0.
create or replace function age_in_year(p_birth_year integer, p_as_of date) returns integer
language sql immutable set search_path = pg_catalog as $$
  select greatest(0, extract(year from p_as_of)::integer - p_birth_year)
$$;

-- Five-year bands, everyone 90 or older in one band (a NULL birth year is top-coded: 90 or older).
create or replace function age_band_for(p_birth_year integer, p_as_of date) returns text
language sql immutable set search_path = public, pg_temp as $$
  select case
    when p_birth_year is null or age_in_year(p_birth_year, p_as_of) >= 90 then '90+'
    else (age_in_year(p_birth_year, p_as_of) / 5 * 5)::text || '-' || (age_in_year(p_birth_year, p_as_of) / 5 * 5 + 4)::text
  end
$$;

-- The reference system's five age groups.
create or replace function age_group_for(p_birth_year integer, p_as_of date) returns text
language sql immutable set search_path = public, pg_temp as $$
  select case
    when p_birth_year is null then '65+'
    when age_in_year(p_birth_year, p_as_of) < 18 then '0-17'
    when age_in_year(p_birth_year, p_as_of) < 35 then '18-34'
    when age_in_year(p_birth_year, p_as_of) < 50 then '35-49'
    when age_in_year(p_birth_year, p_as_of) < 65 then '50-64'
    else '65+'
  end
$$;

alter table dim_patients add column if not exists birth_year integer;
alter table staging_patients add column if not exists birth_year integer;

do $$
begin
  -- A warehouse built before this migration: a birth year from each patient's current band (the middle
  -- of the band at its batch date; exact years come back when the patient is next re-sent), and the
  -- columns that leaked ages and linked same-named people go.
  if exists (select 1 from information_schema.columns
             where table_schema = current_schema() and table_name = 'dim_patients' and column_name = 'age_band') then
    update dim_patients as d
    set birth_year = case when c.age_band = '90+' then null
                          else extract(year from c.valid_from)::integer - (split_part(c.age_band, '-', 1)::integer + 2) end
    from dim_patients as c
    where c.patient_id = d.patient_id and c.is_current;
    drop index if exists dim_patients_age_group_idx;
    alter table dim_patients drop column anonymized_name, drop column age_group, drop column age_band;
  end if;
  -- Staging keeps the old columns only while stg_patients (a model) still names them; the anonymiser no
  -- longer fills them, so they must accept NULL.
  if exists (select 1 from information_schema.columns
             where table_schema = current_schema() and table_name = 'staging_patients' and column_name = 'age_band') then
    alter table staging_patients alter column anonymized_name drop not null,
      alter column age_group drop not null, alter column age_band drop not null;
  end if;
end;
$$;
create index if not exists dim_patients_birth_year_idx on dim_patients (birth_year);

-- The audited reads change shape, so they are dropped (when still of the old shape) and created again.
do $$
begin
  if exists (select 1 from pg_proc where oid = to_regprocedure('get_dim_patients()') and prorettype = 'dim_patients'::regtype) then
    drop function get_dim_patients();
  end if;
  if exists (select 1 from pg_proc where oid = to_regprocedure('get_fact_visits()') and prorettype = 'fact_visits'::regtype) then
    drop function get_fact_visits();
  end if;
end;
$$;

-- Patients as the reference's queries read them. anonymized_name is always NULL: names are not kept in
-- any form (the column stays so "SELECT patient_id, anonymized_name, age_group ..." still runs).
create or replace function get_dim_patients()
returns table (
  patient_key bigint, patient_id text, anonymized_name text, age_group text, age_band text,
  gender text, zip3 text, state text, valid_from date, valid_to date, is_current boolean, run_id text)
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  ref date := age_reference_date();
begin
  perform write_audit('READ', 'dim_patients', null);
  return query
    select d.patient_key, d.patient_id, null::text, age_group_for(d.birth_year, ref), age_band_for(d.birth_year, ref),
           d.gender, d.zip3, d.state, d.valid_from, d.valid_to, d.is_current, d.run_id
    from dim_patients as d;
end;
$$;

-- Visits as analysts read them: cost is always NULL. The exact cost stays in fact_visits (pipeline and
-- owner only) for the differentially private release; analysts get cost_with_privacy, whose per-row
-- noise protects nothing if the exact value sits beside it.
create or replace function get_fact_visits()
returns table (
  visit_key bigint, visit_id text, patient_key bigint, provider_key bigint, visit_date date, visit_type text,
  diagnosis text, procedure_performed text, cost numeric, cost_with_privacy numeric, run_id text)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform write_audit('READ', 'fact_visits', null);
  return query
    select f.visit_key, f.visit_id, f.patient_key, f.provider_key, f.visit_date, f.visit_type,
           f.diagnosis, f.procedure_performed, null::numeric, f.cost_with_privacy::numeric, f.run_id
    from fact_visits as f;
end;
$$;

revoke execute on function get_dim_patients(), get_fact_visits(), age_reference_date(),
  age_in_year(integer, date), age_band_for(integer, date), age_group_for(integer, date) from public;
grant execute on function get_dim_patients(), get_fact_visits() to hw_analyst;
grant execute on function age_reference_date(), age_in_year(integer, date), age_band_for(integer, date), age_group_for(integer, date)
  to hw_pipeline, hw_analyst;
grant select, insert, update on age_reference to hw_pipeline;
