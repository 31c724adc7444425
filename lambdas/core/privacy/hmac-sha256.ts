// HMAC-SHA-256 (RFC 2104, FIPS 180-4) in plain TypeScript, with the key's inner and outer pad blocks
// hashed once. For the short messages of per-row noise this is two compressions per call and no native
// call, which is several times faster than node:crypto.createHmac per row (about 5 us on Node 20).
// Its output is checked against node:crypto in test/core/privacy/hmac-sha256.test.ts. Native ways of
// keeping the pad states were measured and are slower still per call (Node 20, 2026): Hash.copy() of
// the keyed inner and outer states about 4.5 us, two one-shot crypto.hash() calls about 1.5 us, this
// about 0.7 us; each native call costs more than the two compressions it saves.

/** SHA-256 round constants: first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash value: first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const BLOCK = 64;

/** One SHA-256 compression: updates `h` (8 words) with the block whose first 16 words are in `w`. */
function compress(h: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t += 1) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let t = 0; t < 64; t += 1) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[t]! + w[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** Loads 16 big-endian words of `bytes` at `offset` into `w`. */
function loadBlock(w: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i += 1) {
    const o = offset + i * 4;
    w[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
}

/**
 * Pads `bytes[0..length)` in place (the array must have 72 spare bytes) and hashes it on top of `h`,
 * which has already absorbed `prefixBytes` bytes. The digest is left in `h`.
 */
function absorbFinal(h: Int32Array, w: Int32Array, bytes: Uint8Array, length: number, prefixBytes: number): void {
  // Padding: 0x80, zeros, then the 64-bit big-endian bit length of everything hashed.
  const padded = Math.ceil((length + 9) / BLOCK) * BLOCK;
  bytes[length] = 0x80;
  bytes.fill(0, length + 1, padded - 8);
  const bitLength = (length + prefixBytes) * 8;
  const high = Math.floor(bitLength / 2 ** 32);
  const low = bitLength >>> 0;
  bytes[padded - 8] = high >>> 24;
  bytes[padded - 7] = (high >>> 16) & 0xff;
  bytes[padded - 6] = (high >>> 8) & 0xff;
  bytes[padded - 5] = high & 0xff;
  bytes[padded - 4] = low >>> 24;
  bytes[padded - 3] = (low >>> 16) & 0xff;
  bytes[padded - 2] = (low >>> 8) & 0xff;
  bytes[padded - 1] = low & 0xff;
  for (let offset = 0; offset < padded; offset += BLOCK) {
    loadBlock(w, bytes, offset);
    compress(h, w);
  }
}

function wordsToBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i += 1) {
    const v = h[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
  return out;
}

/** SHA-256 of a byte string (used for HMAC keys longer than one block). */
export function sha256(message: Uint8Array): Uint8Array {
  const h = Int32Array.from(IV);
  const w = new Int32Array(64);
  const buf = new Uint8Array(Math.ceil((message.length + 9) / BLOCK) * BLOCK);
  buf.set(message);
  absorbFinal(h, w, buf, message.length, 0);
  return wordsToBytes(h);
}

/** Longest message that fits one block with its padding and length. */
const ONE_BLOCK_MESSAGE = BLOCK - 9;

/**
 * Writes the ASCII string `s` into `block` at `at` and returns where it ends; -1 when `at` is already
 * -1, `s` is not ASCII, or the message would not fit one block (the caller then takes the long way).
 */
function putAscii(block: Uint8Array, at: number, s: string): number {
  if (at < 0 || at + s.length > ONE_BLOCK_MESSAGE) return -1;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    block[at + i] = c;
  }
  return at + s.length;
}

/** A key prepared once, hashing many messages. */
export interface PreparedHmacSha256 {
  /** The 32-byte MAC of `message` (strings are UTF-8 encoded). A fresh array each call. */
  digest(message: string | Uint8Array): Uint8Array;
  /**
   * The MAC as 8 big-endian 32-bit words (signed Int32). The returned array is reused and overwritten
   * by the next call: read what you need before calling again.
   */
  digestWords(message: string | Uint8Array): Int32Array;
  /**
   * digestWords(a + b + c + d), without building the string: the row path's messages are a few parts
   * (a domain, an id, a counter) and joining them costs more than hashing them when they fit one block.
   */
  digestJoinedWords(a: string, b: string, c?: string, d?: string): Int32Array;
}

const encoder = new TextEncoder();

/** Prepares HMAC-SHA-256 for `key` (any length; keys over 64 bytes are hashed first, per RFC 2104). */
export function prepareHmacSha256(key: Uint8Array): PreparedHmacSha256 {
  const w = new Int32Array(64);
  const keyBlock = new Uint8Array(BLOCK);
  keyBlock.set(key.length > BLOCK ? sha256(key) : key);
  const pad = new Uint8Array(BLOCK);
  const innerState = Int32Array.from(IV);
  const outerState = Int32Array.from(IV);
  for (let i = 0; i < BLOCK; i += 1) pad[i] = keyBlock[i]! ^ 0x36;
  loadBlock(w, pad, 0);
  compress(innerState, w);
  for (let i = 0; i < BLOCK; i += 1) pad[i] = keyBlock[i]! ^ 0x5c;
  loadBlock(w, pad, 0);
  compress(outerState, w);
  keyBlock.fill(0);
  pad.fill(0);

  const h = new Int32Array(8);
  let buf = new Uint8Array(256);

  /** Writes the message's bytes into `buf` (grown when needed) and returns their count. */
  const load = (message: string | Uint8Array): number => {
    if (typeof message !== 'string') {
      if (buf.length < message.length + 72) buf = new Uint8Array(message.length * 2 + 72);
      buf.set(message);
      return message.length;
    }
    const n = message.length;
    // ASCII fast path; anything else goes through TextEncoder.
    if (buf.length >= n + 72) {
      let i = 0;
      for (; i < n; i += 1) {
        const c = message.charCodeAt(i);
        if (c > 0x7f) break;
        buf[i] = c;
      }
      if (i === n) return n;
    }
    const encoded = encoder.encode(message);
    if (buf.length < encoded.length + 72) buf = new Uint8Array(encoded.length * 2 + 72);
    buf.set(encoded);
    return encoded.length;
  };

  /** The message bytes of a single-block message, written part by part (see putAscii). */
  const block = new Uint8Array(BLOCK);

  /** Inner hash of the `n` message bytes in `block` (n <= 55): padding, length, one compression. */
  const innerOfBlock = (n: number): void => {
    block[n] = 0x80;
    block.fill(0, n + 1, BLOCK - 4);
    const bits = (n + BLOCK) * 8;
    block[BLOCK - 4] = bits >>> 24;
    block[BLOCK - 3] = (bits >>> 16) & 0xff;
    block[BLOCK - 2] = (bits >>> 8) & 0xff;
    block[BLOCK - 1] = bits & 0xff;
    loadBlock(w, block, 0);
    h.set(innerState);
    compress(h, w);
  };

  /** Outer hash: one block holding the 32-byte inner digest, padding, and the length 96 * 8 bits. */
  const outer = (): Int32Array => {
    for (let i = 0; i < 8; i += 1) w[i] = h[i]!;
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = (BLOCK + 32) * 8;
    h.set(outerState);
    compress(h, w);
    return h;
  };

  const digestWords = (message: string | Uint8Array): Int32Array => {
    const n = typeof message === 'string' ? putAscii(block, 0, message) : -1;
    if (n >= 0) innerOfBlock(n);
    else {
      const length = load(message);
      h.set(innerState);
      absorbFinal(h, w, buf, length, BLOCK);
    }
    return outer();
  };

  const digestJoinedWords = (a: string, b: string, c = '', d = ''): Int32Array => {
    const n = putAscii(block, putAscii(block, putAscii(block, putAscii(block, 0, a), b), c), d);
    if (n < 0) return digestWords(a + b + c + d);
    innerOfBlock(n);
    return outer();
  };

  return {
    digestWords,
    digestJoinedWords,
    digest: (message) => wordsToBytes(digestWords(message)),
  };
}
