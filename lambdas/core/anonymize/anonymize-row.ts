// Turns one raw row into one clean row, or into the reasons it was rejected. Pure: the keyed
// functions (pseudonyms, per-row noise) and the vocabulary decisions of the batch arrive as arguments.
import type { z } from 'zod';
import type { Entity } from '../../steps/run-state.js';
import type { CleanRow } from '../contract/clean-contract.js';
import type { FreeTextField } from '../vocabulary/vocabulary.js';
import type { Resolution, VocabularyResolver } from '../vocabulary/census.js';
import { ageOn, birthYearOf, zip3 } from './generalise.js';
import { rowParser } from './row-parser.js';
import { twoDecimals } from './two-decimals.js';
import { patientFields, patientRow, providerFields, providerRow, visitFields, visitRow } from './row-schemas.js';

export interface RowIssue {
  field: string;
  reason: string;
}

export type RowOutcome<E extends Entity> = { ok: true; row: CleanRow<E> } | { ok: false; issues: RowIssue[] };

export interface AnonymizeTools {
  /** Keyed pseudonym of a value within a domain ('patient', 'visit'). */
  pseudonym(domain: string, value: string): string;
  /** cost_with_privacy for a visit: clamped cost plus keyed noise, in dollars. */
  costWithPrivacy(costDollars: number, visitPseudonym: string): number;
  /** Reference date of the batch, YYYY-MM-DD. */
  asOf: string;
  /** What each free-text value is stored as: a vocabulary term, a value k patients share, or Other. */
  vocabulary: VocabularyResolver;
}

const parsePatient = rowParser(patientFields, patientRow);
const parseProvider = rowParser(providerFields, providerRow);
const parseVisit = rowParser(visitFields, visitRow);

const OLDEST_AGE = 125;
const EARLIEST_VISIT = '1900-01-01';

function issuesOf(error: z.ZodError): RowIssue[] {
  return error.issues.map((i) => ({ field: String(i.path[0] ?? ''), reason: i.message }));
}

export function anonymizePatient(raw: Record<string, string>, line: number, t: AnonymizeTools): RowOutcome<'patients'> {
  const parsed = parsePatient(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const p = parsed.data;
  const age = ageOn(p.date_of_birth, t.asOf);
  if (p.date_of_birth > t.asOf) return reject('date_of_birth', `date_of_birth ${p.date_of_birth} is after the batch date ${t.asOf}`);
  if (age > OLDEST_AGE) return reject('date_of_birth', `date_of_birth ${p.date_of_birth} gives an age over ${OLDEST_AGE}`);
  return {
    ok: true,
    row: {
      patient_id: t.pseudonym('patient', p.patient_id),
      // Empty (NULL in the warehouse) means 90 or older; ages are derived at query time.
      birth_year: birthYearOf(p.date_of_birth, t.asOf) ?? '',
      gender: p.gender,
      zip3: zip3(p.zip_code),
      state: p.state,
      source_line: line,
    },
  };
}

export function anonymizeProvider(raw: Record<string, string>, line: number, t: AnonymizeTools): RowOutcome<'providers'> {
  const parsed = parseProvider(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const p = parsed.data;
  const specialty = t.vocabulary.resolve('specialty', p.specialty);
  if (!specialty.ok) return reject('specialty', specialty.reason);
  return { ok: true, row: { provider_id: p.provider_id, provider_name: p.provider_name, specialty: specialty.value, source_line: line } };
}

/** The issues of a visit's free-text fields the vocabulary refused, in field order. */
function freeTextIssues(resolved: readonly [FreeTextField, Resolution][]): RowIssue[] {
  const issues: RowIssue[] = [];
  for (const [field, r] of resolved) if (!r.ok) issues.push({ field, reason: r.reason });
  return issues;
}

export function anonymizeVisit(raw: Record<string, string>, line: number, t: AnonymizeTools): RowOutcome<'visits'> {
  const parsed = parseVisit(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const v = parsed.data;
  if (v.visit_date > t.asOf) return reject('visit_date', `visit_date ${v.visit_date} is after the batch date ${t.asOf}`);
  if (v.visit_date < EARLIEST_VISIT) return reject('visit_date', `visit_date ${v.visit_date} is before ${EARLIEST_VISIT}`);
  const visitType = t.vocabulary.resolve('visit_type', v.visit_type);
  const diagnosis = t.vocabulary.resolve('diagnosis', v.diagnosis);
  const procedure = t.vocabulary.resolve('procedure_performed', v.procedure_performed);
  if (!visitType.ok || !diagnosis.ok || !procedure.ok) {
    return { ok: false, issues: freeTextIssues([['visit_type', visitType], ['diagnosis', diagnosis], ['procedure_performed', procedure]]) };
  }
  const visitId = t.pseudonym('visit', v.visit_id);
  // No cost stays empty (NULL once loaded), and so does its noisy copy.
  const cost = v.cost === undefined ? undefined : v.cost / 100;
  return {
    ok: true,
    row: {
      visit_id: visitId,
      patient_id: t.pseudonym('patient', v.patient_id),
      provider_id: v.provider_id,
      visit_date: v.visit_date,
      visit_type: visitType.value,
      diagnosis: diagnosis.value,
      procedure_performed: procedure.value,
      cost: cost === undefined ? '' : twoDecimals(cost),
      cost_with_privacy: cost === undefined ? '' : twoDecimals(t.costWithPrivacy(cost, visitId)),
      source_line: line,
    },
  };
}

const reject = (field: string, reason: string): { ok: false; issues: RowIssue[] } => ({ ok: false, issues: [{ field, reason }] });

export const anonymizers = {
  patients: anonymizePatient,
  providers: anonymizeProvider,
  visits: anonymizeVisit,
} as const;
