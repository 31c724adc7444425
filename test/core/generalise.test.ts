import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageBand, ageGroup, ageOn, zip3 } from '../../lambdas/core/anonymize/generalise.js';

describe('Function: ageOn', () => {
  it.each([
    ['2000-06-15', '2025-06-14', 24],
    ['2000-06-15', '2025-06-15', 25],
    ['2000-02-29', '2025-02-28', 24],
  ])('born %s, on %s -> %i', (birth, asOf, age) => expect(ageOn(birth, asOf)).toBe(age));

  it('gives the age by year, month and day for any two dates', () => {
    // The definition: years between, less one if the birthday has not come yet in the reference year.
    const byParts = (birth: string, asOf: string): number => {
      const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
      const [ry, rm, rd] = asOf.split('-').map(Number) as [number, number, number];
      return ry - by - (rm > bm || (rm === bm && rd >= bd) ? 0 : 1);
    };
    const date = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    const text = fc.oneof(date, fc.constantFrom('2000-6-15', '2000-06-1x', '20000615'));
    fc.assert(
      fc.property(text, text, (birth, asOf) => {
        expect(ageOn(birth, asOf)).toBe(byParts(birth, asOf));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('Function: ageBand', () => {
  it.each([
    [0, '0-4'], [17, '15-19'], [89, '85-89'], [90, '90+'], [104, '90+'],
  ])('%i -> %s (never finer than 90+ above 89)', (age, band) => expect(ageBand(age)).toBe(band));
});

describe('Function: ageGroup', () => {
  it.each([
    [17, '0-17'], [18, '18-34'], [49, '35-49'], [64, '50-64'], [65, '65+'], [99, '65+'],
  ])('%i -> %s', (age, group) => expect(ageGroup(age)).toBe(group));
});

describe('Function: zip3', () => {
  it.each([
    ['02139', '021'], ['03601', '000'], ['89301', '000'], ['10001', '100'],
  ])('%s -> %s (restricted prefixes become 000)', (zip, out) => expect(zip3(zip)).toBe(out));
});
