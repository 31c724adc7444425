// The anonymize step's first pass over a batch: which values outside the vocabularies at least k
// distinct patients share (lambdas/core/vocabulary/census.ts). Reads only the providers and visits and
// keeps only what the census keeps (bounded); rows that fail validation later are counted too, which can
// only keep a value a few patients short of k in the warehouse.
import { createVocabularyCensus, type CensusOptions, type VisitFields, type VocabularyCensus } from '../../core/vocabulary/census.js';
import type { InputRecord } from './input-record.js';

export type RecordsOf = (entity: 'providers' | 'visits') => Promise<AsyncIterable<InputRecord>>;

export async function countVocabulary(records: RecordsOf, o: CensusOptions): Promise<VocabularyCensus> {
  const census = createVocabularyCensus(o);
  for await (const r of await records('providers')) {
    if (r.kind === 'row' && r.values['provider_id'] !== undefined) census.addProvider(r.values['provider_id'], r.values['specialty']);
  }
  for await (const r of await records('visits')) {
    if (r.kind === 'row') census.addVisit(censusFieldsOf(r.values));
  }
  return census;
}

/** What the census counts of a visit row. */
export const censusFieldsOf = (v: Readonly<Record<string, string>>): VisitFields => ({
  patientId: v['patient_id'] ?? '',
  providerId: v['provider_id'] ?? '',
  visit_type: v['visit_type'],
  diagnosis: v['diagnosis'],
  procedure_performed: v['procedure_performed'],
});
