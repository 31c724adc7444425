// The published layer's snapshot: differentially private aggregates only, each with its 95% interval.
// The dashboard is built from this and nothing else, so it can be shared where the warehouse cannot.
// Version 2: no exact statistic of any kind (version 1 carried the exact smallest k-anonymity class),
// intervals and imprecision marks on every figure, the cost clamp's origin, and the release's delta.

/** A closed interval [low, high] in the figure's own unit. */
export interface Interval {
  low: number;
  high: number;
}

export type CellFigure = 'visits' | 'patients' | 'meanCost';
export type KpiName = 'patients' | 'visits' | 'activeProviders' | 'meanVisitCost';

/** One released cell. Figures are null when the cell is suppressed (fewer than k patients). */
export interface PublishedCell {
  /** Group key, e.g. { age_group: '18-34' } or { month: '2025-03', specialty: 'Cardiology' }. */
  key: Record<string, string>;
  visits: number | null;
  patients: number | null;
  /** Mean of clamped visit costs (USD), null when suppressed, too noisy, or not released for this table. */
  meanCost: number | null;
  suppressed: boolean;
  /** The 95% interval of each figure from its noise distribution; null where the figure is null. */
  intervals: Record<CellFigure, Interval | null>;
  /** Figures whose interval is wider than the figure itself: read them as "small", not as a number. */
  imprecise: CellFigure[];
}

export interface PublishedTable {
  /** e.g. 'by_age_group', 'by_gender', 'by_diagnosis', 'by_specialty', 'by_month', 'by_state', 'by_month_specialty' */
  name: string;
  /** Names of the key columns, in display order. */
  dimensions: string[];
  /** Epsilon this table consumed within the release (partition selection of its keys included). */
  epsilon: number;
  /** Delta this table consumed (partition selection of data-derived keys; 0 for fixed key lists). */
  delta: number;
  cells: PublishedCell[];
}

export interface BudgetLedgerEntry {
  releaseId: string;
  runId: string;
  releasedAt: string;
  epsilon: number;
  cumulative: number;
  delta: number;
  cumulativeDelta: number;
}

export interface PublishedSnapshot {
  version: 2;
  releaseId: string;
  runId: string;
  /** ISO timestamp of the release. */
  releasedAt: string;
  /** Date range of visits covered (YYYY-MM-DD). */
  period: { from: string; to: string };
  kpis: Record<KpiName, number | null>;
  /** 95% intervals of the KPIs (activeProviders: from every provider's interval, jointly at 95%). */
  kpiIntervals: Record<KpiName, Interval | null>;
  kpiImprecise: KpiName[];
  privacy: {
    mechanism: string;
    epsilonRelease: number;
    epsilonSpent: number;
    epsilonTotal: number;
    epsilonRemaining: number;
    deltaRelease: number;
    deltaSpent: number;
    deltaTotal: number;
    /** Per-visit clamp (USD) of every cost statistic: a visit above it counts at it. */
    costClamp: number;
    /** 'dp-quantile': chosen from the data by a DP quantile paid from this release; 'configured': set by privacy.costClamp. */
    costClampSource: 'dp-quantile' | 'configured';
    /** The quantile aimed at when costClampSource is 'dp-quantile'. */
    costClampQuantile: number | null;
    maxVisitsPerPatient: number;
    /** The configured small-cell threshold (a setting, not a measurement). */
    k: number;
    /** Confidence level of every interval (0.95). */
    confidence: number;
    /** Human-readable list of what was suppressed, pooled or generalised. */
    suppressed: string[];
    ledger: BudgetLedgerEntry[];
    noNoise: boolean;
  };
  tables: PublishedTable[];
}
