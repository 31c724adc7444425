// A differentially private quantile over a fixed grid of candidates, for the default cost clamp.
//
// Candidates are data-independent: the E24 preferred numbers (about 10% apart) from USD 10 to
// USD 1,000,000. The utility of candidate c_j is -|#{x <= c_j} - q n| - r j: adding or removing one
// patient moves it by at most 1 when each patient contributes one value (the caller passes one cost per
// patient). The second term is a data-independent preference for the smaller clamp, r = 4 / eps ranks
// per 10% step: without it every candidate above the largest cost ties with the best one (all have
// rank n), and the 34 grid points between a USD 5,000 maximum and USD 1,000,000 would win most draws.
// With it each further step up is e^-2 less likely, and a step up still wins where it gains over r values.
// The choice is made by permute-and-flip (McKenna and Sheldon, NeurIPS 2020): visit the candidates in a
// uniformly random order and stop at the first one accepted with probability exp(eps (u - u*) / 2),
// u* the best utility. It is eps-DP, never worse in expected utility than the exponential mechanism,
// and needs only exact Bernoulli(exp(-rational)) trials, so no floating point enters the randomness.
import { PipelineError } from '../errors.js';
import { MICRO_EPSILON, fromMicroEpsilon, mechanismMicroEpsilon } from './epsilon.js';
import { type BitSource, bernoulliExp } from './randomness.js';

const E24 = [10, 11, 12, 13, 15, 16, 18, 20, 22, 24, 27, 30, 33, 36, 39, 43, 47, 51, 56, 62, 68, 75, 82, 91];

/** Candidate clamps in cents, ascending: USD 10, 11, 12, ... 910,000, 1,000,000. */
export const CLAMP_CANDIDATES_CENTS: readonly number[] = [
  ...[1, 10, 100, 1000, 10000].flatMap((decade) => E24.map((m) => m * decade * 100)),
  100_000_000,
];

/** Quantiles are given to 1/1000 (q = 0.99 -> 990), so utilities stay integers. */
const Q_SCALE = 1000;

export interface QuantileInput {
  /** counts[j] = how many values fall in (candidates[j-1], candidates[j]]; the last bucket also holds everything above. */
  bucketCounts: readonly number[];
  /** The quantile aimed at, e.g. 0.99. */
  quantile: number;
  epsilon: number;
  /** Tests only: the best candidate, no randomness. */
  noNoise?: boolean;
}

/** Utilities (scaled by 1000) of each candidate: -|1000 #{x <= c_j} - 1000 q n| - 1000 r j (see the file header). */
export function quantileUtilities(bucketCounts: readonly number[], quantile: number, ranksPerStep = 0): number[] {
  if (!(quantile > 0 && quantile < 1)) {
    throw new PipelineError('BAD_CONFIG', `privacy.costClampQuantile must be strictly between 0 and 1, got ${quantile}.`);
  }
  const q = Math.round(quantile * Q_SCALE);
  const n = bucketCounts.reduce((a, b) => a + b, 0);
  let below = 0;
  return bucketCounts.map((c, j) => {
    below += c;
    return -Math.abs(Q_SCALE * below - q * n) - Q_SCALE * ranksPerStep * j;
  });
}

/** Bernoulli(exp(-num/den)) for a num that may exceed 2^53: whole units first, each an exact Bernoulli(exp(-1)). */
function bernoulliExpLarge(num: bigint, den: number, bits: BitSource): boolean {
  const d = BigInt(den);
  let whole = num / d;
  for (; whole > 0n; whole -= 1n) if (!bernoulliExp(1, 1, bits)) return false;
  return bernoulliExp(Number(num % d), den, bits);
}

/**
 * Permute-and-flip over integer utilities with the given sensitivity (in the utilities' units).
 * Returns the index chosen. eps-DP: acceptance is exp(eps (u_r - u*) / (2 sensitivity)).
 */
export function permuteAndFlip(utilities: readonly number[], epsilon: number, sensitivity: number, bits: BitSource): number {
  if (utilities.length === 0) throw new PipelineError('BAD_INPUT', 'permuteAndFlip needs at least one candidate.');
  const micro = BigInt(mechanismMicroEpsilon(epsilon, 'A DP quantile'));
  const best = Math.max(...utilities);
  const order = utilities.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = bits.uniformInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const den = 2 * sensitivity * MICRO_EPSILON;
  for (;;) {
    for (const r of order) {
      if (bernoulliExpLarge(micro * BigInt(best - utilities[r]!), den, bits)) return r;
    }
  }
}

/** The chosen candidate (index into CLAMP_CANDIDATES_CENTS) for one value per patient. */
export function dpQuantileIndex(input: QuantileInput, bits: BitSource): number {
  if (input.bucketCounts.length !== CLAMP_CANDIDATES_CENTS.length) {
    throw new PipelineError('BAD_INPUT', `dpQuantileIndex needs ${CLAMP_CANDIDATES_CENTS.length} bucket counts, got ${input.bucketCounts.length}.`);
  }
  const ranksPerStep = Math.ceil(4 / fromMicroEpsilon(mechanismMicroEpsilon(input.epsilon, 'A DP quantile')));
  const utilities = quantileUtilities(input.bucketCounts, input.quantile, ranksPerStep);
  if (input.noNoise) return utilities.indexOf(Math.max(...utilities));
  return permuteAndFlip(utilities, input.epsilon, Q_SCALE, bits);
}
