-- depends_on: dim_patients, dim_providers, fact_partitions, visits_already_loaded
-- slices: staging_visits
-- New visits only: a visit_id already in the warehouse is not loaded again (idempotent reloads); which
-- ones are was settled before the first slice (visits_already_loaded.sql). Run per slice of the staged
-- visits: an id is in stg_visits once (later lines are quarantined).
--
-- The same statement folds the slice's new visits into the bounded contributions privatize reads
-- (060_patient_contributions.sql): a patient's first N visits in visit_id order over the whole history
-- are the first N of (their first N so far, plus their new visits), since a transform only adds
-- visits. So the fold reads the visits it just inserted and at most N stored rows per patient, not
-- every visit the patient has in the warehouse. A patient's row count only grows, so an upsert by
-- (patient_serial, nth) replaces the rows a new visit pushed down. Attributes are joined at release, so
-- a new version needs no refold (it keeps the patient's serial, 081_patient_serials.sql).
--
-- Visits that name a patient or provider the warehouse has never seen are quarantined by the same
-- statement (by line; no pseudonym kept), from the one join with the dimensions that finds the others'
-- keys: as a model of its own it joined every slice to the dimensions a second time (at 2M patients the
-- four visit models took 115-121 s against 101-103 with it here, alternated). Every dimension model,
-- all its slices, has run by now, so they are judged against complete dimensions.
with joined as materialized (
  select
    v.visit_id, p.patient_key, p.patient_id, p.patient_serial, r.provider_key, r.provider_id,
    v.provider_id as staged_provider_id, v.visit_date, v.visit_type, v.diagnosis, v.procedure_performed,
    v.cost, v.cost_with_privacy, v.source_line, v.already_loaded
  from stg_visits as v
  left join dim_patients as p on p.patient_id = v.patient_id and p.is_current
  left join dim_providers as r on r.provider_id = v.provider_id
),
orphans as (
  insert into quarantine_rows (run_id, entity, source_line, record_key, reason)
  select current_setting('pipeline.run_id'), 'visits', source_line, null,
         case
           when patient_key is null then 'unknown patient_id (not in this batch nor the warehouse)'
           else 'unknown provider_id ' || staged_provider_id || ' (not in this batch nor the warehouse)'
         end
  from joined
  where patient_key is null or provider_key is null
),
new_visits as (
  select * from joined
  where patient_key is not null and provider_key is not null and not already_loaded
),
inserted as (
  insert into fact_visits (
    visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis,
    procedure_performed, cost, cost_with_privacy, run_id
  )
  select
    visit_id, patient_key, provider_key, visit_date, visit_type, diagnosis,
    procedure_performed, cost, cost_with_privacy, current_setting('pipeline.run_id')
  from new_visits
  returning visit_id, visit_key
),
-- Each new visit's id is registered (075_fact_visit_ids.sql; as a uuid, 076) with the key of the row that holds it.
-- In visit_id order, so the registry's primary key (random pseudonyms) is filled leaf by leaf instead
-- of one random leaf per row: at 400k patients this halved the WAL of the statement (4.2 to 1.9 GB on
-- a server at the default max_wal_size, where every checkpoint makes the next touch of a page log the
-- whole page) and its time, when fact_visits still had its own visit_id index. The fact rows need no
-- order (their indexes are the ascending key and the run's one id).
registered as (
  insert into fact_visit_ids (visit_id, visit_key)
  select visit_id::uuid, visit_key from inserted order by 1
),
-- The contributions so far of the slice's patients, read once: only a patient who has rows can meet a
-- conflict on (patient_serial, nth). A new patient's serial is above every one held, so their probes
-- (and their rows, below) meet the key's right edge, not a random leaf. One probe of the key per
-- patient, a lateral subquery kept from being flattened (offset 0): written as a semi-join, the planner
-- hashed the slice's serials and read the whole table in every slice, and a first load's table grows
-- slice by slice (the last slices of a 2M-patient load read up to 6M rows each, to find 0-4); as
-- `= any(array(...))`, it once filtered a sequential scan through the unhashed array (75 s, one slice).
held as materialized (
  select c.patient_serial, c.patient_id, c.visit_id, c.provider_id, c.diagnosis, c.month, c.cost_cents
  from (select distinct patient_serial from new_visits) as n
  cross join lateral (
    select * from patient_contributions as c where c.patient_serial = n.patient_serial offset 0
  ) as c
),
contributed as (
  select patient_serial, patient_id, visit_id, provider_id, diagnosis, to_char(visit_date, 'YYYY-MM') as month,
    round(cost * 100)::bigint as cost_cents
  from new_visits
),
-- A patient with none yet (every patient of a first load, every new patient of a later batch) gets
-- plain inserts: an upsert's speculative insertion cost about 2 µs more per row (2-2.5 s of the 17 s
-- fact statement of a 400k first load in one slice).
first_contributions as (
  insert into patient_contributions (patient_serial, patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents)
  select patient_serial, patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents
  from (
    select *, row_number() over (partition by patient_serial order by visit_id) as nth
    from contributed as n
    where not exists (select from held as h where h.patient_serial = n.patient_serial)
  ) as numbered
  where nth <= (select max_visits_per_patient from contribution_bound where id = 1)
)
insert into patient_contributions (patient_serial, patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents)
select patient_serial, patient_id, nth, visit_id, provider_id, diagnosis, month, cost_cents
from (
  select *, row_number() over (partition by patient_serial order by visit_id) as nth
  from (
    select * from held
    union all
    select * from contributed as n where exists (select from held as h where h.patient_serial = n.patient_serial)
  ) as candidates
) as numbered
where nth <= (select max_visits_per_patient from contribution_bound where id = 1)
on conflict (patient_serial, nth) do update
set patient_id = excluded.patient_id,
    visit_id = excluded.visit_id,
    provider_id = excluded.provider_id,
    diagnosis = excluded.diagnosis,
    month = excluded.month,
    cost_cents = excluded.cost_cents
where patient_contributions.visit_id is distinct from excluded.visit_id;
