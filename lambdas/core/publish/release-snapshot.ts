// The snapshot privatize writes: the dashboard's PublishedSnapshot plus the privacy accounting a
// reviewer needs (unit of privacy, every noisy statistic's epsilon, delta and sensitivity, how the cost
// clamp and the data-derived keys were chosen). It holds no exact statistic: the k-anonymity
// measurement of the warehouse stays in the restricted table k_anonymity_measurements.
import type { PublishedSnapshot } from '../published-snapshot.js';
import type { BudgetLine } from './build-release.js';

/** How one table's data-derived keys were released (DP partition selection). */
export interface PartitionSelectionRecord {
  table: 'by_diagnosis' | 'by_specialty';
  dimension: 'diagnosis' | 'specialty';
  epsilon: number;
  delta: number;
  /** A key is released when its noisy count of patients (each patient counted for one key) reaches this. */
  threshold: number;
  /** The data-derived keys released (the vocabulary's terms are listed in every release and are not here). */
  released: string[];
}

export type ReleaseSnapshot = PublishedSnapshot & {
  privacy: PublishedSnapshot['privacy'] & {
    /** Neighbouring databases differ by one patient with all of their visits. */
    unit: 'patient';
    budget: BudgetLine[];
    partitionSelection: PartitionSelectionRecord[];
    /** How to read the intervals. */
    intervals: string;
  };
};
