// Keyed pseudonyms: HMAC-SHA-256 under a secret key, domain-separated so a patient id and a visit id
// with the same text never share a pseudonym. Without the key, a dictionary of names recovers nothing.
import { createHmac } from 'node:crypto';

/** 128 bits of the HMAC as hex: collision-free in practice at any warehouse size. */
const PSEUDONYM_HEX_CHARS = 32;

export function createPseudonymiser(key: Uint8Array): (domain: string, value: string) => string {
  if (key.byteLength < 32) throw new RangeError('pseudonym key must be at least 32 bytes');
  return (domain, value) =>
    createHmac('sha256', key).update(`${domain}:${value}`).digest('hex').slice(0, PSEUDONYM_HEX_CHARS);
}
