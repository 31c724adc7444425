-- A privacy budget the database enforces (issue 11, item 2). Forward-only and idempotent.
--
-- - privacy_budget_ledger is append-only for every role, as audit_log is (005_audit_chain.sql):
--   UPDATE, DELETE and TRUNCATE raise.
-- - The totals live in one row, privacy_budget, fixed by the first release (with the total it was
--   configured with) and changed afterwards only by set_privacy_budget_total(), which writes an audit
--   entry (npm run privacy-budget). A run's configuration can no longer raise them.
-- - Every ledger insert is charged by a trigger that updates that row: concurrent releases queue on its
--   row lock (READ COMMITTED re-reads the committed spend) or fail with a serialisation error
--   (REPEATABLE READ), and the insert is refused when the total would be passed. So two releases close
--   together can never overspend, whatever the application does. lock_privacy_budget() serialises
--   whole releases earlier, so the second one is refused before it reads any data.
-- - Releases are charged a delta too (partition selection of data-derived keys).

alter table privacy_budget_ledger add column if not exists delta numeric not null default 0 check (delta >= 0);
alter table privacy_budget_ledger add column if not exists cumulative_delta numeric not null default 0;
alter table privacy_budget_ledger add column if not exists delta_total numeric;

create table if not exists privacy_budget (
  id integer primary key check (id = 1),
  epsilon_total numeric(12, 6) not null check (epsilon_total > 0),
  delta_total numeric not null check (delta_total >= 0 and delta_total < 1),
  epsilon_spent numeric(12, 6) not null default 0,
  delta_spent numeric not null default 0,
  fixed_at timestamptz not null default now(),
  fixed_by text not null
);

-- A ledger from before this migration: its first release's total is the one that was in force.
insert into privacy_budget (id, epsilon_total, delta_total, epsilon_spent, delta_spent, fixed_by)
select 1, first.epsilon_total, 0.00001, spent.epsilon, spent.delta, first.release_id
from (select release_id, epsilon_total from privacy_budget_ledger order by released_at, release_id limit 1) as first,
     (select sum(epsilon) as epsilon, sum(delta) as delta from privacy_budget_ledger) as spent
on conflict (id) do nothing;

-- Changes to the budget row: spends only grow; totals change only inside set_privacy_budget_total().
create or replace function privacy_budget_guard() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  if tg_op <> 'UPDATE' then
    raise exception 'privacy_budget cannot be deleted or truncated'
      using hint = 'the budget row records what every release spent; change its totals with npm run privacy-budget';
  end if;
  if new.epsilon_spent < old.epsilon_spent or new.delta_spent < old.delta_spent then
    raise exception 'privacy_budget: spent epsilon and delta only grow (% -> %)', old.epsilon_spent, new.epsilon_spent;
  end if;
  if (new.epsilon_total, new.delta_total, new.fixed_at, new.fixed_by) is distinct from (old.epsilon_total, old.delta_total, old.fixed_at, old.fixed_by)
     and current_setting('privacy.budget_change', true) is distinct from 'audited' then
    raise exception 'privacy_budget totals change only through set_privacy_budget_total()'
      using hint = 'npm run privacy-budget -- --epsilon-total N --reason "..." (the change is written to audit_log)';
  end if;
  return new;
end;
$$;

create or replace trigger privacy_budget_guard before update or delete on privacy_budget
  for each row execute function privacy_budget_guard();
create or replace trigger privacy_budget_no_truncate before truncate on privacy_budget
  for each statement execute function privacy_budget_guard();

-- Charges a new ledger row against the budget; the row's cumulative and total columns are set from it.
create or replace function privacy_budget_charge() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  b privacy_budget;
begin
  insert into privacy_budget (id, epsilon_total, delta_total, fixed_by)
  values (1, new.epsilon_total, coalesce(new.delta_total, 0), new.release_id)
  on conflict (id) do nothing;
  update privacy_budget
     set epsilon_spent = epsilon_spent + new.epsilon, delta_spent = delta_spent + new.delta
   where id = 1
  returning * into strict b;
  if b.epsilon_spent > b.epsilon_total or b.delta_spent > b.delta_total then
    raise exception 'privacy budget exceeded: release % would bring epsilon to % of % and delta to % of %',
      new.release_id, b.epsilon_spent, b.epsilon_total, b.delta_spent, b.delta_total
      using errcode = 'check_violation',
            hint = 'keep serving the last snapshot; the totals change only with npm run privacy-budget, if your policy allows';
  end if;
  new.cumulative := b.epsilon_spent;
  new.epsilon_total := b.epsilon_total;
  new.cumulative_delta := b.delta_spent;
  new.delta_total := b.delta_total;
  return new;
