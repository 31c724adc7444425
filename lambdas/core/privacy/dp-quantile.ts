// A differentially private upper quantile over a fixed grid of candidates, for the default cost clamp.
//
// Candidates are data-independent: the E24 preferred numbers (about 10% apart) from USD 10 to
// USD 1,000,000. The clamp is the SMALLEST candidate c with at most (1 - q) n values above it, found
// with AboveThreshold (the sparse vector technique; Dwork and Roth, "The Algorithmic Foundations of
// Differential Privacy", 2014, algorithm 1): candidates are scanned upwards, each query
//   f(c) = (1 - q) n - #{x > c}
// compared, with discrete Laplace noise of scale 4 S / eps, against 0 plus noise of scale 2 S / eps, and
// the scan stops at the first that passes. S = 1 (scaled to 1000 so q in thousandths keeps it integral):
// adding or removing one patient moves f by at most 1 when each patient contributes one value (the caller
// passes one cost per patient). The whole scan is eps-DP, however many candidates it reads.
// Why not the exponential mechanism: every candidate above the largest cost has the same utility, so
// the 30-odd grid points between a USD 5,000 maximum and USD 1,000,000 would win most draws; scanning
// upwards prefers the smallest clamp that fits, which is what a clamp should be.
import { PipelineError } from '../errors.js';
import { mechanismMicroEpsilon, fromMicroEpsilon } from './epsilon.js';
import { sampleDiscreteLaplaceRational, scaleFor } from './mechanisms.js';
import type { BitSource } from './randomness.js';

const E24 = [10, 11, 12, 13, 15, 16, 18, 20, 22, 24, 27, 30, 33, 36, 39, 43, 47, 51, 56, 62, 68, 75, 82, 91];

/** Candidate clamps in cents, ascending: USD 10, 11, 12, ... 910,000, 1,000,000. */
export const CLAMP_CANDIDATES_CENTS: readonly number[] = [
  ...[1, 10, 100, 1000, 10000].flatMap((decade) => E24.map((m) => m * decade * 100)),
  100_000_000,
];

/** Quantiles are given to 1/1000 (q = 0.99 -> 990), so the queries stay integers. */
const Q_SCALE = 1000;

export interface QuantileInput {
  /** counts[j] = how many values fall in (candidates[j-1], candidates[j]]; the last bucket also holds everything above. */
  bucketCounts: readonly number[];
  /** The quantile aimed at, e.g. 0.99. */
  quantile: number;
  epsilon: number;
  /** Tests only: the exact answer, no randomness. */
  noNoise?: boolean;
}

/** The queries f_j = 1000 ((1 - q) n - #{x > c_j}), nondecreasing in j; f_j >= 0 means c_j is high enough. */
export function quantileQueries(bucketCounts: readonly number[], quantile: number): number[] {
  if (!(quantile > 0 && quantile < 1)) {
    throw new PipelineError('BAD_CONFIG', `privacy.costClampQuantile must be strictly between 0 and 1, got ${quantile}.`);
  }
  const q = Math.round(quantile * Q_SCALE);
  const n = bucketCounts.reduce((a, b) => a + b, 0);
  let atOrBelow = 0;
  return bucketCounts.map((c) => {
    atOrBelow += c;
    return (Q_SCALE - q) * n - Q_SCALE * (n - atOrBelow);
  });
}

/**
 * AboveThreshold: the index of the first query whose noisy value reaches the noisy threshold 0 (the last
 * index when none does). Queries are integers of the given sensitivity; the scan is epsilon-DP.
 */
export function aboveThreshold(queries: readonly number[], sensitivity: number, epsilon: number, bits: BitSource): number {
  const eps = fromMicroEpsilon(mechanismMicroEpsilon(epsilon, 'AboveThreshold'));
  const threshold = scaleFor(2 * sensitivity, eps);
  const query = scaleFor(4 * sensitivity, eps);
  const noisyThreshold = sampleDiscreteLaplaceRational(threshold.t, threshold.s, bits);
  for (const [j, f] of queries.entries()) {
    if (f + sampleDiscreteLaplaceRational(query.t, query.s, bits) >= noisyThreshold) return j;
  }
  return queries.length - 1;
}

/** The chosen candidate (index into CLAMP_CANDIDATES_CENTS) for one value per patient. */
export function dpQuantileIndex(input: QuantileInput, bits: BitSource): number {
  if (input.bucketCounts.length !== CLAMP_CANDIDATES_CENTS.length) {
    throw new PipelineError('BAD_INPUT', `dpQuantileIndex needs ${CLAMP_CANDIDATES_CENTS.length} bucket counts, got ${input.bucketCounts.length}.`);
  }
  const queries = quantileQueries(input.bucketCounts, input.quantile);
  if (input.noNoise) {
    const j = queries.findIndex((f) => f >= 0);
    return j < 0 ? queries.length - 1 : j;
  }
  return aboveThreshold(queries, Q_SCALE, input.epsilon, bits);
}
