// Every tunable in one place, with its documented default. config.ts at the lambdas root reads the
// environment into this shape; tests build it directly.
export interface PrivacyConfig {
  /** Total epsilon the published layer may ever spend (the ledger refuses releases beyond it). */
  epsilonTotal: number;
  /** Epsilon spent by one release of the published aggregates. */
  epsilonPerRelease: number;
  /** Epsilon of the per-row cost_with_privacy noise on fact_visits. */
  epsilonPerRowCost: number;
  /** Costs are clamped to [0, costClamp] before any DP statistic; it is the sensitivity of one visit. */
  costClamp: number;
  /** How many visits one patient may contribute to a published statistic. */
  maxVisitsPerPatient: number;
  /** Smallest group size published; smaller cells are suppressed. */
  k: number;
  /** Tests only: publish exact values (no noise). Never set in production. */
  noNoise: boolean;
}

export interface PipelineConfig {
  privacy: PrivacyConfig;
  /** A batch whose rejected share of any entity exceeds this fails instead of loading. */
  maxRejectedShare: number;
  /** Partitions older than this many years are detached by the retention command. */
  retentionYears: number;
}

export const defaultConfig: PipelineConfig = {
  privacy: {
    epsilonTotal: 10,
    epsilonPerRelease: 1,
    epsilonPerRowCost: 1,
    costClamp: 5000,
    maxVisitsPerPatient: 5,
    k: 5,
    noNoise: false,
  },
  maxRejectedShare: 0.2,
  retentionYears: 7,
};
