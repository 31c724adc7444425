// The keyed bit source is defined as HMAC-SHA-256(key, seed + ':' + counter) read as big-endian words;
// a reference built on node:crypto holds both the one-shot and the reseeded source to that definition.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedBitSource, prepareHmacSha256, reseedableBits, uniformIntFromUint32, type BitSource } from '../../../lambdas/core/privacy/index.js';

/** The definition, on node:crypto. */
function referenceBits(key: Uint8Array, seed: string): BitSource {
  let counter = 0;
  let block = Buffer.alloc(0);
  let next = 8;
  const word = (): number => {
    if (next === 8) {
      block = createHmac('sha256', key).update(`${seed}:${counter++}`).digest();
      next = 0;
    }
    return block.readUInt32BE(4 * next++);
  };
  return { uniformInt: (n) => uniformIntFromUint32(word, n) };
}

const draws = (bits: BitSource, ranges: number[]): number[] => ranges.map((n) => bits.uniformInt(n));

const seedPart = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', 'row-noise:', 'é', '0123456789abcdef0123456789abcdef'));
// Enough draws to cross several blocks (8 words each; ranges over 2^32 take two words).
const ranges = fc.array(fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: 1, max: 2 ** 48 })), { minLength: 1, maxLength: 40 });

describe('Function: reseedableBits', () => {
  it('draws what the definition draws for the joined seed, after any number of reseeds', () => {
    // Prepare: one source for every case, as the row noise uses it.
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const bits = reseedableBits(prepareHmacSha256(key));

    fc.assert(
      fc.property(seedPart, seedPart, seedPart, ranges, (head, middle, tail, ns) => {
        // Act
        bits.reseed(head, middle, tail);
        const got = draws(bits, ns);

        // Assess
        expect(got).toEqual(draws(referenceBits(key, head + middle + tail), ns));
      }),
      { numRuns: 500 },
    );
  });
});

describe('Function: keyedBitSource', () => {
  it('draws what the definition draws, and two sources on one prepared key do not disturb each other', () => {
    // Prepare
    const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const hmac = prepareHmacSha256(key);
    const ns = Array.from({ length: 30 }, (_, i) => 1000 + i);

    // Act: interleaved draws from two sources on the same HMAC.
    const a = keyedBitSource(hmac, 'seed-a');
    const b = keyedBitSource(hmac, 'seed-b');
    const fromA: number[] = [];
    const fromB: number[] = [];
    for (const n of ns) {
      fromA.push(a.uniformInt(n));
      fromB.push(b.uniformInt(n));
    }

    // Assess
    expect(fromA).toEqual(draws(referenceBits(key, 'seed-a'), ns));
    expect(fromB).toEqual(draws(referenceBits(key, 'seed-b'), ns));
  });
});
