// A deterministic random source for tests and the synthetic-data generator. Never for DP noise in
// production: its output is predictable from the seed. Same seed, same sequence, on every platform.
import { PipelineError } from '../errors.js';
import type { RandomSource } from '../../ports.js';
import { type BitSource, uniformFromUint32, uniformIntFromUint32 } from './randomness.js';

/** A seeded source; `nextUint32` exposes the raw 32-bit words (for generators that need them). */
export interface SeededRandom extends RandomSource, BitSource {
  nextUint32(): number;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** Murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Four 32-bit lanes from the seed's UTF-8 bytes, each lane a differently keyed multiplicative hash. */
function seedState(seed: number | string): [number, number, number, number] {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new PipelineError('BAD_CONFIG', `A random seed must be a finite number or a string, got ${seed}.`);
  }
  const bytes = new TextEncoder().encode(String(seed));
  const lanes: [number, number, number, number] = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];
  const multipliers = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;
  for (let lane = 0; lane < 4; lane += 1) {
    let h = lanes[lane]! ^ bytes.length;
    for (const byte of bytes) {
      h = Math.imul(rotl(h ^ byte, 13), multipliers[lane]!);
    }
    lanes[lane] = fmix32(h ^ Math.imul(lane + 1, 0x9e3779b9));
  }
  // xoshiro's all-zero state is a fixed point; it cannot come from fmix32 in practice, but be safe.
  if ((lanes[0] | lanes[1] | lanes[2] | lanes[3]) === 0) lanes[0] = 1;
  return lanes;
}

/**
 * xoshiro128** (Blackman and Vigna) seeded from a hash of the seed. Numbers and strings are hashed by
 * their string form, so 42 and '42' give the same sequence.
 */
export function createSeededRandom(seed: number | string): SeededRandom {
  let [s0, s1, s2, s3] = seedState(seed);
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    uniform: () => uniformFromUint32(nextUint32),
    uniformInt: (n: number) => uniformIntFromUint32(nextUint32, n),
  };
}
