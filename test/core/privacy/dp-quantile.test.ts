import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../lambdas/core/privacy/index.js';
import { CLAMP_CANDIDATES_CENTS, dpQuantileIndex, permuteAndFlip, quantileUtilities } from '../../../lambdas/core/privacy/dp-quantile.js';
import { draw } from './stats.js';

/** Per-candidate counts of values given in dollars (a value above the last candidate counts in the last bucket). */
const histogram = (dollars: readonly number[]): number[] => {
  const counts = CLAMP_CANDIDATES_CENTS.map(() => 0);
  for (const d of dollars) {
    const j = CLAMP_CANDIDATES_CENTS.findIndex((c) => d * 100 <= c);
    counts[j < 0 ? counts.length - 1 : j]! += 1;
  }
  return counts;
};

describe('Constant: CLAMP_CANDIDATES_CENTS', () => {
  it('is the E24 series from USD 10 to USD 1,000,000, ascending, about 10% apart', () => {
    expect(CLAMP_CANDIDATES_CENTS[0]).toBe(1000);
    expect(CLAMP_CANDIDATES_CENTS.at(-1)).toBe(100_000_000);
    expect(CLAMP_CANDIDATES_CENTS).toContain(470_000);
    for (let i = 1; i < CLAMP_CANDIDATES_CENTS.length; i++) {
      const ratio = CLAMP_CANDIDATES_CENTS[i]! / CLAMP_CANDIDATES_CENTS[i - 1]!;
      expect(ratio).toBeGreaterThan(1.05);
      expect(ratio).toBeLessThan(1.21);
    }
  });
});

describe('Function: quantileUtilities', () => {
  it('is minus the distance, in thousandths of a value, between the candidate\'s rank and q n', () => {
    const u = quantileUtilities(histogram([5, 15, 25, 35]), 0.5);
    expect(u[CLAMP_CANDIDATES_CENTS.indexOf(1500)]).toBe(-0);
    expect(u[CLAMP_CANDIDATES_CENTS.indexOf(1000)]).toBe(-1000);
  });
});

describe('Function: dpQuantileIndex', () => {
  // Costs uniform on USD 100..5000 (one per patient): the 99th percentile is about 4,951.
  const costs = draw(10_000, (() => { const r = createSeededRandom('costs'); return () => 100 + r.uniformInt(490_001) / 100; })());
  const counts = histogram(costs);

  it('without noise picks the candidate nearest the quantile', () => {
    expect(CLAMP_CANDIDATES_CENTS[dpQuantileIndex({ bucketCounts: counts, quantile: 0.99, epsilon: 0.04, noNoise: true }, createSeededRandom(1))]).toBe(510_000);
  });

  it('with noise lands within a few candidates of it at epsilon 0.04 and 10,000 patients, every time', () => {
    const bits = createSeededRandom('quantile');
    const picks = draw(500, () => CLAMP_CANDIDATES_CENTS[dpQuantileIndex({ bucketCounts: counts, quantile: 0.99, epsilon: 0.04 }, bits)]!);
    expect(Math.min(...picks)).toBeGreaterThanOrEqual(430_000);
    expect(Math.max(...picks)).toBeLessThanOrEqual(750_000);
    // Above the largest cost every candidate has the same rank: only the preference for smaller clamps keeps them rare.
    expect(picks.filter((p) => p === 510_000).length).toBeGreaterThan(300);
  });

  it('prefers the smallest of candidates the data cannot tell apart (e^-2 per step)', () => {
    const u = quantileUtilities(counts, 0.99, 100);
    const top = CLAMP_CANDIDATES_CENTS.indexOf(510_000);
    expect(u[top]! - u[top + 1]!).toBe(100_000);
  });

  it('refuses a quantile outside (0, 1) and a histogram of the wrong length', () => {
    expect(() => dpQuantileIndex({ bucketCounts: counts, quantile: 1, epsilon: 1 }, createSeededRandom(1))).toThrow(/costClampQuantile/);
    expect(() => dpQuantileIndex({ bucketCounts: [1, 2], quantile: 0.5, epsilon: 1 }, createSeededRandom(1))).toThrow(/bucket counts/);
  });
});

describe('Function: permuteAndFlip', () => {
  it('picks each candidate with the probability of the mechanism (two candidates, exact check)', () => {
    // Prepare: utilities 0 and -d; P(second) = p/2 where p = exp(-eps d / 2) (the order is a coin toss;
    // the best is always accepted, the other with probability p).
    const eps = 1;
    const d = 2;
    const p = Math.exp((-eps * d) / 2);
    const bits = createSeededRandom('pf');
    const n = 40_000;

    // Act
    const second = draw(n, () => permuteAndFlip([0, -d], eps, 1, bits)).filter((i) => i === 1).length;

    // Assess: within 6 standard errors of n p / 2.
    const expected = (n * p) / 2;
    expect(Math.abs(second - expected)).toBeLessThan(6 * Math.sqrt(expected * (1 - p / 2)));
  });

  it('handles utility gaps far beyond 2^53 / epsilon (huge batches) without losing exactness', () => {
    const bits = createSeededRandom('large');
    expect(draw(50, () => permuteAndFlip([0, -1e15], 0.5, 1, bits)).every((i) => i === 0)).toBe(true);
  });
});
