import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCryptoRandom } from '../../../lambdas/adapters/random/crypto-random.js';
import {
  bernoulliExp,
  bernoulliRational,
  createSeededRandom,
  MAX_UNIFORM_INT,
  uniformIntFromUint32,
} from '../../../lambdas/core/privacy/index.js';
import { chiSquareCritical, draw, moments, SIGMAS } from './stats.js';

/** A word source that replays a script, to test rejection exactly. */
const scripted = (words: number[]) => {
  let i = 0;
  return () => {
    const w = words[i];
    if (w === undefined) throw new Error('script exhausted');
    i += 1;
    return w;
  };
};

describe('Function: createSeededRandom', () => {
  it('gives the same sequence for the same seed, and treats 42 and "42" alike', () => {
    // Prepare
    const a = createSeededRandom(42);
    const b = createSeededRandom('42');

    // Act
    const fromA = draw(100, () => a.nextUint32());
    const fromB = draw(100, () => b.nextUint32());

    // Assess
    expect(fromA).toEqual(fromB);
  });

  it('gives different sequences for different seeds', () => {
    // Prepare
    const seeds = [0, 1, 2, 'a', 'b', 'generator-2025'];

    // Act
    const firsts = seeds.map((seed) => {
      const r = createSeededRandom(seed);
      return draw(4, () => r.nextUint32()).join(',');
    });

    // Assess
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it('produces uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    // Prepare
    const r = createSeededRandom('uniform');
    const n = 200_000;

    // Act
    const xs = draw(n, () => r.uniform());
    const { mean, meanSquare } = moments(xs);

    // Assess
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(mean - 0.5)).toBeLessThan(SIGMAS * Math.sqrt(1 / 12 / n));
    // Var(U^2) = 1/5 - 1/9 = 4/45.
    expect(Math.abs(meanSquare - 1 / 3)).toBeLessThan(SIGMAS * Math.sqrt(4 / 45 / n));
  });

  it('rejects a non-finite numeric seed', () => {
    // Act / Assess
    expect(() => createSeededRandom(Number.NaN)).toThrow(/finite/);
  });
});

describe('Function: uniformIntFromUint32', () => {
  it('redraws words at or above the largest multiple of n (no modulo bias)', () => {
    // Prepare: for n = 3 the limit is 2^32 - 1, so 0xffffffff must be rejected.
    const next = scripted([0xffffffff, 7]);

    // Act
    const x = uniformIntFromUint32(next, 3);

    // Assess
    expect(x).toBe(7 % 3);
  });

  it('uses 48 bits above 2^32 and rejects above the limit', () => {
    // Prepare: n = 2^48 - 1 has limit 2^48 - 1; the all-ones 48-bit word is rejected.
    const next = scripted([0xffffffff, 0xffffffff, 0x00010000, 5]);

    // Act
    const x = uniformIntFromUint32(next, 2 ** 48 - 1);

    // Assess
    expect(x).toBe(2 ** 32 + 5);
  });

  it.each([0, -1, 1.5, MAX_UNIFORM_INT + 1, Number.NaN])('rejects n = %s', (n) => {
    // Act / Assess
    expect(() => uniformIntFromUint32(() => 0, n)).toThrow(/uniformInt/);
  });

  it('gives what the remainder arithmetic gives, exactly, for any n up to 2^32 and any words', () => {
    // Reference: limit = 2^32 - 2^32 mod n, words at or above it redrawn, the first other word mod n (BigInt).
    const reference = (words: number[], n: number): number => {
      const limit = 2n ** 32n - (2n ** 32n % BigInt(n));
      for (const w of words) if (BigInt(w >>> 0) < limit) return Number(BigInt(w >>> 0) % BigInt(n));
      throw new Error('script exhausted');
    };
    const n = fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.constantFrom(2, 3, 7, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 200_000, 600_000));
    const word = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1));
    fc.assert(
      fc.property(n, fc.array(word, { minLength: 1, maxLength: 4 }), (n, words) => {
        // Prepare: the script ends with a word every n accepts (0), so both sides finish.
        const script = [...words, 0];
        // Act / Assess
        expect(uniformIntFromUint32(scripted(script), n)).toBe(reference(script, n));
      }),
      { numRuns: 20_000 },
    );
  });

  it('returns 0 for n = 1 without drawing', () => {
    // Act / Assess
    expect(uniformIntFromUint32(scripted([]), 1)).toBe(0);
  });

  it.each([7, 1000, 2 ** 32 + 12345, 3 * 2 ** 45 + 1])('is uniform on [0, %s) (chi-square over 10 equal bins)', (n) => {
    // Prepare
    const r = createSeededRandom(`uniform-int-${n}`);
    const draws = 100_000;
    const bins = n < 10 ? n : 10;

    // Act
    const counts = new Array<number>(bins).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < draws; i += 1) {
      const x = r.uniformInt(n);
      if (!(Number.isInteger(x) && x >= 0 && x < n)) outOfRange += 1;
      const bin = Math.floor((x * bins) / n);
      counts[bin] = counts[bin]! + 1;
    }

    // Assess: bins of unequal integer width (n not divisible by 10) have their exact expected counts.
    expect(outOfRange).toBe(0);
    let statistic = 0;
    for (let b = 0; b < bins; b += 1) {
      const width = Math.ceil(((b + 1) * n) / bins) - Math.ceil((b * n) / bins);
      const expected = (draws * width) / n;
      statistic += (counts[b]! - expected) ** 2 / expected;
    }
    expect(statistic).toBeLessThan(chiSquareCritical(bins - 1));
  });
});

