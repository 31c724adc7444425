import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../lambdas/core/privacy/index.js';
import { aboveThreshold, CLAMP_CANDIDATES_CENTS, dpQuantileIndex, quantileQueries } from '../../../lambdas/core/privacy/dp-quantile.js';
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
const uniformCosts = (n: number, seed: string): number[] => {
  const r = createSeededRandom(seed);
  return draw(n, () => 100 + r.uniformInt(490_001) / 100);
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

describe('Function: quantileQueries', () => {
  it('is 1000 ((1 - q) n - the values above each candidate), nondecreasing', () => {
    const f = quantileQueries(histogram([5, 15, 25, 35]), 0.5);
    expect(f[CLAMP_CANDIDATES_CENTS.indexOf(1000)]).toBe(500 * 4 - 1000 * 3);
    expect(f[CLAMP_CANDIDATES_CENTS.indexOf(2400)]).toBe(0);
    expect(f[CLAMP_CANDIDATES_CENTS.indexOf(2700)]).toBe(1000);
    expect(f).toEqual([...f].sort((a, b) => a - b));
  });
});

describe('Function: dpQuantileIndex', () => {
  // Costs uniform on USD 100..5000 (one per patient): the 99th percentile is about 4,951.
  const counts = histogram(uniformCosts(10_000, 'costs'));

  it('without noise picks the smallest candidate with at most 1% of the values above it', () => {
    expect(CLAMP_CANDIDATES_CENTS[dpQuantileIndex({ bucketCounts: counts, quantile: 0.99, epsilon: 0.04, noNoise: true }, createSeededRandom(1))]).toBe(510_000);
  });

  it('with noise at epsilon 0.04 lands within a few candidates of it, rarely higher, never below USD 4,300', () => {
    const bits = createSeededRandom('quantile');
    const picks = draw(500, () => CLAMP_CANDIDATES_CENTS[dpQuantileIndex({ bucketCounts: counts, quantile: 0.99, epsilon: 0.04 }, bits)]!);
    expect(Math.min(...picks)).toBeGreaterThanOrEqual(430_000);
    // Above the largest cost each further candidate passes with probability about 2/3 (a geometric tail);
    // a large threshold noise now and then carries the scan further.
    expect(picks.filter((p) => p <= 620_000).length).toBeGreaterThan(475);
  });

  it('at 4,000 patients still clamps no lower than USD 4,300', () => {
    const few = histogram(uniformCosts(4_000, 'few'));
    const bits = createSeededRandom('few-quantile');
    const picks = draw(500, () => CLAMP_CANDIDATES_CENTS[dpQuantileIndex({ bucketCounts: few, quantile: 0.99, epsilon: 0.039 }, bits)]!);
    expect(Math.min(...picks)).toBeGreaterThanOrEqual(430_000);
  });

  it('refuses a quantile outside (0, 1) and a histogram of the wrong length', () => {
    expect(() => dpQuantileIndex({ bucketCounts: counts, quantile: 1, epsilon: 1 }, createSeededRandom(1))).toThrow(/costClampQuantile/);
    expect(() => dpQuantileIndex({ bucketCounts: [1, 2], quantile: 0.5, epsilon: 1 }, createSeededRandom(1))).toThrow(/bucket counts/);
  });
});

describe('Function: aboveThreshold', () => {
  it('stops at the first query that clears the threshold by far, and at the last when none does', () => {
    const bits = createSeededRandom('svt');
    expect(draw(100, () => aboveThreshold([-1e9, -1e9, 1e9, 1e9], 1, 1, bits)).every((j) => j === 2)).toBe(true);
    expect(draw(100, () => aboveThreshold([-1e9, -1e9, -1e9], 1, 1, bits)).every((j) => j === 2)).toBe(true);
  });

  it('on queries at the threshold stops at each with the probability the noise gives (first query: P(X - Y >= 0))', () => {
    // Prepare: one query equal to the threshold; X ~ DLap(4/eps), Y ~ DLap(2/eps), both symmetric, so
    // P(X >= Y) = 1/2 + P(X = Y) / 2.
    const bits = createSeededRandom('svt-half');
    const n = 20_000;

    // Act
    const first = draw(n, () => aboveThreshold([0, 1e9], 1, 1, bits)).filter((j) => j === 0).length / n;

    // Assess
    expect(first).toBeGreaterThan(0.5);
    expect(first).toBeLessThan(0.62);
  });
});
