import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import { configuredClamp, largestClampIndex, quantileClamp } from '../../../lambdas/core/publish/cost-clamp.js';
import { buildRelease } from '../../../lambdas/core/publish/build-release.js';
import { releaseKeyDomains, reportingMonths } from '../../../lambdas/core/publish/true-aggregates.js';
import { CLAMP_CANDIDATES_CENTS } from '../../../lambdas/core/privacy/dp-quantile.js';
import { createSeededRandom } from '../../../lambdas/core/privacy/index.js';

const exact: PrivacyConfig = { ...defaultConfig.privacy, noNoise: true };

describe('Function: configuredClamp', () => {
  it('wins when set, and is absent when null', () => {
    expect(configuredClamp({ ...exact, costClamp: 2000 })).toEqual({ cents: 200_000, source: 'configured', quantile: null });
    expect(configuredClamp(exact)).toBeNull();
    expect(() => configuredClamp({ ...exact, costClamp: -1 })).toThrow(/costClamp must be a positive amount/);
  });
});

describe('Function: quantileClamp', () => {
  it('never chooses a clamp whose sum noise the exact sampler cannot draw (a huge cost above it counts at it)', () => {
    // Prepare: every patient's cost above USD 1,000,000.
    const counts = CLAMP_CANDIDATES_CENTS.map((_, j) => (j === CLAMP_CANDIDATES_CENTS.length - 1 ? 5000 : 0));

    // Act
    const clamp = quantileClamp(counts, exact, createSeededRandom(1));
    const noisy = quantileClamp(counts, { ...exact, noNoise: false }, createSeededRandom(2));

    // Assess: USD 560,000 with 5 visits per patient; the release can then draw its noise.
    expect(CLAMP_CANDIDATES_CENTS[largestClampIndex(exact)]).toBe(56_000_000);
    expect(clamp.cents).toBe(56_000_000);
    expect(noisy.cents).toBeLessThanOrEqual(56_000_000);
    const domains = { ...releaseKeyDomains({ rosterSpecialties: [], selectedDiagnoses: [], selectedSpecialties: [] }), month: reportingMonths('2025-12-31'), provider: [] };
    for (const micro of [1, 3, 7, 999_983]) {
      expect(() =>
        buildRelease({ cells: [], domains, config: { ...exact, noNoise: false, epsilonPerRelease: micro / 1e6 + 1 }, clampCents: clamp.cents, bits: createSeededRandom(micro) }),
      ).not.toThrow();
    }
  });
});
