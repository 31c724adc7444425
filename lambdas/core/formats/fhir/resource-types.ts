// Which FHIR resource types an export's files hold, and what each is used for. Pure.
import type { Entity } from '../../../steps/run-state.js';

/** Types that become rows: one row (or one quarantined line) per resource. */
export const ENTITY_TYPES: Readonly<Record<Entity, string>> = {
  patients: 'Patient',
  providers: 'Practitioner',
  visits: 'Encounter',
};

/** Types read only to fill a field of another's row (joined by reference). */
export const JOIN_TYPES = ['PractitionerRole', 'Condition', 'Procedure', 'Claim', 'ExplanationOfBenefit'] as const;
export type JoinType = (typeof JOIN_TYPES)[number];

export const isJoinType = (t: string): t is JoinType => (JOIN_TYPES as readonly string[]).includes(t);
export const entityOfType = (t: string): Entity | undefined =>
  (Object.entries(ENTITY_TYPES) as [Entity, string][]).find(([, type]) => type === t)?.[0];

/**
 * The resource type a Bulk Data file name carries: Patient.ndjson, Patient.000.ndjson, Patient_2.ndjson
 * or 1.Patient.ndjson. The first part that looks like a type name (capitalised letters) wins.
 */
export function typeOfFile(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1).replace(/\.ndjson$/i, '');
  return base.split(/[._\-\s]+/).find((part) => /^[A-Z][A-Za-z]+$/.test(part));
}
