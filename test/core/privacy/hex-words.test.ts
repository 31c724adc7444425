import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexOfWords } from '../../../lambdas/core/privacy/hex-words.js';

describe('Function: hexOfWords', () => {
  it('writes each word as 8 lower-case hex digits, big-endian, for any words and count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 8 }), (values, count) => {
        // Prepare
        const words = Int32Array.from(values);
        const expected = values.slice(0, count).map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');

        // Act / Assess
        expect(hexOfWords(words, count)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('returns a string that later calls leave alone', () => {
    // Prepare
    const first = hexOfWords(Int32Array.of(0x01234567, -1), 2);

    // Act
    hexOfWords(Int32Array.of(0, 0), 2);

    // Assess
    expect(first).toBe('01234567ffffffff');
  });

  it('refuses more words than a digest or the array holds', () => {
    expect(() => hexOfWords(new Int32Array(9), 9)).toThrow(RangeError);
    expect(() => hexOfWords(new Int32Array(2), 3)).toThrow(RangeError);
  });
});
