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

// Privacy defaults, justified in PRIVACY.md ("DP parameters and defaults"):
// - epsilonPerRelease 1: at 10,000 patients a monthly visit count has noise sd ~ 59 visits on ~840
//   (about 7%), the mean visit cost sd ~ USD 8; see PRIVACY.md for every statistic.
// - epsilonTotal 10: ten releases over the same patients (e.g. a quarterly release for 2.5 years).
// - costClamp 2000 USD: above the cost of 98.5% of visits in the synthetic catalogue (chosen from the
//   price list, not from the data); inpatient stays are clamped. A sum's sensitivity is costClamp *
//   maxVisitsPerPatient, so halving the clamp halves the noise on every mean.
// - maxVisitsPerPatient 5, k 5.
export const defaultConfig: PipelineConfig = {
  privacy: {
    epsilonTotal: 10,
    epsilonPerRelease: 1,
    epsilonPerRowCost: 1,
    costClamp: 2000,
    maxVisitsPerPatient: 5,
    k: 5,
    noNoise: false,
  },
  maxRejectedShare: 0.2,
  retentionYears: 7,
};
