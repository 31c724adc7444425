-- Pseudonym key rotations (npm run rotate-key, issue 11). Forward-only and idempotent.
-- Each row is one key chain the warehouse's pseudonyms are under, named by a public fingerprint (a MAC
-- of the chain under its newest key: it names the key and reveals nothing about it). The newest row is
-- the chain in force; rotate-key refuses to run with any other key file. Append-only like the ledger
-- (reject_append_only_change is defined in 021_privacy_budget.sql).
create table if not exists pseudonym_key_epochs (
  epoch integer primary key check (epoch >= 0),
  fingerprint text not null unique,
  rotated_at timestamptz not null default now(),
  rekeyed jsonb not null default '{}'::jsonb
);

create or replace trigger pseudonym_key_epochs_append_only before update or delete on pseudonym_key_epochs
  for each row execute function reject_append_only_change('a rotation is recorded once; rotate again with npm run rotate-key');
create or replace trigger pseudonym_key_epochs_no_truncate before truncate on pseudonym_key_epochs
  for each statement execute function reject_append_only_change('a rotation is recorded once; rotate again with npm run rotate-key');

grant select on pseudonym_key_epochs to hw_pipeline;
