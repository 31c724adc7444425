// zod schemas for one raw input row per entity. Only fields we keep or derive from are validated:
// a malformed phone or email is dropped anyway and must not cost us the row.
import { z } from 'zod';
import { parseCents, parseDate, parseGender, parseState, parseZip, normaliseText } from './parse-fields.js';

const MAX_TEXT = 200;

const text = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .transform(normaliseText)
    .refine((v) => v.length > 0, `${what} is empty`)
    .refine((v) => v.length <= MAX_TEXT, `${what} is longer than ${MAX_TEXT} characters`);

const parsed = <T>(what: string, parse: (v: string) => T | undefined, expected: string) =>
  z.string({ error: `${what} is missing` }).transform((v, ctx) => {
    const out = parse(v);
    if (out === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(v)} is not ${expected}` });
      return z.NEVER;
    }
    return out;
  });

/** Like parsed, but a missing or blank value is allowed and becomes undefined. */
const optionalParsed = <T>(what: string, parse: (v: string) => T | undefined, expected: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const out = parse(v);
      if (out === undefined) {
        ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(v)} is not ${expected}` });
        return z.NEVER;
      }
      return out;
    });

export const patientRow = z.object({
  patient_id: text('patient_id'),
  patient_name: text('patient_name'),
  date_of_birth: parsed('date_of_birth', parseDate, 'a date (YYYY-MM-DD)'),
  gender: parsed('gender', parseGender, 'one of M, F, Male, Female, Other, Unknown'),
  state: parsed('state', parseState, 'a two-letter state code'),
  zip_code: parsed('zip_code', parseZip, 'a 5-digit or ZIP+4 code'),
});

export const providerRow = z.object({
  provider_id: text('provider_id'),
  provider_name: text('provider_name'),
  specialty: text('specialty'),
});

export const visitRow = z.object({
  visit_id: text('visit_id'),
  patient_id: text('patient_id'),
  provider_id: text('provider_id'),
  visit_date: parsed('visit_date', parseDate, 'a date (YYYY-MM-DD)'),
  visit_type: text('visit_type'),
  diagnosis: text('diagnosis'),
  procedure_performed: text('procedure_performed'),
  // Optional: a FHIR Encounter without a Claim or ExplanationOfBenefit has no cost; null in the warehouse.
  cost: optionalParsed('cost', parseCents, 'a non-negative amount with at most two decimals'),
});

export type PatientRow = z.infer<typeof patientRow>;
export type ProviderRow = z.infer<typeof providerRow>;
export type VisitRow = z.infer<typeof visitRow>;
