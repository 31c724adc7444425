import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import { createSeededRandom } from '../../../lambdas/core/privacy/index.js';
import { createRowNoise, rowNoiseScale } from '../../../lambdas/core/privacy/row-noise.js';
import { chiSquareCritical, chiSquareIntegers, discreteLaplaceMoments, discreteLaplacePmf, moments, SIGMAS } from './stats.js';

const keyFrom = (seed: string): Uint8Array => {
  const r = createSeededRandom(seed);
  return Uint8Array.from({ length: 32 }, () => r.uniformInt(256));
};
const KEY = keyFrom('row-noise-key');
const OTHER_KEY = keyFrom('another-key');
const cfg: PrivacyConfig = { ...defaultConfig.privacy, rowCostClamp: 5000, noNoise: false };
const rowIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `visit-${i.toString().padStart(7, '0')}`);
const cents = (dollars: number): number => Math.round(dollars * 100);

describe('Function: createRowNoise', () => {
  it('is deterministic for the same key, row and cost', () => {
    // Act / Assess
    expect(createRowNoise(KEY, cfg)(120, 'visit-1')).toBe(createRowNoise(Uint8Array.from(KEY), cfg)(120, 'visit-1'));
  });

  it('differs for another key or another row', () => {
    // Prepare
    const base = createRowNoise(KEY, cfg)(120, 'visit-1');

    // Act / Assess
    expect(createRowNoise(OTHER_KEY, cfg)(120, 'visit-1')).not.toBe(base);
    expect(createRowNoise(KEY, cfg)(120, 'visit-2')).not.toBe(base);
  });

  it('draws fresh noise when a re-sent row carries a corrected cost, so the exact change is not revealed', () => {
    // Prepare: the same visit sent with two costs, for many visits.
    const noiser = createRowNoise(KEY, cfg);
    const ids = rowIds(200);

    // Act: how far the released difference is from the true difference.
    const offsets = ids.map((id) => cents(noiser(350, id)) - cents(noiser(300, id)) - 5000);

    // Assess: with noise keyed on the row only, every offset would be exactly 0.
    expect(offsets.filter((o) => o === 0).length).toBeLessThan(5);
  });

  it('is exactly discrete Laplace in cents with scale (rowCostClamp * 100) / epsilonPerRowCost (chi-square)', () => {
    // Prepare: a small scale, so the pmf can be checked bin by bin.
    const small: PrivacyConfig = { ...cfg, rowCostClamp: 0.06, epsilonPerRowCost: 2 };
    const noiser = createRowNoise(KEY, small);
    const ids = rowIds(40_000);
    const { t, s } = rowNoiseScale(small);

    // Act
    const noise = ids.map((id) => cents(noiser(0.04, id)) - 4);
    const { statistic, degreesOfFreedom } = chiSquareIntegers(noise, (x) => discreteLaplacePmf(t / s, x));

    // Assess
    expect(t / s).toBe(3);
    expect(degreesOfFreedom).toBeGreaterThanOrEqual(4);
    expect(statistic).toBeLessThan(chiSquareCritical(degreesOfFreedom));
  });

  it('has the variance of its discrete Laplace at the default scale, centred on the clamped cost', () => {
    // Prepare
    const noiser = createRowNoise(KEY, { ...cfg, rowCostClamp: 100, epsilonPerRowCost: 2 });
    const ids = rowIds(20_000);
    const { variance, fourth } = discreteLaplaceMoments(5000);

    // Act
    const noise = ids.map((id) => cents(noiser(40, id)) - 4000);
    const { mean, meanSquare } = moments(noise);

    // Assess
    expect(noise.every(Number.isSafeInteger)).toBe(true);
    expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt(variance / noise.length));
    expect(Math.abs(meanSquare - variance)).toBeLessThan(SIGMAS * Math.sqrt((fourth - variance ** 2) / noise.length));
  });

  it.each([
    [123.456, 123.46],
    [-5, 0],
    [0, 0],
    [9999.99, 5000],
    [5000, 5000],
  ])('with noNoise returns clamp(%s, 0, rowCostClamp) in cents: %s', (cost, expected) => {
    // Act / Assess
    expect(createRowNoise(KEY, { ...cfg, noNoise: true })(cost, 'visit-1')).toBe(expected);
  });

  it('gives the same noise to two costs above the clamp (they release the same clamped value)', () => {
    // Prepare
    const noiser = createRowNoise(KEY, cfg);

    // Act / Assess
    expect(noiser(6000, 'visit-5')).toBe(noiser(7000, 'visit-5'));
  });

  it('does not keep a reference to the caller\'s key (zeroing it later changes nothing)', () => {
    // Prepare
    const key = Uint8Array.from(KEY);
    const noiser = createRowNoise(key, cfg);
    const before = noiser(10, 'visit-1');

    // Act
    key.fill(0);

    // Assess
    expect(noiser(10, 'visit-1')).toBe(before);
  });

  it('rejects a short key, an empty row id, a non-finite cost and a bad epsilonPerRowCost', () => {
    // Act / Assess
    expect(() => createRowNoise(new Uint8Array(16), cfg)).toThrow(/at least 32 bytes/);
    expect(() => createRowNoise(KEY, cfg)(1, '')).toThrow(/row id/);
    expect(() => createRowNoise(KEY, cfg)(Number.NaN, 'visit-1')).toThrow(/cost/);
    expect(() => createRowNoise(KEY, { ...cfg, epsilonPerRowCost: 0 })).toThrow(/epsilonPerRowCost/);
  });
});
