import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twoDecimals } from '../../lambdas/core/anonymize/two-decimals.js';

describe('Function: twoDecimals', () => {
  it('writes what toFixed(2) writes, for whole cents of any size and sign', () => {
    const cents = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.maxSafeInteger().map((n) => n - 2 ** 52), fc.constantFrom(0, 1, 5, 9, 10, 99, 100, 2 ** 40 - 1, 2 ** 40, -(2 ** 40) + 1, -(2 ** 40)));
    fc.assert(
      fc.property(cents, (c) => {
        expect(twoDecimals(c / 100)).toBe((c / 100).toFixed(2));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what toFixed(2) writes for any other number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(-0, 0.005, -0.005, 0.125, 1.005, 2.675, 1e21, -1e21, Number.NaN, Infinity, -Infinity)), (x) => {
        expect(twoDecimals(x)).toBe(x.toFixed(2));
      }),
      { numRuns: 20_000 },
    );
  });
});
