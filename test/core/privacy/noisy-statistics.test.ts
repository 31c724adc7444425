import { describe, expect, it } from 'vitest';
import {
  createSeededRandom,
  noisyCount,
  noisyMean,
  noisyMeanParts,
  noisySumCents,
} from '../../../lambdas/core/privacy/index.js';
import { discreteLaplaceMoments, draw, moments, SIGMAS } from './stats.js';

/** Asserts that noisy values around `truth` have the discrete Laplace moments of `scale`. */
function expectDiscreteLaplaceAround(values: number[], truth: number, scale: number): void {
  const n = values.length;
  const { variance, fourth } = discreteLaplaceMoments(scale);
  const { mean, meanSquare } = moments(values.map((v) => v - truth));
  expect(values.every(Number.isSafeInteger)).toBe(true);
  expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt(variance / n));
  expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / n));
}

describe('Function: noisyCount', () => {
  it('returns the exact count with noNoise', () => {
    // Act / Assess
    expect(noisyCount(1234, 0.1, createSeededRandom(1), { noNoise: true })).toBe(1234);
  });

  it('adds discrete Laplace noise of scale sensitivity/epsilon (5 / 0.5 = 10)', () => {
    // Prepare
    const bits = createSeededRandom('count-5-0.5');

    // Act
    const values = draw(40_000, () => noisyCount(500, 0.5, bits, { sensitivity: 5 }));

    // Assess
    expectDiscreteLaplaceAround(values, 500, 10);
  });

  it('defaults to sensitivity 1', () => {
    // Prepare
    const bits = createSeededRandom('count-default');

    // Act
    const values = draw(40_000, () => noisyCount(50, 0.25, bits));

    // Assess
    expectDiscreteLaplaceAround(values, 50, 4);
  });

  it('goes below zero unless clampNonNegative is set', () => {
    // Prepare
    const a = createSeededRandom('clamp');
    const b = createSeededRandom('clamp');

    // Act
    const raw = draw(2000, () => noisyCount(0, 1, a));
    const clamped = draw(2000, () => noisyCount(0, 1, b, { clampNonNegative: true }));

    // Assess: the same draws, with negatives replaced by 0.
    expect(raw.some((x) => x < 0)).toBe(true);
    expect(clamped).toEqual(raw.map((x) => Math.max(0, x)));
  });

  it.each([
    [-1, 1, /count/],
    [1.5, 1, /count/],
    [10, 0, /epsilon/],
    [10, Number.NaN, /epsilon/],
  ])('rejects count %s with epsilon %s', (count, epsilon, message) => {
    // Act / Assess
    expect(() => noisyCount(count, epsilon, createSeededRandom(1))).toThrow(message);
  });

  it('checks its configuration even with noNoise', () => {
    // Act / Assess
    expect(() => noisyCount(1, 0, createSeededRandom(1), { noNoise: true })).toThrow(/epsilon/);
  });
});

describe('Function: noisySumCents', () => {
  it('returns the exact sum with noNoise', () => {
    // Act / Assess
    expect(noisySumCents(9_876_543, 2_500_000, 1, createSeededRandom(1), { noNoise: true })).toBe(9_876_543);
  });

  it('adds discrete Laplace noise of scale maxContributionCents/epsilon in whole cents', () => {
    // Prepare: costClamp 5000 USD, 5 visits per patient -> 2,500,000 cents; epsilon 0.5 -> scale 5,000,000.
    const bits = createSeededRandom('sum');
    const maxContributionCents = 5000 * 100 * 5;

    // Act
    const values = draw(40_000, () => noisySumCents(123_456_789, maxContributionCents, 0.5, bits));

    // Assess
    expectDiscreteLaplaceAround(values, 123_456_789, 5_000_000);
  });

  it('rejects a fractional sum or contribution bound', () => {
    // Act / Assess
    expect(() => noisySumCents(10.5, 100, 1, createSeededRandom(1))).toThrow(/sum/);
    expect(() => noisySumCents(10, 0.5, 1, createSeededRandom(1))).toThrow(/sensitivity/);
  });
});

describe('Function: noisyMean', () => {
  const bounds = { clampCents: 500_000, maxVisitsPerPatient: 5, epsilon: 1 };

  it('returns the exact mean in dollars with noNoise', () => {
    // Act
    const mean = noisyMean({ sumCents: 1_234_567, count: 100 }, bounds, createSeededRandom(1), { noNoise: true });

    // Assess
    expect(mean).toBe(123.4567);
  });

  it('returns null when the count is 0 (and with noise, whenever the noisy count is <= 0)', () => {
    // Prepare
    const bits = createSeededRandom('mean-null');

    // Act
    const exact = noisyMean({ sumCents: 0, count: 0 }, bounds, bits, { noNoise: true });
    const noisy = draw(500, () => noisyMeanParts({ sumCents: 0, count: 0 }, bounds, bits));

    // Assess
    expect(exact).toBeNull();
    expect(noisy.every((p) => (p.count <= 0 ? p.mean === null : p.mean !== null))).toBe(true);
    expect(noisy.some((p) => p.mean === null)).toBe(true);
  });

  it('splits epsilon in half by default and by sumShare otherwise, the parts adding up exactly', () => {
    // Prepare
    const input = { sumCents: 100, count: 1 };

    // Act
    const even = noisyMeanParts(input, { ...bounds, epsilon: 0.3 }, createSeededRandom(1));
    const skewed = noisyMeanParts(input, { ...bounds, epsilon: 0.3 }, createSeededRandom(1), { sumShare: 0.8 });

    // Assess
    expect([even.epsilonSum, even.epsilonCount]).toEqual([0.15, 0.15]);
    expect([skewed.epsilonSum, skewed.epsilonCount]).toEqual([0.24, 0.06]);
  });

  it('uses sensitivities clampCents*maxVisits for the sum and maxVisits for the count', () => {
    // Prepare: epsilon 2 split evenly -> 1 each; scales 2,500,000 cents and 5 visits.
    const bits = createSeededRandom('mean-parts');
    const input = { sumCents: 50_000_000, count: 2000 };

    // Act
    const parts = draw(20_000, () => noisyMeanParts(input, { ...bounds, epsilon: 2 }, bits));

    // Assess
    expectDiscreteLaplaceAround(parts.map((p) => p.sumCents), input.sumCents, 2_500_000);
    expectDiscreteLaplaceAround(parts.map((p) => p.count), input.count, 5);
  });

  it('clamps the mean to [0, costClamp] (post-processing)', () => {
    // Prepare: a tiny count makes wild ratios likely.
    const bits = createSeededRandom('mean-clamp');

    // Act
    const means = draw(2000, () => noisyMean({ sumCents: 100_000, count: 2 }, bounds, bits));

    // Assess
    const released = means.filter((m): m is number => m !== null);
    expect(released.every((m) => m >= 0 && m <= 5000)).toBe(true);
    expect(released.some((m) => m === 0 || m === 5000)).toBe(true);
  });

  it('rejects a sumShare outside (0, 1) and an epsilon too small to split', () => {
    // Act / Assess
    expect(() => noisyMean({ sumCents: 1, count: 1 }, bounds, createSeededRandom(1), { sumShare: 1 })).toThrow(/sumShare/);
    expect(() => noisyMean({ sumCents: 1, count: 1 }, { ...bounds, epsilon: 0.000001 }, createSeededRandom(1))).toThrow(
      /too small/,
    );
  });
});
