-- Data-quality support: staged rows remember the run that loaded them (so reconciliation tests need
-- no session settings), and one helper gives the date "no future dates" is judged against.
-- Forward-only and idempotent.

-- COPY fills the column from the load transaction's run context (set_config('pipeline.run_id')).
alter table staging_patients add column if not exists run_id text default nullif(current_setting('pipeline.run_id', true), '');
alter table staging_providers add column if not exists run_id text default nullif(current_setting('pipeline.run_id', true), '');
alter table staging_visits add column if not exists run_id text default nullif(current_setting('pipeline.run_id', true), '');

-- The batch date inside a run; today when a data test runs on demand (npm run dq) without one.
create or replace function pipeline_as_of() returns date
language sql stable set search_path = pg_catalog as $$
  select coalesce(nullif(current_setting('pipeline.as_of', true), '')::date, current_date)
$$;
