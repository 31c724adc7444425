import { describe, expect, it } from 'vitest';
import { normaliseText, parseCents, parseDate, parseGender, parseZip } from '../../lambdas/core/anonymize/parse-fields.js';

describe('Function: parseDate', () => {
  it.each([
    ['2024-02-29', '2024-02-29'],
    ['2/3/2024', '2024-02-03'],
    [' 2024-12-31 ', '2024-12-31'],
    ['2023-02-29', undefined],
    ['2024-13-01', undefined],
    ['yesterday', undefined],
    ['', undefined],
  ])('%j -> %j', (input, expected) => expect(parseDate(input)).toBe(expected));
});

describe('Function: parseCents', () => {
  it.each([
    ['125.5', 12550],
    ['$1,234.56', 123456],
    ['0', 0],
    ['-5.00', undefined],
    ['12.345', undefined],
    ['1,23', undefined],
    ['abc', undefined],
    ["1; drop table fact_visits", undefined],
  ])('%j -> %j', (input, expected) => expect(parseCents(input)).toBe(expected));
});

describe('Function: parseZip', () => {
  it.each([
    ['02139', '02139'],
    ['02139-1234', '02139'],
    ['2139', undefined],
    ['ABCDE', undefined],
  ])('%j -> %j (leading zeros kept)', (input, expected) => expect(parseZip(input)).toBe(expected));
});

describe('Function: parseGender', () => {
  it.each([
    ['M', 'Male'], ['female', 'Female'], ['X', 'Other'], ['U', 'Unknown'], ['robot', undefined],
  ])('%j -> %j', (input, expected) => expect(parseGender(input)).toBe(expected));
});

describe('Function: normaliseText', () => {
  it('collapses line breaks so a clean file holds one record per line', () => {
    expect(normaliseText('  Type 2\r\n  Diabetes ')).toBe('Type 2 Diabetes');
  });
});
