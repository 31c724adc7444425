-- The warehouse's own quarantine (duplicates within a batch, unknown references) names the run, entity,
-- line and reason an engineer needs to fix the export; it no longer stores the row's pseudonym beside
-- its line, which linked a pseudonym to a row of the raw export without the key (issue 11, item 8).
-- Provider ids are not pseudonyms and stay. Forward-only and idempotent.
alter table quarantine_rows alter column record_key drop not null;
update quarantine_rows set record_key = null where entity in ('patients', 'visits') and record_key is not null;
