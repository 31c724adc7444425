-- A claim on a batch is a lease. A run that dies without a word (an execution timeout, a manual stop,
-- a ledger call that itself failed) must not hold its batch for ever: once the lease has expired a new
-- run may claim the batch (lambdas/steps/batch-ledger.ts). The lease lasts as long as the state machine
-- may run (its TimeoutSeconds), and a redrive, which restarts that clock, renews it for lease_seconds.
alter table batch_ledger add column if not exists lease_seconds integer;
alter table batch_ledger add column if not exists lease_expires_at timestamptz;

-- Claims made before leases existed: the state machine's timeout was six hours.
update batch_ledger
set lease_seconds = 21600, lease_expires_at = updated_at + interval '6 hours'
where lease_seconds is null;

-- The execution status rule knows a run by its id (the execution name), not by its batch.
create index if not exists batch_ledger_run_id_idx on batch_ledger (run_id);
