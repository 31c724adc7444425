// Differential-privacy mechanisms for the published layer (exact discrete Laplace noise on integer counts
// and integer-cent sums). The keyed per-row noise of fact_visits.cost_with_privacy is in row-noise.ts.
//
// Why discrete and exact: textbook Laplace noise computed with floating point leaks the true value through
// which doubles the output can take (Mironov, "On Significance of the Least Significant Bits for
// Differential Privacy", CCS 2012). Counts and cent sums are integers, so we add integer noise drawn by
// an exact rejection sampler that uses only integer randomness and rational arithmetic (Canonne, Kamath
// and Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020, algorithm 2).
import { PipelineError } from '../errors.js';
import { MICRO_EPSILON, fromMicroEpsilon, mechanismMicroEpsilon } from './epsilon.js';
import { type BitSource, MAX_UNIFORM_INT, bernoulliExp } from './randomness.js';

/** A noise scale as the exact rational t / s (t, s positive integers, t <= 2^48). */
export interface RationalScale {
  readonly t: number;
  readonly s: number;
}

/** Options shared by the noisy statistics. */
export interface NoiseOptions {
  /** Tests only: return the exact value, no noise. @default false */
  noNoise?: boolean;
  /** Clamp the noisy result below at 0 (post-processing, so free in privacy; it biases small values up). @default false */
  clampNonNegative?: boolean;
}

const gcd = (a: number, b: number): number => {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
};

function badInput(message: string, hint?: string): PipelineError {
  return new PipelineError('BAD_INPUT', message, hint);
}

function checkScale(t: number, s: number): void {
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(s) || t < 1 || s < 1 || t > MAX_UNIFORM_INT) {
    throw badInput(
      `A discrete Laplace scale t/s needs integers 1 <= t <= 2^48 and s >= 1, got ${t}/${s}.`,
      'Use a smaller sensitivity or a larger epsilon, or express the scale with a smaller numerator.',
    );
  }
}

/**
 * One draw from the discrete Laplace distribution with scale t/s on the integers:
 * P(x) = (1 - q) / (1 + q) * q^|x| with q = exp(-s/t). Exact: only uniform integers and rational
 * Bernoulli trials are used, never a floating-point logarithm.
 *
 * Construction: X = U + t*V with U uniform on [0, t) kept with probability exp(-U/t) and V geometric
 * with P(V >= v) = exp(-v) is geometric with ratio exp(-1/t); floor(X / s) is then geometric with ratio
 * exp(-s/t); a fair sign, rejecting "negative zero", makes it two-sided.
 */
