// Every tunable in one place, with its documented default. lambdas/config.ts reads the environment
// into this shape; tests build it directly.
export interface PrivacyConfig {
  /**
   * Total epsilon the published layer may ever spend. Used once: the first release fixes it in the
   * warehouse's budget (privacy_budget); later it changes only with `npm run privacy-budget`.
   */
  epsilonTotal: number;
  /** Total delta, fixed in the warehouse's budget at the first release like epsilonTotal. */
  deltaTotal: number;
  /** Epsilon spent by one release of the published aggregates. */
  epsilonPerRelease: number;
  /** Delta of one release: what partition selection of data-derived keys (diagnoses, specialties) may cost. */
  deltaPerRelease: number;
  /** Epsilon of the per-row cost_with_privacy noise on fact_visits. */
  epsilonPerRowCost: number;
  /**
   * Per-visit cost clamp (USD) of the published statistics; a visit above it counts at it. null (the
   * default) takes it from a differentially private quantile of the batch's costs, paid from the release.
   */
  costClamp: number | null;
  /** The quantile of per-patient costs the DP clamp aims at when costClamp is null. */
  costClampQuantile: number;
  /** Clamp (USD) and sensitivity of the per-row cost_with_privacy noise, fixed before any data is seen. */
  rowCostClamp: number;
  /** How many visits one patient may contribute to a published statistic. */
  maxVisitsPerPatient: number;
  /** Smallest group size published; smaller cells are suppressed. Also the patients an unlisted free-text value needs to be kept. */
  k: number;
  /** Tests only: publish exact values (no noise). Refused from PIPELINE_CONFIG_JSON. */
  noNoise: boolean;
}

export interface PipelineConfig {
  privacy: PrivacyConfig;
  /** A batch whose rejected share of any entity exceeds this fails instead of loading. */
  maxRejectedShare: number;
  /** Partitions older than this many years are detached by the retention command. */
  retentionYears: number;
  /**
   * Rows per record-aligned chunk of a contract CSV file in the anonymize step; each chunk is one clean
   * part file, and the load step copies one part per call. @default 250000
   */
  rowsPerChunk?: number;
  /**
   * Patients per call of the release's whole-history reads (k-anonymity, the DP clamp's inputs, the
   * aggregates): each call reads one slice of patients, so no call grows with the warehouse. @default 250000
   */
  patientsPerReleaseSlice?: number;
  /**
   * Staged lines per call of a sliced transform model (`-- slices:`, docs/TRANSFORM.md): the fact
   * insert, the contributions fold and the dimension merge each handle at most this many rows a call.
   * @default 250000
   */
  transformSliceRows?: number;
  /**
   * Staged rows (of every staging table) past which a bucketed transform model (`-- buckets: staging`,
   * quarantine_duplicates) runs once per hash bucket of the ids, each call grouping about this many.
   * @default 10000000
   */
  transformBucketRows?: number;
}

// Privacy defaults, justified in PRIVACY.md ("Defaults"):
// - epsilonPerRelease 1, epsilonTotal 10: ten releases over the same patients.
// - deltaPerRelease 1e-6, deltaTotal 1e-5: partition selection publishes a data-derived key only when
//   its noisy patient count clears a threshold; delta is the chance a key of one patient slips through.
// - costClamp null: the clamp is a DP 99th percentile of the batch's per-patient costs, so a batch priced
//   unlike our generator's is not clamped (and biased) at a number chosen for ours.
// - rowCostClamp 2000 USD: the per-row noise needs its sensitivity before any data is read.
// - maxVisitsPerPatient 5, k 5.
export const defaultConfig: PipelineConfig = {
  privacy: {
    epsilonTotal: 10,
    deltaTotal: 1e-5,
    epsilonPerRelease: 1,
    deltaPerRelease: 1e-6,
    epsilonPerRowCost: 1,
    costClamp: null,
    costClampQuantile: 0.99,
    rowCostClamp: 2000,
    maxVisitsPerPatient: 5,
    k: 5,
    noNoise: false,
  },
  maxRejectedShare: 0.2,
  retentionYears: 7,
};
