// The snapshot privatize writes: the dashboard's PublishedSnapshot plus the privacy accounting a
// reviewer needs (unit of privacy, delta, every noisy statistic's epsilon and sensitivity, and the
// k-anonymity measurement). Extra fields are ignored by the dashboard.
import type { PublishedSnapshot } from '../published-snapshot.js';
import type { BudgetLine } from './build-release.js';

export interface KAnonymityRecord {
  quasiIdentifiers: string[];
  /** Smallest equivalence class among current patients (exact, measured in the warehouse). */
  smallestK: number;
  classes: number;
  classesBelowK: number;
  k: number;
}

export type ReleaseSnapshot = PublishedSnapshot & {
  privacy: PublishedSnapshot['privacy'] & {
    /** Neighbouring databases differ by one patient with all of their visits. */
    unit: 'patient';
    /** Every key comes from a data-independent domain, so the release is pure epsilon-DP. */
    delta: 0;
    budget: BudgetLine[];
    kAnonymity: KAnonymityRecord;
  };
};
