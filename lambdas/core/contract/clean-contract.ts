// Columns of the clean (anonymised) files, in file order. These are also the staging table columns,
// so the anonymiser, the loader and the SQL agree on one list.
import type { Entity } from '../../steps/run-state.js';

export const CLEAN_COLUMNS = {
  // No name pseudonym (it linked same-named people and had no analytic use) and no age: the top-coded
  // birth year (empty = 90 or older) never changes with the batch date, so it never opens a version.
  patients: ['patient_id', 'birth_year', 'gender', 'zip3', 'state', 'source_line'],
  providers: ['provider_id', 'provider_name', 'specialty', 'source_line'],
  visits: [
    'visit_id', 'patient_id', 'provider_id', 'visit_date', 'visit_type', 'diagnosis',
    'procedure_performed', 'cost', 'cost_with_privacy', 'source_line',
  ],
} as const satisfies Record<Entity, readonly string[]>;

export type CleanRow<E extends Entity> = Record<(typeof CLEAN_COLUMNS)[E][number], string | number>;

export const STAGING_TABLES: Record<Entity, string> = {
  patients: 'staging_patients',
  providers: 'staging_providers',
  visits: 'staging_visits',
};

export const QUARANTINE_COLUMNS = ['run_id', 'file', 'line', 'entity', 'field', 'reason', 'raw'] as const;
