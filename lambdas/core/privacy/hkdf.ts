// HKDF-SHA-256 (RFC 5869) on the repo's prepared HMAC: one master secret, one independent subkey per
// purpose. Pseudonyms and per-row noise must not share a key: a MAC computed for one purpose must never
// be a valid input or output of another, and a leak of one subkey must not give away the others.
import { prepareHmacSha256 } from './hmac-sha256.js';

/** Fixed application salt (RFC 5869 section 3.1: a non-secret salt strengthens extraction). */
const SALT = new TextEncoder().encode('health-warehouse-pipeline/hkdf-salt/v1');
const HASH_BYTES = 32;

/** What a subkey is for. Each purpose gets its own 32-byte key from the same master. */
export type KeyPurpose = 'pseudonym' | 'pseudonym-rekey' | 'row-noise' | 'key-fingerprint';

/** HKDF-SHA-256: extract a pseudorandom key from `ikm` with `salt`, expand it to `length` bytes for `info`. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 255 * HASH_BYTES) {
    throw new RangeError(`HKDF output length must be 1..${255 * HASH_BYTES} bytes, got ${length}`);
  }
  // An empty salt is a string of HashLen zeros (RFC 5869 section 2.2).
  const prk = prepareHmacSha256(salt.length > 0 ? salt : new Uint8Array(HASH_BYTES)).digest(ikm);
  const expand = prepareHmacSha256(prk);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, filled = 0; filled < length; i += 1) {
    const block = new Uint8Array(previous.length + info.length + 1);
    block.set(previous);
    block.set(info, previous.length);
    block[block.length - 1] = i;
    previous = expand.digest(block);
    out.set(previous.subarray(0, Math.min(HASH_BYTES, length - filled)), filled);
    filled += HASH_BYTES;
  }
  prk.fill(0);
  return out;
}

/** The 32-byte subkey of `master` for one purpose. */
export function deriveSubkey(master: Uint8Array, purpose: KeyPurpose): Uint8Array {
  return hkdfSha256(master, SALT, new TextEncoder().encode(`purpose:${purpose}`), HASH_BYTES);
}