export function sampleDiscreteLaplaceRational(t: number, s: number, bits: BitSource): number {
  checkScale(t, s);
  for (;;) {
    const u = bits.uniformInt(t);
    if (!bernoulliExp(u, t, bits)) continue;
    let v = 0;
    while (bernoulliExp(1, 1, bits)) v += 1;
    const y = Math.floor((u + t * v) / s);
    const negative = bits.uniformInt(2) === 1;
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/**
 * The rational t/s used for a floating-point scale: a continued-fraction convergent that equals the
 * double exactly when one exists with t <= 2^48 and s <= 2^26 (10/3 for 3.3333333333333335), otherwise
 * the dyadic s = 2^k with t = ceil(scale * 2^k), which is never below the requested scale (at least the
 * requested noise, never less).
 */
export function rationalScale(scale: number): RationalScale {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw badInput(`A noise scale must be a finite number > 0, got ${scale}.`);
  }
  if (Number.isInteger(scale)) {
    checkScale(scale, 1);
    return { t: scale, s: 1 };
  }
  // Convergents p_n/q_n of the continued fraction of scale.
  let [p0, q0, p1, q1] = [1, 0, Math.floor(scale), 1];
  let rest = scale - Math.floor(scale);
  for (let i = 0; i < 64 && rest > 0; i += 1) {
    const inverse = 1 / rest;
    const a = Math.floor(inverse);
    rest = inverse - a;
    [p0, q0, p1, q1] = [p1, q1, a * p1 + p0, a * q1 + q0];
    if (p1 > MAX_UNIFORM_INT || q1 > 2 ** 26) break;
    if (p1 / q1 === scale) {
      const g = gcd(p1, q1);
      return { t: p1 / g, s: q1 / g };
    }
  }
  // Dyadic fallback: the largest power-of-two denominator keeping t within 2^44.
  let k = 0;
  while (k < 52 && scale * 2 ** (k + 1) <= 2 ** 44) k += 1;
  const t = Math.ceil(scale * 2 ** k);
  const g = gcd(t, 2 ** k);
  const result = { t: t / g, s: 2 ** k / g };
  checkScale(result.t, result.s);
  return result;
}

/**
 * One draw from the discrete Laplace distribution P(x) ∝ exp(-|x| / scale) on the integers.
 * The scale is turned into an exact rational first (see `rationalScale`).
 */
export function sampleDiscreteLaplace(scale: number, bits: BitSource): number {
  const { t, s } = rationalScale(scale);
  return sampleDiscreteLaplaceRational(t, s, bits);
}

/** Variance of the discrete Laplace with this scale: 2q / (1 - q)^2 with q = exp(-1/scale). */
export function discreteLaplaceVariance(scale: number): number {
  const q = Math.exp(-1 / scale);
  const oneMinusQ = -Math.expm1(-1 / scale);
  return (2 * q) / (oneMinusQ * oneMinusQ);
}

/**
 * The exact scale sensitivity / epsilon for an integer sensitivity, with epsilon rounded down to whole
 * micro-epsilon (so the noise is never smaller than asked for).
 */
export function scaleFor(sensitivity: number, epsilon: number): RationalScale {
  if (!Number.isSafeInteger(sensitivity) || sensitivity < 1) {
    throw new PipelineError(
      'BAD_CONFIG',
      `A sensitivity must be a positive integer, got ${sensitivity}.`,
      'Check privacy.costClamp and privacy.maxVisitsPerPatient: counts use maxVisitsPerPatient, sums use costClamp * 100 * maxVisitsPerPatient cents.',
    );
  }
  const micro = mechanismMicroEpsilon(epsilon, 'A noisy statistic');
  // sensitivity * 1e6 / micro, reduced without forming the (possibly unsafe) product first.
  const g1 = gcd(MICRO_EPSILON, micro);
  const g2 = gcd(sensitivity, micro / g1);
  const t = (sensitivity / g2) * (MICRO_EPSILON / g1);
  const s = micro / g1 / g2;
  if (t > MAX_UNIFORM_INT) {
    throw new PipelineError(
      'BAD_CONFIG',
      `The noise scale ${sensitivity}/${epsilon} is too large to sample exactly (numerator ${t} > 2^48).`,
      'Lower the sensitivity (privacy.costClamp or privacy.maxVisitsPerPatient) or raise the epsilon.',
    );
  }
  return { t, s };
}

function checkInteger(value: number, what: string, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw badInput(`${what} must be an integer${min === 0 ? ' >= 0' : ''}, got ${value}.`);
  }
}

function finish(value: number, opts: NoiseOptions | undefined): number {
  return opts?.clampNonNegative && value < 0 ? 0 : value;
}

/**
 * A count with discrete Laplace noise of scale sensitivity / epsilon. The sensitivity is how many rows
 * one person can add to the count (1 for distinct patients, maxVisitsPerPatient for visits).
 */
export function noisyCount(
  trueCount: number,
  epsilon: number,
  bits: BitSource,
  opts?: NoiseOptions & {
    /** Rows one person can contribute to this count. @default 1 */
    sensitivity?: number;
  },
): number {
  checkInteger(trueCount, 'A true count', 0);
  const { t, s } = scaleFor(opts?.sensitivity ?? 1, epsilon);
  if (opts?.noNoise) return finish(trueCount, opts);
  return finish(trueCount + sampleDiscreteLaplaceRational(t, s, bits), opts);
}

/**
 * A sum of clamped values in integer cents with discrete Laplace noise of scale maxContributionCents /
 * epsilon. maxContributionCents is the most one person can add: costClamp * 100 * maxVisitsPerPatient.
 */
