-- Each patient gets a serial (issue 10): a number drawn once, when the patient first enters the
-- warehouse, and copied to every later version (sql/models/dim_patients.sql). The bounded
-- contributions (060) are keyed by (patient_serial, nth) instead of (patient_id, nth).
--
-- Why: patient_id is a keyed pseudonym, so a batch of new patients wrote its contributions into random
-- leaves of a 90 MB key at 400k patients (10k new patients touched most of them: read cold, dirtied,
-- a full-page image each after a checkpoint), and probed it for held rows the same way. New patients'
-- serials are above every serial held, so their rows go to the key's right edge, and the key is an
-- 8-byte number (56 MB against 90 at 400k, built the same way). Priced on a copy of a 400k warehouse,
-- cold: 30k contributions of 10k new patients inserted in 47-74 ms against 177-180.
--
-- What keeps the bound (at most N rows per person in a release): the primary key allows N rows per
-- serial; the unique index below allows one current version per serial; a release joins each
-- contribution to the current version with its serial. So a row that names no current version is
-- left out, and no row is counted for two patients. That a patient's versions share one serial is
-- checked by dim_patients_versions_valid. Contributions keep patient_id for the release's patient
-- slices (core/publish/patient-slices.ts).
--
-- A warehouse that already holds patients gets their serials and its contributions re-keyed here, one
-- sixteenth of the patient ids per call: on deploy this runs through the Data API (45 s a call), and in
-- one statement the re-keying took 15 s at 400k patients. Forward-only and idempotent.
create sequence if not exists dim_patients_serial_seq;
alter table dim_patients add column if not exists patient_serial bigint;

-- The contributions are copied under their serials into a new table, which then takes the old one's place.
do $$
begin
  if not exists (select 1 from information_schema.columns
                 where table_schema = current_schema() and table_name = 'patient_contributions' and column_name = 'patient_serial') then
    create table patient_contributions_by_serial (
      patient_serial bigint not null,
      nth smallint not null,
      patient_id text not null,
      visit_id text not null,
      provider_id text not null,
      diagnosis text not null,
      month text not null,
      cost_cents bigint
    );
  end if;
end;
$$;

-- The patients with ids in [p_from, p_until) (an open end: no bound), in patient_id order; returns how
-- many versions got a serial (a number, not void: every call's result goes through the Data API).
create or replace function patient_serials_081(p_from text, p_until text) returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  n bigint;
begin
  update dim_patients as d
  set patient_serial = s.serial
  from (select p.patient_id, nextval('dim_patients_serial_seq') as serial
        from (select distinct patient_id from dim_patients
              where patient_serial is null and patient_id >= coalesce(p_from, patient_id) and (p_until is null or patient_id < p_until)
              order by 1) as p) as s
  where s.patient_id = d.patient_id;
  get diagnostics n = row_count;
  if to_regclass('patient_contributions_by_serial') is not null then
    insert into patient_contributions_by_serial (patient_serial, nth, patient_id, visit_id, provider_id, diagnosis, month, cost_cents)
    select d.patient_serial, c.nth, c.patient_id, c.visit_id, c.provider_id, c.diagnosis, c.month, c.cost_cents
    from patient_contributions as c
    join dim_patients as d on d.patient_id = c.patient_id and d.is_current
    where c.patient_id >= coalesce(p_from, c.patient_id) and (p_until is null or c.patient_id < p_until)
      and d.patient_id >= coalesce(p_from, d.patient_id) and (p_until is null or d.patient_id < p_until);
  end if;
  return n;
end;
$$;

select patient_serials_081(null, '1');
select patient_serials_081('1', '2');
select patient_serials_081('2', '3');
select patient_serials_081('3', '4');
select patient_serials_081('4', '5');
select patient_serials_081('5', '6');
select patient_serials_081('6', '7');
select patient_serials_081('7', '8');
select patient_serials_081('8', '9');
select patient_serials_081('9', 'a');
select patient_serials_081('a', 'b');
select patient_serials_081('b', 'c');
select patient_serials_081('c', 'd');
select patient_serials_081('d', 'e');
select patient_serials_081('e', 'f');
select patient_serials_081('f', null);
drop function patient_serials_081(text, text);

-- (A contribution whose patient has no current version was never read by a release, and is not copied.)
do $$
begin
  if to_regclass('patient_contributions_by_serial') is not null then
    drop table patient_contributions;
    alter table patient_contributions_by_serial rename to patient_contributions;
    alter table patient_contributions add constraint patient_contributions_pkey primary key (patient_serial, nth);
    grant select, insert, update, delete on patient_contributions to hw_pipeline;
  end if;
end;
$$;

-- A row written by hand without a serial is a new patient's first version.
alter table dim_patients alter column patient_serial set default nextval('dim_patients_serial_seq');
alter table dim_patients alter column patient_serial set not null;
create unique index if not exists dim_patients_current_serial_uq on dim_patients (patient_serial) where is_current;
grant usage, select on sequence dim_patients_serial_seq to hw_pipeline;

-- Each patient's first N visits in visit_id order, under their current version's serial (so the rows
-- of a patient whose versions disagree would still be one patient's, at most N).
create or replace function fold_patient_contributions(p_patient_ids text[]) returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  bound integer := (select max_visits_per_patient from contribution_bound where id = 1);
  n bigint;
begin
  delete from patient_contributions as c
  using dim_patients as d
  where d.patient_id = any(p_patient_ids) and d.is_current and c.patient_serial = d.patient_serial;

  insert into patient_contributions (patient_serial, nth, patient_id, visit_id, provider_id, diagnosis, month, cost_cents)
  select patient_serial, nth, patient_id, visit_id, provider_id, diagnosis, month, cost_cents
  from (
    select
      cur.patient_serial,
      row_number() over (partition by cur.patient_serial order by f.visit_id) as nth,
      cur.patient_id,
      f.visit_id,
      r.provider_id,
      f.diagnosis,
      to_char(f.visit_date, 'YYYY-MM') as month,
      round(f.cost * 100)::bigint as cost_cents
    from (select distinct unnest(p_patient_ids) as patient_id) as t
    join dim_patients as cur on cur.patient_id = t.patient_id and cur.is_current
    join dim_patients as v on v.patient_id = t.patient_id
    join fact_visits as f on f.patient_key = v.patient_key
    join dim_providers as r on r.provider_key = f.provider_key
  ) as numbered
  where nth <= bound;
  get diagnostics n = row_count;
  return n;
end;
$$;
