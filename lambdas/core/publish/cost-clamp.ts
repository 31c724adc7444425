// The per-visit cost clamp of a release. A configured clamp (privacy.costClamp) wins; otherwise it is a
// differentially private quantile (privacy.costClampQuantile, default the 99th percentile) of one cost
// per patient, paid from the release's budget ('kpis' / 'clampQuantile'). A clamp chosen for one
// generator's prices biased every other source's means (USD 1,627 published for a true USD 2,550).
import type { PrivacyConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import { CLAMP_CANDIDATES_CENTS, dpQuantileIndex } from '../privacy/dp-quantile.js';
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

/** The DP quantile's choice, from per-candidate counts of one cost per patient (queryCostHistogram). */
export function quantileClamp(bucketCounts: readonly number[], config: PrivacyConfig, bits: BitSource): CostClamp {
  const { epsilon } = shareOf(config, 'kpis', 'clampQuantile');
  const index = dpQuantileIndex({ bucketCounts, quantile: config.costClampQuantile, epsilon, noNoise: config.noNoise }, bits);
  return { cents: CLAMP_CANDIDATES_CENTS[index]!, source: 'dp-quantile', quantile: config.costClampQuantile };
}