export function noisySumCents(
  trueSumCents: number,
  maxContributionCents: number,
  epsilon: number,
  bits: BitSource,
  opts?: NoiseOptions,
): number {
  checkInteger(trueSumCents, 'A true sum in cents');
  const { t, s } = scaleFor(maxContributionCents, epsilon);
  if (opts?.noNoise) return finish(trueSumCents, opts);
  return finish(trueSumCents + sampleDiscreteLaplaceRational(t, s, bits), opts);
}

/** The exact aggregates behind a mean. */
export interface MeanInput {
  /** Sum of the clamped values, in integer cents, each person contributing at most maxVisitsPerPatient values. */
  sumCents: number;
  /** Number of values summed. */
  count: number;
}

/** Bounds and budget of a noisy mean. */
export interface MeanBounds {
  /** Upper clamp of one value, in cents (costClamp * 100). */
  clampCents: number;
  maxVisitsPerPatient: number;
  /** Total epsilon of the mean; split between the sum and the count. */
  epsilon: number;
}

export interface MeanOptions extends Omit<NoiseOptions, 'clampNonNegative'> {
  /** Share of epsilon given to the sum; the count gets the rest. @default 0.5 */
  sumShare?: number;
}

/** A noisy mean and the noisy parts it was computed from (both may be published: post-processing). */
export interface NoisyMeanParts {
  /** Mean in dollars, clamped to [0, clampCents / 100]; null when the noisy count is <= 0. */
  mean: number | null;
  sumCents: number;
  count: number;
  epsilonSum: number;
  epsilonCount: number;
}

/**
 * A mean as noisy sum / noisy count, with the parts. Epsilon is split in whole micro-epsilon:
 * the sum gets floor(epsilon * sumShare), the count the rest, so the two add up to epsilon exactly
 * (sequential composition). Sensitivities: sum clampCents * maxVisitsPerPatient, count maxVisitsPerPatient.
 */
export function noisyMeanParts(
  input: MeanInput,
  bounds: MeanBounds,
  bits: BitSource,
  opts?: MeanOptions,
): NoisyMeanParts {
  checkInteger(input.count, 'A mean count', 0);
  checkInteger(bounds.clampCents, 'clampCents', 1);
  checkInteger(bounds.maxVisitsPerPatient, 'maxVisitsPerPatient', 1);
  const share = opts?.sumShare ?? 0.5;
  if (!(share > 0 && share < 1)) {
    throw new PipelineError('BAD_CONFIG', `sumShare must be strictly between 0 and 1, got ${share}.`);
  }
  const micro = mechanismMicroEpsilon(bounds.epsilon, 'A noisy mean');
  const microSum = Math.floor(micro * share);
  const microCount = micro - microSum;
  if (microSum < 1 || microCount < 1) {
    throw new PipelineError(
      'BAD_CONFIG',
      `Epsilon ${bounds.epsilon} is too small to split between a sum and a count.`,
      'Give the mean at least 0.000002 epsilon.',
    );
  }
  const epsilonSum = fromMicroEpsilon(microSum);
  const epsilonCount = fromMicroEpsilon(microCount);
  const sumCents = noisySumCents(
    input.sumCents,
    bounds.clampCents * bounds.maxVisitsPerPatient,
    epsilonSum,
    bits,
    { noNoise: opts?.noNoise },
  );
  const count = noisyCount(input.count, epsilonCount, bits, {
    noNoise: opts?.noNoise,
    sensitivity: bounds.maxVisitsPerPatient,
  });
  // Post-processing of the two noisy values: no further privacy cost.
  const maxMean = bounds.clampCents / 100;
  const mean = count <= 0 ? null : Math.min(maxMean, Math.max(0, sumCents / (count * 100)));
  return { mean, sumCents, count, epsilonSum, epsilonCount };
}

/** A noisy mean in dollars (see `noisyMeanParts`); null when the noisy count is <= 0. */
export function noisyMean(input: MeanInput, bounds: MeanBounds, bits: BitSource, opts?: MeanOptions): number | null {
  return noisyMeanParts(input, bounds, bits, opts).mean;
}
