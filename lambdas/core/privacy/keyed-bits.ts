// A keyed, deterministic BitSource: HMAC-SHA-256(key, seed + ':' + counter) read as 32-bit words, a
// counter-mode DRBG in the manner of NIST SP 800-108's KDF in counter mode. The exact samplers in
// randomness.ts and mechanisms.ts run on it unchanged, so per-row noise can be exactly discrete Laplace
// and still be the same on every rerun, unpredictable without the key.
import type { PreparedHmacSha256 } from './hmac-sha256.js';
import { type BitSource, uniformIntFromUint32 } from './randomness.js';

/** Uniform words derived from (key, seed); the same pair always yields the same sequence. */
export function keyedBitSource(hmac: PreparedHmacSha256, seed: string): BitSource {
  const words = new Int32Array(8);
  let counter = 0;
  let next = 8;
  const word = (): number => {
    if (next === 8) {
      words.set(hmac.digestWords(`${seed}:${counter}`));
      counter += 1;
      next = 0;
    }
    const w = words[next]!;
    next += 1;
    return w >>> 0;
  };
  return { uniformInt: (n: number) => uniformIntFromUint32(word, n) };
}
