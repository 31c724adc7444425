// Lower-case hex of the first words of a digest, as one flat string: the pseudonyms are 32 hex digits
// on every row, and per-word toString(16).padStart plus joining cost more than the hash's second block.

const DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Characters are written here and read off as one string; 8 words is a whole SHA-256 digest. */
const out = Buffer.alloc(64);

/** Hex of words[0..count) (big-endian, as (w >>> 0).toString(16).padStart(8, '0') each, joined). */
export function hexOfWords(words: Int32Array, count: number): string {
  if (!(count >= 0 && count <= 8 && count <= words.length)) throw new RangeError(`hexOfWords reads 0..8 words of the array, got ${count}`);
  for (let i = 0; i < count; i += 1) {
    const w = words[i]!;
    const at = i * 8;
    for (let j = 0; j < 8; j += 1) out[at + j] = DIGITS[(w >>> (28 - 4 * j)) & 15]!;
  }
  return out.toString('latin1', 0, count * 8);
}
