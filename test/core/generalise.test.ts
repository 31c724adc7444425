import { describe, expect, it } from 'vitest';
import { ageBand, ageGroup, ageOn, zip3 } from '../../lambdas/core/anonymize/generalise.js';

describe('Function: ageOn', () => {
  it.each([
    ['2000-06-15', '2025-06-14', 24],
    ['2000-06-15', '2025-06-15', 25],
    ['2000-02-29', '2025-02-28', 24],
  ])('born %s, on %s -> %i', (birth, asOf, age) => expect(ageOn(birth, asOf)).toBe(age));
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
