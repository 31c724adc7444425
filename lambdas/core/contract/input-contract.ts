// The versioned input contract: which columns each source file must have. A missing required column
// is a clear error naming the file and column; an extra column is reported and ignored.
import type { Entity } from '../../steps/run-state.js';

export const CONTRACT_VERSION = 1;

export const INPUT_FILES: Record<Entity, string> = {
  patients: 'synthetic_patients.csv',
  providers: 'synthetic_providers.csv',
  visits: 'synthetic_visits.csv',
};

export const INPUT_COLUMNS = {
  patients: [
    'patient_id', 'patient_name', 'date_of_birth', 'gender', 'phone',
    'email', 'address', 'city', 'state', 'zip_code',
  ],
  providers: ['provider_id', 'provider_name', 'specialty', 'phone', 'email'],
  visits: [
    'visit_id', 'patient_id', 'provider_id', 'visit_date', 'visit_type',
    'diagnosis', 'procedure_performed', 'cost',
  ],
} as const satisfies Record<Entity, readonly string[]>;

/** Columns whose absence makes the file unusable. Identifiers we drop anyway, and cost, may be missing. */
export const REQUIRED_COLUMNS: Record<Entity, readonly string[]> = {
  patients: ['patient_id', 'patient_name', 'date_of_birth', 'gender', 'state', 'zip_code'],
  providers: ['provider_id', 'provider_name', 'specialty'],
  visits: ['visit_id', 'patient_id', 'provider_id', 'visit_date', 'visit_type', 'diagnosis', 'procedure_performed'],
};

export interface HeaderCheck {
  missing: string[];
  extra: string[];
}

/** Compares a file's header to the contract. Matching is exact after trimming and lower-casing. */
export function checkHeader(entity: Entity, header: readonly string[]): HeaderCheck {
  const present = new Set(header.map(normaliseColumn));
  const known = new Set<string>(INPUT_COLUMNS[entity]);
  return {
    missing: REQUIRED_COLUMNS[entity].filter((c) => !present.has(c)),
    extra: [...present].filter((c) => !known.has(c)),
  };
}

export const normaliseColumn = (c: string): string => c.trim().toLowerCase().replace(/^\uFEFF/, '');
