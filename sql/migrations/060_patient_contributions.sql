-- Each patient's bounded contributions, kept incrementally (issue 10): the release reads at most
-- max_visits_per_patient rows per patient from here instead of numbering every visit of the whole
-- history. A row is one of the patient's first N visits in visit_id order (the contribution bounding
-- of privatize, unchanged), with what a release groups it by that no later batch can change in place:
-- the provider id (its specialty is read at release, since a provider's specialty is updated in
-- place), the diagnosis, the month, and the exact cost in cents (clamped at release). Patient
-- attributes are NOT kept: a release joins the patient's current dim_patients version, whose birth
-- year any transform may correct or top-code in place.
--
-- Who keeps it: the transform's fact insert (sql/models/fact_visits.sql) folds in the visits it adds,
-- in the transform's transaction; privatize rebuilds it when the
-- configured bound differs from the one it was built with; rotate-key and retention rebuild it after
-- rewriting visit ids or detaching partitions. Restricted like fact_visits (exact costs): pipeline only.
-- Forward-only and idempotent.

create table if not exists patient_contributions (
  patient_id text not null,
  -- 1..N: the visit's place among the patient's visits in visit_id order.
  nth smallint not null,
  visit_id text not null,
  provider_id text not null,
  diagnosis text not null,
  month text not null,
  -- round(cost * 100); NULL when the visit has no cost (never 0).
  cost_cents bigint,
  primary key (patient_id, nth)
);

-- The bound the rows were built with (privatize's maxVisitsPerPatient).
create table if not exists contribution_bound (
  id integer primary key check (id = 1),
  max_visits_per_patient integer not null check (max_visits_per_patient > 0)
);

-- Replaces the contributions of the given patients with their first N visits as the warehouse holds
-- them now (a new visit that sorts first pushes their N-th out; a patient without visits has none).
create or replace function fold_patient_contributions(p_patient_ids text[]) returns bigint
language plpgsql set search_path = public, pg_temp as $$
declare
  bound integer := (select max_visits_per_patient from contribution_bound where id = 1);
  n bigint;
begin
  delete from patient_contributions as c
  using (select distinct unnest(p_patient_ids) as patient_id) as t
  where c.patient_id = t.patient_id;

  insert into patient_contributions (patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents)
  select patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents
  from (
    select
      v.patient_id,
      row_number() over (partition by v.patient_id order by f.visit_id) as nth,
      f.visit_id,
      r.provider_id,
      f.diagnosis,
      to_char(f.visit_date, 'YYYY-MM') as month,
      round(f.cost * 100)::bigint as cost_cents
    from (select distinct unnest(p_patient_ids) as patient_id) as t
    join dim_patients as v on v.patient_id = t.patient_id
    join fact_visits as f on f.patient_key = v.patient_key
    join dim_providers as r on r.provider_key = f.provider_key
  ) as numbered
  where nth <= bound;
  get diagnostics n = row_count;
  return n;
end;
$$;

-- Every patient again, under the given bound (a changed configuration, re-keyed visit ids, detached partitions).
create or replace function rebuild_patient_contributions(p_max_visits_per_patient integer) returns bigint
language plpgsql set search_path = public, pg_temp as $$
begin
  insert into contribution_bound (id, max_visits_per_patient) values (1, p_max_visits_per_patient)
  on conflict (id) do update set max_visits_per_patient = excluded.max_visits_per_patient;
  delete from patient_contributions;
  return fold_patient_contributions(array(select distinct patient_id from dim_patients));
end;
$$;

-- A warehouse that already holds visits gets its contributions now, under the default bound (5,
-- lambdas/core/config.ts); privatize rebuilds under another one if configured.
do $$
begin
  if not exists (select 1 from contribution_bound) then
    perform rebuild_patient_contributions(5);
  end if;
end;
$$;

revoke execute on function fold_patient_contributions(text[]), rebuild_patient_contributions(integer) from public;
grant execute on function fold_patient_contributions(text[]), rebuild_patient_contributions(integer) to hw_pipeline;
grant select, insert, update, delete on patient_contributions, contribution_bound to hw_pipeline;