end;
$$;

-- One guard for every append-only table other than audit_log (whose retention is an exception):
-- UPDATE, DELETE and TRUNCATE raise, for every role including the owner. The hint is the trigger's argument.
create or replace function reject_append_only_change() returns trigger
language plpgsql set search_path = public, pg_temp as $$
begin
  raise exception '% is append-only: % rejected', tg_table_name, tg_op using hint = coalesce(tg_argv[0], '');
end;
$$;

create or replace trigger privacy_budget_ledger_charge before insert on privacy_budget_ledger
  for each row execute function privacy_budget_charge();
create or replace trigger privacy_budget_ledger_append_only before update or delete on privacy_budget_ledger
  for each row execute function reject_append_only_change('a release stays spent; the totals change only with npm run privacy-budget');
create or replace trigger privacy_budget_ledger_no_truncate before truncate on privacy_budget_ledger
  for each statement execute function reject_append_only_change('a release stays spent; the totals change only with npm run privacy-budget');

-- Taken first by every release: one release at a time reads the budget, computes and records. Returns
-- the budget row (none before the first release). Transaction-scoped: released at commit or rollback.
create or replace function lock_privacy_budget()
returns table (epsilon_total numeric, delta_total numeric, epsilon_spent numeric, delta_spent numeric)
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  perform pg_advisory_xact_lock(7153095010342601);
  return query select b.epsilon_total, b.delta_total, b.epsilon_spent, b.delta_spent from privacy_budget as b where b.id = 1;
end;
$$;

-- The one way to change the totals: never below what is spent, with a reason, written to audit_log.
create or replace function set_privacy_budget_total(p_epsilon_total numeric, p_delta_total numeric, p_reason text)
returns privacy_budget
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  before privacy_budget;
  after privacy_budget;
begin
  if coalesce(btrim(p_reason), '') = '' then
    raise exception 'set_privacy_budget_total: a reason is required';
  end if;
  perform pg_advisory_xact_lock(7153095010342601);
  select * into before from privacy_budget where id = 1;
  if not found then
    if p_epsilon_total is null or p_delta_total is null then
      raise exception 'set_privacy_budget_total: no release has fixed a budget yet; give both totals';
    end if;
    insert into privacy_budget (id, epsilon_total, delta_total, fixed_by)
    values (1, p_epsilon_total, p_delta_total, 'set by ' || session_user) returning * into after;
  else
    if coalesce(p_epsilon_total, before.epsilon_total) < before.epsilon_spent or coalesce(p_delta_total, before.delta_total) < before.delta_spent then
      raise exception 'set_privacy_budget_total: a total cannot go below what is spent (epsilon %, delta %)', before.epsilon_spent, before.delta_spent;
    end if;
    perform set_config('privacy.budget_change', 'audited', true);
    update privacy_budget
       set epsilon_total = coalesce(p_epsilon_total, epsilon_total), delta_total = coalesce(p_delta_total, delta_total),
           fixed_at = now(), fixed_by = 'set by ' || session_user
     where id = 1 returning * into after;
    perform set_config('privacy.budget_change', '', true);
  end if;
  perform write_audit('BUDGET_TOTAL', 'privacy_budget', null, jsonb_build_object(
    'epsilon_total', after.epsilon_total, 'delta_total', after.delta_total,
    'previous_epsilon_total', before.epsilon_total, 'previous_delta_total', before.delta_total,
    'reason', p_reason));
  return after;
end;
$$;

-- The published layer carries each figure's 95% interval and marks figures less precise than their size.
alter table published_cells add column if not exists intervals jsonb not null default '{}'::jsonb;
alter table published_cells add column if not exists imprecise text[] not null default '{}';
create or replace view published_latest as
select c.*
from published_cells as c
where c.release_id = (select release_id from privacy_budget_ledger order by released_at desc, release_id desc limit 1);

revoke execute on function lock_privacy_budget(), set_privacy_budget_total(numeric, numeric, text),
  privacy_budget_charge(), privacy_budget_guard(), reject_append_only_change() from public;
grant execute on function lock_privacy_budget() to hw_pipeline;
revoke update, delete, truncate on privacy_budget_ledger from hw_pipeline;
grant select on privacy_budget to hw_pipeline, hw_analyst;
grant select on published_latest to hw_analyst;
