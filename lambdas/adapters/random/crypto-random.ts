// The production random source: the operating system's CSPRNG through node:crypto, read in buffered
// blocks so a sampler that needs many small draws does not pay one system call per draw.
import { randomBytes } from 'node:crypto';
import { PipelineError } from '../../core/errors.js';
import type { RandomSource } from '../../ports.js';
import {
  type BitSource,
  uniformFromUint32,
  uniformIntFromUint32,
} from '../../core/privacy/randomness.js';

/** Bytes fetched per refill. 8 KiB = 2048 words; a discrete Laplace draw uses roughly 10-20 words. */
const BLOCK_BYTES = 8192;

export interface CryptoRandomOptions {
  /** Bytes per refill (a multiple of 4). @default 8192 */
  blockBytes?: number;
}

/** A crypto-secure RandomSource that is also an exact BitSource (for the DP samplers). */
export function createCryptoRandom(options: CryptoRandomOptions = {}): RandomSource & BitSource {
  const blockBytes = options.blockBytes ?? BLOCK_BYTES;
  if (!Number.isInteger(blockBytes) || blockBytes < 4 || blockBytes % 4 !== 0) {
    throw new PipelineError('BAD_CONFIG', `blockBytes must be a positive multiple of 4, got ${blockBytes}.`);
  }
  let words = new Uint32Array(0);
  let position = 0;
  const nextUint32 = (): number => {
    if (position >= words.length) {
      const block = randomBytes(blockBytes);
      // A Uint32Array view needs a 4-byte-aligned offset; copy in the (unusual) unaligned case.
      words =
        block.byteOffset % 4 === 0
          ? new Uint32Array(block.buffer, block.byteOffset, blockBytes / 4)
          : new Uint32Array(new Uint8Array(block).buffer);
      position = 0;
    }
    const word = words[position]!;
    // Drop the word from memory once used, so a later heap dump cannot replay past draws.
    words[position] = 0;
    position += 1;
    return word;
  };
  return {
    uniform: () => uniformFromUint32(nextUint32),
    uniformInt: (n: number) => uniformIntFromUint32(nextUint32, n),
  };
}
