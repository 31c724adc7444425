-- Run-scoped work finds a run's rows by index, whatever the warehouse holds: the data tests and the
-- reconciliation evidence read "the versions and visits this run wrote" as run_id = the run's id. A
-- run's rows share one key, so each insert lands at the right end of its key's range (cheap to keep).
-- Forward-only and idempotent. On a warehouse that already holds rows, building these reads each
-- table once.
create index if not exists dim_patients_run_id_idx on dim_patients (run_id);
create index if not exists fact_visits_run_id_idx on fact_visits (run_id);
