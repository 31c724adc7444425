// The published layer's snapshot: differentially private aggregates only. The dashboard is built from
// this and nothing else, so it can be shared where the warehouse cannot.

/** One released cell. `value` is null when the cell is suppressed (fewer than k patients). */
export interface PublishedCell {
  /** Group key, e.g. { age_group: '18-34' } or { month: '2025-03', specialty: 'Cardiology' }. */
  key: Record<string, string>;
  visits: number | null;
  patients: number | null;
  /** Mean of clamped visit costs (USD), null when suppressed or not released for this table. */
  meanCost: number | null;
  suppressed: boolean;
}

export interface PublishedTable {
  /** e.g. 'by_age_group', 'by_gender', 'by_diagnosis', 'by_specialty', 'by_month', 'by_state', 'by_month_specialty' */
  name: string;
  /** Names of the key columns, in display order. */
  dimensions: string[];
  /** Epsilon this table consumed within the release. */
  epsilon: number;
  cells: PublishedCell[];
}

export interface BudgetLedgerEntry {
  releaseId: string;
  runId: string;
  releasedAt: string;
  epsilon: number;
  cumulative: number;
}

export interface PublishedSnapshot {
  version: 1;
  releaseId: string;
  runId: string;
  /** ISO timestamp of the release. */
  releasedAt: string;
  /** Date range of visits covered (YYYY-MM-DD). */
  period: { from: string; to: string };
  kpis: {
    patients: number | null;
    visits: number | null;
    activeProviders: number | null;
    meanVisitCost: number | null;
  };
  privacy: {
    mechanism: string;
    epsilonRelease: number;
    epsilonSpent: number;
    epsilonTotal: number;
    epsilonRemaining: number;
    costClamp: number;
    maxVisitsPerPatient: number;
    k: number;
    /** Smallest equivalence class over (age band, gender, ZIP3, state) in dim_patients before suppression. */
    smallestK: number;
    /** Human-readable list of what was suppressed or generalised. */
    suppressed: string[];
    ledger: BudgetLedgerEntry[];
    noNoise: boolean;
  };
  tables: PublishedTable[];
}
