import { describe, expect, it } from 'vitest';
import { createSeededRandom, sampleDiscreteLaplace } from '../../../lambdas/core/privacy/index.js';
import { countInterval, discreteLaplaceHalfWidth, isImprecise, meanInterval } from '../../../lambdas/core/privacy/intervals.js';
import { discreteLaplacePmf, draw } from './stats.js';

describe('Function: discreteLaplaceHalfWidth', () => {
  it.each([0.5, 3, 17.5, 166.7, 20_833_333])('is the smallest h with P(|X| > h) <= 5%% at scale %s', (scale) => {
    const h = discreteLaplaceHalfWidth(scale);
    const q = Math.exp(-1 / scale);
    const tail = (x: number) => (2 * q ** (x + 1)) / (1 + q);
    expect(tail(h)).toBeLessThanOrEqual(0.05);
    if (h > 0) expect(tail(h - 1)).toBeGreaterThan(0.05);
  });

  it('covers 95% of draws (simulation at scale 10)', () => {
    const h = discreteLaplaceHalfWidth(10);
    const bits = createSeededRandom('cover');
    const inside = draw(50_000, () => Math.abs(sampleDiscreteLaplace(10, bits)) <= h).filter(Boolean).length / 50_000;
    expect(inside).toBeGreaterThanOrEqual(0.945);
    expect(inside).toBeLessThan(0.96);
    expect(discreteLaplacePmf(10, 0)).toBeGreaterThan(0);
  });
});

describe('Function: countInterval', () => {
  it('is symmetric around the figure and never below 0', () => {
    const h = discreteLaplaceHalfWidth(50);
    expect(countInterval(1000, 50)).toEqual({ low: 1000 - h, high: 1000 + h });
    expect(countInterval(20, 50)).toEqual({ low: 0, high: 20 + h });
  });
});

describe('Function: meanInterval', () => {
  it('holds the true mean in at least 95% of noisy releases (simulation)', () => {
    // Prepare: 400 costs, clamp USD 300, a mean of USD 100; the parts' noise at the given scales.
    const clampCents = 30_000;
    const n = 400;
    const sumCents = n * 10_000;
    const centred = 2 * sumCents - n * clampCents;
    const [sumScale, countScale] = [600_000, 12];
    const bits = createSeededRandom('mean');

    // Act
    const hits = draw(4000, () => {
      const iv = meanInterval({
        centredSum: centred + sampleDiscreteLaplace(sumScale, bits),
        centredSumScale: sumScale,
        count: n + sampleDiscreteLaplace(countScale, bits),
        countScale,
        clampCents,
      });
      return iv.low <= 100 && 100 <= iv.high;
    }).filter(Boolean).length;

    // Assess
    expect(hits / 4000).toBeGreaterThanOrEqual(0.95);
  });

  it('is the whole clamp range when the count could be 0', () => {
    expect(meanInterval({ centredSum: 0, centredSumScale: 1000, count: 3, countScale: 50, clampCents: 20_000 })).toEqual({ low: 0, high: 200 });
  });
});

describe('Function: isImprecise', () => {
  it.each([
    [100, { low: 40, high: 160 }, true],
    [100, { low: 60, high: 140 }, false],
  ])('%s with %j -> %s', (value, iv, expected) => expect(isImprecise(value, iv)).toBe(expected));
});
