// The contract v1 fields a mapping may fill, per entity, and which of them it must fill. Read from the
// anonymiser's own row schemas, so the two cannot disagree when the contract changes. Pure.
import type { Entity } from '../../../steps/run-state.js';
import { patientRow, providerRow, visitRow } from '../../anonymize/row-schemas.js';
import { NAME_FIELDS } from '../stand-ins.js';

const SHAPES = { patients: patientRow.shape, providers: providerRow.shape, visits: visitRow.shape } as const;

export interface ContractField {
  name: string;
  required: boolean;
}

/** A field is required when the row schema refuses a row without it, unless the adapter stands in for it. */
export function contractFields(entity: Entity): ContractField[] {
  const standIn: string | undefined = entity === 'visits' ? undefined : NAME_FIELDS[entity];
  return Object.entries(SHAPES[entity] as Record<string, { safeParse(v: unknown): { success: boolean } }>).map(([name, schema]) => ({
    name,
    required: name !== standIn && !schema.safeParse(undefined).success,
  }));
}