describe('Function: bernoulliExp', () => {
  it.each([
    [0, 1],
    [1, 2],
    [1, 1],
    [5, 2],
    [7, 3],
  ])('is Bernoulli(exp(-%s/%s))', (num, den) => {
    // Prepare
    const r = createSeededRandom(`bexp-${num}-${den}`);
    const n = 100_000;
    const p = Math.exp(-num / den);

    // Act
    let hits = 0;
    for (let i = 0; i < n; i += 1) if (bernoulliExp(num, den, r)) hits += 1;

    // Assess
    expect(Math.abs(hits / n - p)).toBeLessThanOrEqual(SIGMAS * Math.sqrt((p * (1 - p)) / n));
  });

  it('rejects negative or non-integer arguments', () => {
    // Prepare
    const r = createSeededRandom(1);

    // Act / Assess
    expect(() => bernoulliExp(-1, 2, r)).toThrow(/integers/);
    expect(() => bernoulliExp(1, 0, r)).toThrow(/integers/);
    expect(() => bernoulliExp(0.5, 2, r)).toThrow(/integers/);
  });
});

describe('Function: bernoulliRational', () => {
  it('is exact at the ends and Bernoulli(num/den) between', () => {
    // Prepare
    const r = createSeededRandom('brat');
    const n = 100_000;

    // Act
    let hits = 0;
    for (let i = 0; i < n; i += 1) if (bernoulliRational(3, 10, r)) hits += 1;

    // Assess
    expect(bernoulliRational(0, 5, r)).toBe(false);
    expect(bernoulliRational(5, 5, r)).toBe(true);
    expect(Math.abs(hits / n - 0.3)).toBeLessThan(SIGMAS * Math.sqrt((0.3 * 0.7) / n));
    expect(() => bernoulliRational(6, 5, r)).toThrow(/num <= den/);
  });
});

describe('Function: createCryptoRandom', () => {
  // Not seeded, so only loose checks (failure probability ~1e-9 each).
  it('gives uniforms in [0, 1) with mean near 1/2', () => {
    // Prepare
    const r = createCryptoRandom();
    const n = 50_000;

    // Act
    const xs = draw(n, () => r.uniform());

    // Assess
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(moments(xs).mean - 0.5)).toBeLessThan(SIGMAS * Math.sqrt(1 / 12 / n));
    expect(new Set(xs).size).toBeGreaterThan(n - 5);
  });

  it('gives exact-range integers across several refills, every residue appearing', () => {
    // Prepare: a tiny block forces many refills.
    const r = createCryptoRandom({ blockBytes: 16 });
    const n = 20_000;

    // Act
    const xs = draw(n, () => r.uniformInt(10));
    const big = draw(1000, () => r.uniformInt(2 ** 40 + 3));

    // Assess
    expect(new Set(xs)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Math.abs(moments(xs).mean - 4.5)).toBeLessThan(SIGMAS * Math.sqrt(8.25 / n));
    expect(big.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 40 + 3)).toBe(true);
    expect(big.some((x) => x > 2 ** 32)).toBe(true);
  });

  it('rejects a block size that is not a multiple of 4', () => {
    // Act / Assess
    expect(() => createCryptoRandom({ blockBytes: 6 })).toThrow(/multiple of 4/);
  });
});
