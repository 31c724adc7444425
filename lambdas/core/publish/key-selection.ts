// Which data-derived keys a release lists. The vocabularies' listed terms are a fixed domain, listed
// every time at no cost; any other value (an unlisted term such as an ICD-10-CM chapter, or a value
// outside the vocabulary kept because at least k patients of a batch shared it) is listed only if DP
// partition selection releases it, paid from the
// table's 'selection' budget line (epsilon and delta). With no configuration, a batch from another
// source thus shows its own frequent diagnoses, and OTHER holds only the rare ones.
import type { PrivacyConfig } from '../config.js';
import { selectPartitions, selectionThreshold, type Candidate } from '../privacy/partition-selection.js';
import type { BitSource } from '../privacy/randomness.js';
import { shareOf } from './build-release.js';
import type { PartitionSelectionRecord } from './release-snapshot.js';
import { DIAGNOSIS_VOCABULARY, SPECIALTY_VOCABULARY } from './true-aggregates.js';

export const SELECTED_DIMENSIONS = [
  { table: 'by_diagnosis', dimension: 'diagnosis', listed: DIAGNOSIS_VOCABULARY },
  { table: 'by_specialty', dimension: 'specialty', listed: SPECIALTY_VOCABULARY },
] as const;

export type SelectedDimension = (typeof SELECTED_DIMENSIONS)[number];

export function selectKeys(d: SelectedDimension, candidates: readonly Candidate[], config: PrivacyConfig, bits: BitSource): PartitionSelectionRecord {
  const { epsilon, delta } = shareOf(config, d.table, 'selection');
  return {
    table: d.table,
    dimension: d.dimension,
    epsilon,
    delta,
    threshold: selectionThreshold({ epsilon, delta }),
    released: selectPartitions(candidates, { epsilon, delta }, bits, { noNoise: config.noNoise }),
  };
}
