import { describe, expect, it } from 'vitest';
import { createCryptoRandom } from '../../../lambdas/adapters/random/crypto-random.js';
import {
  createSeededRandom,
  discreteLaplaceVariance,
  rationalScale,
  sampleDiscreteLaplace,
  sampleDiscreteLaplaceRational,
  scaleFor,
} from '../../../lambdas/core/privacy/index.js';
import {
  chiSquareCritical,
  chiSquareIntegers,
  discreteLaplaceMoments,
  discreteLaplacePmf,
  draw,
  moments,
  SIGMAS,
} from './stats.js';

const N = 100_000;
const N_MOMENTS = 50_000;

describe('Function: sampleDiscreteLaplace', () => {
  it.each([0.3, 1, 3, 10 / 3, 25, 1000, 2.5e6])(
    'has mean 0 and variance 2q/(1-q)^2 at scale %s (6 standard errors)',
    (scale) => {
      // Prepare
      const bits = createSeededRandom(`dlap-moments-${scale}`);
      const { variance, fourth } = discreteLaplaceMoments(scale);

      // Act
      const xs = draw(N_MOMENTS, () => sampleDiscreteLaplace(scale, bits));
      const { mean, meanSquare } = moments(xs);

      // Assess: the mean square estimates the variance (the true mean is 0); its SE uses the 4th moment.
      expect(xs.every(Number.isSafeInteger)).toBe(true);
      expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt(variance / N_MOMENTS));
      expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / N_MOMENTS));
    },
  );

  it.each([0.3, 1, 3, 10 / 3, 7.5])('fits the exact pmf at scale %s (chi-square, tails merged)', (scale) => {
    // Prepare
    const bits = createSeededRandom(`dlap-chi-${scale}`);

    // Act
    const xs = draw(N, () => sampleDiscreteLaplace(scale, bits));
    const { statistic, degreesOfFreedom } = chiSquareIntegers(xs, (x) => discreteLaplacePmf(scale, x));

    // Assess
    expect(degreesOfFreedom).toBeGreaterThanOrEqual(2);
    expect(statistic).toBeLessThan(chiSquareCritical(degreesOfFreedom));
  });

  it('gives the same draws for the same seed', () => {
    // Prepare
    const a = createSeededRandom('same');
    const b = createSeededRandom('same');

    // Act / Assess
    expect(draw(200, () => sampleDiscreteLaplace(4, a))).toEqual(draw(200, () => sampleDiscreteLaplace(4, b)));
  });

  it('passes a loose variance check on the crypto source', () => {
    // Prepare
    const bits = createCryptoRandom();
    const scale = 5;
    const { variance, fourth } = discreteLaplaceMoments(scale);
    const n = 20_000;

    // Act
    const { mean, meanSquare } = moments(draw(n, () => sampleDiscreteLaplace(scale, bits)));

    // Assess
    expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt(variance / n));
    expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / n));
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects scale %s', (scale) => {
    // Act / Assess
    expect(() => sampleDiscreteLaplace(scale, createSeededRandom(1))).toThrow(/scale/);
  });
});

describe('Function: sampleDiscreteLaplaceRational', () => {
  it('samples scale t/s exactly (t = 7, s = 2 fits the pmf at scale 3.5)', () => {
    // Prepare
    const bits = createSeededRandom('rational-7-2');

    // Act
    const xs = draw(N, () => sampleDiscreteLaplaceRational(7, 2, bits));
    const { statistic, degreesOfFreedom } = chiSquareIntegers(xs, (x) => discreteLaplacePmf(3.5, x));

    // Assess
    expect(statistic).toBeLessThan(chiSquareCritical(degreesOfFreedom));
  });

  it.each([
    [0, 1],
    [1, 0],
    [1.5, 1],
    [2 ** 48 + 1, 1],
  ])('rejects t = %s, s = %s', (t, s) => {
    // Act / Assess
    expect(() => sampleDiscreteLaplaceRational(t, s, createSeededRandom(1))).toThrow(/t\/s/);
  });
});

describe('Function: rationalScale', () => {
  it.each([
    [3, { t: 3, s: 1 }],
    [0.5, { t: 1, s: 2 }],
    [0.3, { t: 3, s: 10 }],
    [10 / 3, { t: 10, s: 3 }],
    [1 / 0.7, { t: 10, s: 7 }],
  ])('turns %s into %o', (scale, expected) => {
    // Act / Assess
    expect(rationalScale(scale)).toEqual(expected);
  });

  it('rounds an irrational-looking scale up, by less than 1e-12 relative', () => {
    // Act
    const { t, s } = rationalScale(Math.PI);

    // Assess
    expect(t / s).toBeGreaterThanOrEqual(Math.PI);
    expect(t / s / Math.PI - 1).toBeLessThan(1e-12);
  });
});

describe('Function: scaleFor', () => {
  it.each([
    [1, 1, { t: 1, s: 1 }],
    [5, 0.3, { t: 50, s: 3 }],
    [2_500_000, 0.5, { t: 5_000_000, s: 1 }],
    // 1/3 is rounded down to 0.333333, so the noise is slightly larger than asked, never smaller.
    [1, 1 / 3, { t: 1_000_000, s: 333_333 }],
  ])('sensitivity %s, epsilon %s -> %o', (sensitivity, epsilon, expected) => {
    // Act / Assess
    expect(scaleFor(sensitivity, epsilon)).toEqual(expected);
  });

  it('rejects a non-integer sensitivity, a zero epsilon and a scale too large to sample', () => {
    // Act / Assess
    expect(() => scaleFor(1.5, 1)).toThrow(/sensitivity/);
    expect(() => scaleFor(1, 0)).toThrow(/epsilon/);
    expect(() => scaleFor(1e12, 0.001)).toThrow(/too large/);
  });
});

describe('Function: discreteLaplaceVariance', () => {
  it('matches 2q/(1-q)^2 and approaches 2 * scale^2 for large scales', () => {
    // Act / Assess
    expect(discreteLaplaceVariance(1)).toBeCloseTo((2 * Math.E) / (Math.E - 1) ** 2, 12);
    expect(discreteLaplaceVariance(1000) / (2 * 1000 ** 2)).toBeCloseTo(1, 5);
  });
});
