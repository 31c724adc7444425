import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import {
  costWithPrivacy,
  createRowNoise,
  createSeededRandom,
  perRowNoise,
} from '../../../lambdas/core/privacy/index.js';
import { draw, ksCritical, ksStatistic, laplaceCdf, moments, SIGMAS } from './stats.js';

const keyFrom = (seed: string): Uint8Array => {
  const r = createSeededRandom(seed);
  return Uint8Array.from({ length: 32 }, () => r.uniformInt(256));
};
const KEY = keyFrom('row-noise-key');
const OTHER_KEY = keyFrom('another-key');
// The cases below are written for a clamp of 5000 USD (the default was 5000 when they were written).
const cfg: PrivacyConfig = { ...defaultConfig.privacy, costClamp: 5000, noNoise: false };
const rowIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `visit-${i.toString().padStart(7, '0')}`);

describe('Function: perRowNoise', () => {
  it('is deterministic for the same key and row', () => {
    // Act / Assess
    expect(perRowNoise(KEY, 'visit-1', 5000)).toBe(perRowNoise(Uint8Array.from(KEY), 'visit-1', 5000));
  });

  it('differs for another key or another row', () => {
    // Act
    const base = perRowNoise(KEY, 'visit-1', 5000);

    // Assess
    expect(perRowNoise(OTHER_KEY, 'visit-1', 5000)).not.toBe(base);
    expect(perRowNoise(KEY, 'visit-2', 5000)).not.toBe(base);
  });

  it('follows the documented derivation from HMAC-SHA-256(key, "row-noise:" + rowId)', () => {
    // Prepare
    const digest = createHmac('sha256', KEY).update('row-noise:visit-42').digest();
    const m = digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11);
    const magnitude = -Math.log1p(-m / 2 ** 53) * 7;
    const expected = (digest[7]! & 1) === 1 ? -magnitude : magnitude;

    // Act / Assess
    expect(perRowNoise(KEY, 'visit-42', 7)).toBe(expected);
  });

  it('is Laplace(scale) over many rows (KS test and variance 2 * scale^2)', () => {
    // Prepare
    const scale = 3;
    const ids = rowIds(20_000);

    // Act
    const noise = ids.map((id) => perRowNoise(KEY, id, scale));
    const { mean, meanSquare } = moments(noise);

    // Assess: Var = 2b^2; E[X^4] = 24b^4, so Var(X^2) = 20b^4.
    expect(ksStatistic(noise, laplaceCdf(scale))).toBeLessThan(ksCritical(noise.length));
    expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt((2 * scale ** 2) / noise.length));
    expect(Math.abs(meanSquare - 2 * scale ** 2)).toBeLessThan(SIGMAS * Math.sqrt((20 * scale ** 4) / noise.length));
  });

  it('follows a key changed in place (the prepared-key memo checks the bytes)', () => {
    // Prepare
    const key = Uint8Array.from(KEY);
    const before = perRowNoise(key, 'visit-3', 10);

    // Act
    key.set(OTHER_KEY);

    // Assess
    expect(perRowNoise(key, 'visit-3', 10)).toBe(perRowNoise(Uint8Array.from(OTHER_KEY), 'visit-3', 10));
    expect(perRowNoise(key, 'visit-3', 10)).not.toBe(before);
  });

  it('rejects a short key, an empty row id and a non-positive scale', () => {
    // Act / Assess
    expect(() => perRowNoise(new Uint8Array(16), 'visit-1', 1)).toThrow(/at least 32 bytes/);
    expect(() => perRowNoise(KEY, '', 1)).toThrow(/row id/);
    expect(() => perRowNoise(KEY, 'visit-1', 0)).toThrow(/scale/);
  });
});

