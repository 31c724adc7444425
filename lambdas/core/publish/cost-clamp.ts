// The per-visit cost clamp of a release. A configured clamp (privacy.costClamp) wins; otherwise it is a
// differentially private quantile (privacy.costClampQuantile, default the 99th percentile) of one cost
// per patient, paid from the release's budget ('kpis' / 'clampQuantile'). A clamp chosen for one
// generator's prices biased every other source's means (USD 1,627 published for a true USD 2,550).
import type { PrivacyConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import { CLAMP_CANDIDATES_CENTS, dpQuantileIndex } from '../privacy/dp-quantile.js';
import { MICRO_EPSILON } from '../privacy/epsilon.js';
import { MAX_UNIFORM_INT } from '../privacy/randomness.js';
import type { BitSource } from '../privacy/randomness.js';
import { shareOf } from './build-release.js';

export interface CostClamp {
  /** The clamp in cents: a visit above it counts at it. */
  cents: number;
  source: 'configured' | 'dp-quantile';
  /** The quantile aimed at (dp-quantile only). */
  quantile: number | null;
}

/** The configured clamp, or null when the release must choose one from the data. */
export function configuredClamp(config: PrivacyConfig): CostClamp | null {
  if (config.costClamp === null) return null;
  const cents = Math.round(config.costClamp * 100);
  if (!(Number.isSafeInteger(cents) && cents >= 1)) {
    throw new PipelineError('BAD_CONFIG', `privacy.costClamp must be a positive amount in USD or null, got ${config.costClamp}.`, 'Leave it null to let each release choose a clamp from a DP quantile of its costs.');
  }
  return { cents, source: 'configured', quantile: null };
}

/**
 * The largest candidate whose cost-sum noise the exact sampler can draw whatever the epsilon: the scale's
 * numerator clamp * maxVisitsPerPatient * 10^6 must stay within 2^48 (mechanisms.ts, scaleFor). With the
 * default bound of 5 visits that is USD 560,000; a config, not data, decides it.
 */
export function largestClampIndex(config: PrivacyConfig): number {
  const maxCents = MAX_UNIFORM_INT / (config.maxVisitsPerPatient * MICRO_EPSILON);
  const last = CLAMP_CANDIDATES_CENTS.findLastIndex((c) => c <= maxCents);
  if (last < 0) throw new PipelineError('BAD_CONFIG', `privacy.maxVisitsPerPatient ${config.maxVisitsPerPatient} leaves no cost clamp whose noise can be drawn exactly.`);
  return last;
}

/** The DP quantile's choice, from per-candidate counts of one cost per patient (queryCostHistogram). */
export function quantileClamp(bucketCounts: readonly number[], config: PrivacyConfig, bits: BitSource): CostClamp {
  const { epsilon } = shareOf(config, 'kpis', 'clampQuantile');
  // Candidates above the largest drawable clamp are folded into it (as the last bucket holds everything above).
  const last = largestClampIndex(config);
  const counts = bucketCounts.slice(0, last + 1);
  counts[last] = bucketCounts.slice(last).reduce((a, b) => a + b, 0);
  const padded = [...counts, ...CLAMP_CANDIDATES_CENTS.slice(last + 1).map(() => 0)];
  const index = Math.min(last, dpQuantileIndex({ bucketCounts: padded, quantile: config.costClampQuantile, epsilon, noNoise: config.noNoise }, bits));
  return { cents: CLAMP_CANDIDATES_CENTS[index]!, source: 'dp-quantile', quantile: config.costClampQuantile };
}
