// The field parsers check the common form by hand before their general way (regexes, Date). These
// properties hold each parser to its general way, written here as it was before the hand checks, for
// any input: near the forms the hand checks accept and at random, every whitespace \s knows included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseText, parseCents, parseDate, parseGender, parseState, parseZip } from '../../lambdas/core/anonymize/parse-fields.js';

const general = {
  parseDate(value: string): string | undefined {
    const v = value.trim();
    let y: number, m: number, d: number;
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    const us = iso ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
    if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
    else return undefined;
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
    return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  },
  parseCents(value: string): number | undefined {
    const v = value.trim();
    if (!/^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$/.test(v)) return undefined;
    const [whole, frac = ''] = v.replace(/[$,]/g, '').split('.') as [string, string?];
    const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    return Number.isSafeInteger(cents) ? cents : undefined;
  },
  normaliseText: (value: string): string => value.replace(/\s+/g, ' ').trim(),
  parseGender(value: string): string | undefined {
    const genders: Record<string, string> = {
      m: 'Male', male: 'Male', f: 'Female', female: 'Female',
      o: 'Other', other: 'Other', x: 'Other', 'non-binary': 'Other', nonbinary: 'Other',
      u: 'Unknown', unknown: 'Unknown',
    };
    return genders[value.trim().toLowerCase()];
  },
  parseZip: (value: string): string | undefined => /^(\d{5})(?:-\d{4})?$/.exec(value.trim())?.[1],
  parseState: (value: string): string | undefined => (/^[A-Za-z]{2}$/.test(value.trim()) ? value.trim().toUpperCase() : undefined),
};

// Every code unit JavaScript's \s matches, and a few near them it does not.
const SPACES = ['\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
const NOT_SPACES = ['\u0000', '\u0008', '\u000e', '\u001f', '\u007f', '\u0085', '\u200b', '\u180e'];
const char = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'0123456789') },
  { weight: 2, arbitrary: fc.constantFrom('-', '/', '.', ',', '$', '+', 'e', 'x', 'M', 'f', 'a', 'Z', 'é') },
  { weight: 2, arbitrary: fc.constantFrom(...SPACES, ...NOT_SPACES) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) },
);
const loose = fc.array(char, { maxLength: 24 }).map((cs) => cs.join(''));
const date = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const money = fc
  .tuple(fc.stringMatching(/^\d{1,18}$/), fc.constantFrom('', '.', '.5', '.05', '.123'))
  .map(([whole, frac]) => whole + frac);
const words = fc.array(fc.oneof(fc.constantFrom('Type', '2', 'Diabetes', 'Zoë', 'a'), fc.constantFrom(...SPACES, ...NOT_SPACES, '  ')), { maxLength: 8 }).map((ws) => ws.join(''));
const input = fc.oneof(loose, date, money, words, fc.string({ maxLength: 12 }), fc.constantFrom('Male', 'FEMALE', 'Non-binary', 'NC', 'nc', '02139', '0213'));

describe('Field parsers: the hand checks agree with the general way', () => {
  it.each(Object.keys(general) as (keyof typeof general)[])('%s, for any input', (name) => {
    const parsers = { normaliseText, parseCents, parseDate, parseGender, parseState, parseZip };
    fc.assert(
      fc.property(input, (value) => {
        expect(parsers[name](value)).toBe(general[name](value));
      }),
      { numRuns: 5000 },
    );
  });

  it('parseDate, on every day of a leap and a common year, and the days around them', () => {
    // Prepare
    const days: string[] = [];
    for (const y of ['0099', '0100', '1900', '2000', '2023', '2024']) {
      for (let m = 0; m <= 13; m += 1) for (let d = 0; d <= 32; d += 1) days.push(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    }

    // Act
    const disagreements = days.filter((d) => parseDate(d) !== general.parseDate(d));

    // Assess
    expect(disagreements).toEqual([]);
  });
});