describe('Function: costWithPrivacy', () => {
  it.each([
    [123.456, 123.46],
    [-5, 0],
    [0, 0],
    [9999.99, 5000],
    [5000, 5000],
  ])('with noNoise returns clamp(%s, 0, costClamp) in cents: %s', (cost, expected) => {
    // Act / Assess
    expect(costWithPrivacy(cost, KEY, 'visit-1', cfg, { noNoise: true })).toBe(expected);
    expect(costWithPrivacy(cost, KEY, 'visit-1', { ...cfg, noNoise: true })).toBe(expected);
  });

  it('is the clamped cost plus perRowNoise with scale costClamp/epsilonPerRowCost, each in whole cents', () => {
    // Prepare
    const scale = cfg.costClamp / cfg.epsilonPerRowCost;

    // Act
    const released = costWithPrivacy(250.5, KEY, 'visit-7', cfg);

    // Assess
    const noiseCents = Math.round(perRowNoise(KEY, 'visit-7', scale) * 100);
    expect(released).toBe((25050 + noiseCents) / 100);
    expect(Number.isInteger(Math.round(released * 100))).toBe(true);
    expect(Math.abs(released * 100 - Math.round(released * 100))).toBeLessThan(1e-6);
  });

  it('moves by exactly the change in clamped cents when only the cost changes (no float leak)', () => {
    // Prepare
    const costs = [0, 0.01, 17.3, 999.99, 4999.99, 5000];

    // Act
    const released = costs.map((c) => costWithPrivacy(c, KEY, 'visit-9', cfg));

    // Assess: the noise in cents is identical whatever the cost.
    const noiseCents = released.map((r, i) => Math.round(r * 100) - Math.round(costs[i]! * 100));
    expect(new Set(noiseCents).size).toBe(1);
  });

  it('rejects a non-finite cost and a bad epsilonPerRowCost', () => {
    // Act / Assess
    expect(() => costWithPrivacy(Number.NaN, KEY, 'visit-1', cfg)).toThrow(/cost/);
    expect(() => costWithPrivacy(1, KEY, 'visit-1', { ...cfg, epsilonPerRowCost: 0 })).toThrow(/epsilonPerRowCost/);
  });
});

describe('Function: createRowNoise', () => {
  it('gives the same values as costWithPrivacy, row by row', () => {
    // Prepare
    const noiser = createRowNoise(KEY, cfg);
    const ids = rowIds(200);
    const r = createSeededRandom('costs');
    const costs = draw(ids.length, () => Math.round(r.uniform() * 800_000) / 100);

    // Act
    const fast = ids.map((id, i) => noiser(costs[i]!, id));
    const slow = ids.map((id, i) => costWithPrivacy(costs[i]!, KEY, id, cfg));

    // Assess
    expect(fast).toEqual(slow);
  });

  it('has noise of variance 2 * (costClamp/epsilon)^2 in cents, centred on the clamped cost', () => {
    // Prepare
    const noiser = createRowNoise(KEY, { ...cfg, costClamp: 100, epsilonPerRowCost: 2 });
    const ids = rowIds(20_000);
    const scale = 50;

    // Act
    const noise = ids.map((id) => noiser(40, id) - 40);
    const { mean, meanSquare } = moments(noise);

    // Assess (rounding to cents adds 1/120000 to the variance, far inside the tolerance).
    expect(Math.abs(mean)).toBeLessThan(SIGMAS * Math.sqrt((2 * scale ** 2) / noise.length));
    expect(Math.abs(meanSquare - 2 * scale ** 2)).toBeLessThan(SIGMAS * Math.sqrt((20 * scale ** 4) / noise.length));
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

  it('handles long and non-ASCII row ids (HMAC multi-block path)', () => {
    // Prepare
    const noiser = createRowNoise(KEY, cfg);
    const long = `visit-${'x'.repeat(200)}`;

    // Act / Assess
    expect(noiser(10, long)).toBe(costWithPrivacy(10, KEY, long, cfg));
    expect(noiser(10, 'visité-1')).toBe(costWithPrivacy(10, KEY, 'visité-1', cfg));
    expect(noiser(10, 'visité-1')).not.toBe(noiser(10, 'visite-1'));
  });
});
