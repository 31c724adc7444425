// A keyed, deterministic BitSource: HMAC-SHA-256(key, seed + ':' + counter) read as 32-bit words, a
// counter-mode DRBG in the manner of NIST SP 800-108's KDF in counter mode. The exact samplers in
// randomness.ts and mechanisms.ts run on it unchanged, so per-row noise can be exactly discrete Laplace
// and still be the same on every rerun, unpredictable without the key.
import type { PreparedHmacSha256 } from './hmac-sha256.js';
import { type BitSource, uniformIntFromUint32 } from './randomness.js';

/** A keyed BitSource started again for each row: one object per key rather than one per row. */
export interface ReseedableBits extends BitSource {
  /**
   * Starts the sequence of the seed head + middle + tail from its first word. The seed is given in
   * parts so a row's seed (a prefix, the row's id, its value) need not be joined first.
   */
  reseed(head: string, middle?: string, tail?: string): void;
}

/** The counter's text for the first few blocks, which is all a row's noise ever needs. */
const COUNTERS = Array.from({ length: 16 }, (_, i) => String(i));

export function reseedableBits(hmac: PreparedHmacSha256): ReseedableBits {
  const words = new Int32Array(8);
  let head = '';
  let middle = '';
  // The tail with the ':' before the counter already appended.
  let tailColon = ':';
  let counter = 0;
  let next = 8;
  const word = (): number => {
    if (next === 8) {
      // Copied: the HMAC's array is overwritten by its next call, which may be another source's.
      words.set(hmac.digestJoinedWords(head, middle, tailColon, COUNTERS[counter] ?? String(counter)));
      counter += 1;
      next = 0;
    }
    const w = words[next]!;
    next += 1;
    return w >>> 0;
  };
  return {
    reseed(h, m = '', t = '') {
      head = h;
      middle = m;
      tailColon = t + ':';
      counter = 0;
      next = 8;
    },
    uniformInt: (n: number) => uniformIntFromUint32(word, n),
  };
}

/** Uniform words derived from (key, seed); the same pair always yields the same sequence. */
export function keyedBitSource(hmac: PreparedHmacSha256, seed: string): BitSource {
  const bits = reseedableBits(hmac);
  bits.reseed(seed);
  return bits;
}
