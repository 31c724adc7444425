// Exact integer randomness for the DP samplers. The RandomSource port (ports.ts) only gives doubles,
// and a sampler built on doubles leaks through floating-point rounding. BitSource extends the port with
// one exact operation, a uniform integer, from which every sampler here is built by rejection.
import { PipelineError } from '../errors.js';

/** The largest n accepted by `BitSource.uniformInt` (2^48). */
export const MAX_UNIFORM_INT = 2 ** 48;

/** A source of exact integer randomness. Crypto-backed in production, seeded in tests. */
export interface BitSource {
  /** A uniform integer in [0, n), exactly (no modulo bias); n is an integer with 1 <= n <= 2^48. */
  uniformInt(n: number): number;
}

const TWO_32 = 2 ** 32;
const TWO_48 = 2 ** 48;

function checkRange(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_UNIFORM_INT) {
    throw new PipelineError(
      'BAD_INPUT',
      `uniformInt(n) needs an integer n with 1 <= n <= 2^48, got ${n}.`,
      'Split the range into smaller draws or use a rational with a smaller denominator.',
    );
  }
}

/**
 * Exact uniform integer in [0, n) from a generator of uniform 32-bit words, by rejection: words at or
 * above the largest multiple of n are redrawn, so every residue is equally likely. Shared by the crypto
 * and the seeded sources so both behave identically given the same words.
 */
export function uniformIntFromUint32(next: () => number, n: number): number {
  checkRange(n);
  if (n === 1) return 0;
  if (n <= TWO_32) {
    // Quotients by division, not %: a double's % is a library call (fmod), several times slower.
    // Exact: for a <= 2^32 and n >= 1 the rounding of a / n (at most 2^-21 / n) is less than the
    // distance (at least 1 / n) from a true quotient that is not whole to the next integer.
    const limit = Math.floor(TWO_32 / n) * n;
    for (;;) {
      const x = next() >>> 0;
      if (x < limit) return x - Math.floor(x / n) * n;
    }
  }
  const limit = TWO_48 - (TWO_48 % n);
  for (;;) {
    // 16 + 32 bits, exact in a double (< 2^53).
    const x = (next() >>> 16) * TWO_32 + (next() >>> 0);
    if (x < limit) return x % n;
  }
}

/** A double in [0, 1) carrying 53 random bits (27 from one word, 26 from the next). */
export function uniformFromUint32(next: () => number): number {
  const a = next() >>> 5;
  const b = next() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

function checkRational(num: number, den: number, what: string): void {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num < 0 || den < 1) {
    throw new PipelineError(
      'BAD_INPUT',
      `${what} needs integers num >= 0 and den >= 1, got ${num}/${den}.`,
    );
  }
}

/** Bernoulli(num/den), exact, for 0 <= num <= den <= 2^48. */
export function bernoulliRational(num: number, den: number, bits: BitSource): boolean {
  checkRational(num, den, 'bernoulliRational');
  if (num > den) {
    throw new PipelineError('BAD_INPUT', `bernoulliRational needs num <= den, got ${num}/${den}.`);
  }
  if (num === 0) return false;
  if (num === den) return true;
  return bits.uniformInt(den) < num;
}

/** Bernoulli(num / (den * k)) without forming den * k when that would exceed 2^48. */
function bernoulliScaled(num: number, den: number, k: number, bits: BitSource): boolean {
  const product = den * k;
  if (product <= MAX_UNIFORM_INT) return bits.uniformInt(product) < num;
  // Product of independent Bernoulli(num/den) and Bernoulli(1/k).
  return bits.uniformInt(den) < num && bits.uniformInt(k) === 0;
}

/** Bernoulli(exp(-num/den)) for 0 <= num/den <= 1: the alternating-series construction. */
function bernoulliExpUnit(num: number, den: number, bits: BitSource): boolean {
  // Draw A_k ~ Bernoulli(gamma/k) for k = 1, 2, ... until the first failure at index K;
  // P(K > k) = gamma^k / k!, so P(K odd) = sum_j (-1)^j gamma^j / j! = exp(-gamma).
  let k = 1;
  while (bernoulliScaled(num, den, k, bits)) k += 1;
  return k % 2 === 1;
}

/**
 * Bernoulli(exp(-num/den)), exact for any rational num/den >= 0 (den <= 2^48). For gamma > 1 it
 * multiplies floor(gamma) draws of Bernoulli(exp(-1)) by one of Bernoulli(exp(-frac(gamma))).
 * Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (2020), section 5.
 */
export function bernoulliExp(num: number, den: number, bits: BitSource): boolean {
  checkRational(num, den, 'bernoulliExp');
  if (den > MAX_UNIFORM_INT) {
    throw new PipelineError('BAD_INPUT', `bernoulliExp needs den <= 2^48, got ${den}.`);
  }
  if (num <= den) return bernoulliExpUnit(num, den, bits);
  let whole = Math.floor(num / den);
  // The float quotient can round across an integer for large operands; settle it exactly.
  if (whole * den > num) whole -= 1;
  else if ((whole + 1) * den <= num) whole += 1;
  for (let i = 0; i < whole; i += 1) {
    if (!bernoulliExpUnit(1, 1, bits)) return false;
  }
  return bernoulliExpUnit(num - whole * den, den, bits);
}
