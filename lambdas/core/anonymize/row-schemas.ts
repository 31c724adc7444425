// The rules for one raw input row per entity. Only fields we keep or derive from are validated: a
// malformed phone or email is dropped anyway and must not cost us the row.
//
// Each field is declared once, as a pair: its zod schema (the contract's source of truth, and the
// source of every rejection reason) and a cheap check built from the same field parsers, which the
// row path runs first (row-parser.ts). The cheap check only ever accepts, with the value zod would
// give; anything it is unsure of goes to zod. test/core/row-parser.test.ts holds the two to that.
import { z } from 'zod';
import { parseCents, parseDate, parseGender, parseState, parseZip, normaliseText } from './parse-fields.js';

const MAX_TEXT = 200;

/** What a cheap check returns when it cannot vouch for a value: zod decides. */
export const ASK_ZOD: unique symbol = Symbol('ask zod');

export interface FieldRule<T> {
  zod: z.ZodType<T, string | undefined>;
  /** The value zod would give for `raw`, or ASK_ZOD; never a value zod would refuse. */
  cheap(raw: string | undefined): T | typeof ASK_ZOD;
}

const text = (what: string): FieldRule<string> => ({
  zod: z
    .string({ error: `${what} is missing` })
    .transform(normaliseText)
    .refine((v) => v.length > 0, `${what} is empty`)
    .refine((v) => v.length <= MAX_TEXT, `${what} is longer than ${MAX_TEXT} characters`),
  cheap(raw) {
    if (typeof raw !== 'string') return ASK_ZOD;
    const v = normaliseText(raw);
    return v.length > 0 && v.length <= MAX_TEXT ? v : ASK_ZOD;
  },
});

const parsed = <T>(what: string, parse: (v: string) => T | undefined, expected: string): FieldRule<T> => ({
  zod: z.string({ error: `${what} is missing` }).transform((v, ctx) => {
    const out = parse(v);
    if (out === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} ${JSON.stringify(v)} is not ${expected}` });
      return z.NEVER;
    }
    return out;
  }),
  cheap: (raw) => (typeof raw === 'string' ? (parse(raw) ?? ASK_ZOD) : ASK_ZOD),
});

/** Like parsed, but a missing or blank value is allowed and becomes undefined. */
const optionalParsed = <T>(what: string, parse: (v: string) => T | undefined, expected: string): FieldRule<T | undefined> => ({
  zod: z
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
    }),
  cheap(raw) {
    if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return undefined;
    return typeof raw === 'string' ? (parse(raw) ?? ASK_ZOD) : ASK_ZOD;
  },
});

export const patientFields = {
  patient_id: text('patient_id'),
  patient_name: text('patient_name'),
  date_of_birth: parsed('date_of_birth', parseDate, 'a date (YYYY-MM-DD)'),
  gender: parsed('gender', parseGender, 'one of M, F, Male, Female, Other, Unknown'),
  state: parsed('state', parseState, 'a two-letter state code'),
  zip_code: parsed('zip_code', parseZip, 'a 5-digit or ZIP+4 code'),
};

export const providerFields = {
  provider_id: text('provider_id'),
  provider_name: text('provider_name'),
  specialty: text('specialty'),
};

export const visitFields = {
  visit_id: text('visit_id'),
  patient_id: text('patient_id'),
  provider_id: text('provider_id'),
  visit_date: parsed('visit_date', parseDate, 'a date (YYYY-MM-DD)'),
  visit_type: text('visit_type'),
  diagnosis: text('diagnosis'),
  procedure_performed: text('procedure_performed'),
  // Optional: a FHIR Encounter without a Claim or ExplanationOfBenefit has no cost; null in the warehouse.
  cost: optionalParsed('cost', parseCents, 'a non-negative amount with at most two decimals'),
};

type ZodShape<F extends Record<string, FieldRule<unknown>>> = { [K in keyof F]: F[K]['zod'] };

function zodShape<F extends Record<string, FieldRule<unknown>>>(fields: F): ZodShape<F> {
  return Object.fromEntries(Object.entries(fields).map(([name, rule]) => [name, rule.zod])) as ZodShape<F>;
}

export const patientRow = z.object(zodShape(patientFields));
export const providerRow = z.object(zodShape(providerFields));
export const visitRow = z.object(zodShape(visitFields));

export type PatientRow = z.infer<typeof patientRow>;
export type ProviderRow = z.infer<typeof providerRow>;
export type VisitRow = z.infer<typeof visitRow>;
