import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser, rememberPseudonyms } from '../../lambdas/core/anonymize/pseudonym.js';

const key = randomBytes(32);
const pseudonym = createPseudonymiser(key);
const COMMON_NAMES = ['James Smith', 'Mary Johnson', 'John Williams', 'Patricia Brown', 'Robert Jones', 'Ana María López', 'Zoë Ng'];

describe('Function: createPseudonymiser', () => {
  it('is HMAC-SHA-256 of "domain:value" under the key, truncated to 128 bits', () => {
    for (const name of COMMON_NAMES) {
      const expected = createHmac('sha256', key).update(`name:${name}`).digest('hex').slice(0, 32);
      expect(pseudonym('name', name)).toBe(expected);
    }
  });

  it('separates domains: the same text is a different pseudonym as a patient id and a visit id', () => {
    expect(pseudonym('patient', 'P0000001')).not.toBe(pseudonym('visit', 'P0000001'));
  });

  it('cannot be reversed by a dictionary of names hashed or HMAC-ed under a wrong key', () => {
    const stored = new Set(COMMON_NAMES.map((n) => pseudonym('name', n.toLowerCase())));
    const wrongKey = randomBytes(32);
    for (const n of COMMON_NAMES.flatMap((x) => [x, x.toLowerCase()])) {
      for (const guess of [
        createHash('sha256').update(n).digest('hex'),
        createHash('sha256').update(n).digest('hex').slice(0, 32),
        createHmac('sha256', wrongKey).update(`name:${n}`).digest('hex').slice(0, 32),
      ]) {
        expect(stored.has(guess)).toBe(false);
      }
    }
  });

  it('refuses a short key', () => {
    expect(() => createPseudonymiser(new Uint8Array(16))).toThrow(/at least 32 bytes/);
  });
});

describe('Function: rememberPseudonyms', () => {
  it('computes a remembered domain once per value, other domains every time, and always gives the same answers', () => {
    const calls: string[] = [];
    const counted = (d: string, v: string) => (calls.push(`${d}:${v}`), pseudonym(d, v));
    const remembered = rememberPseudonyms(counted, ['patient'], 2);
    const asked = [['patient', 'P1'], ['patient', 'P1'], ['visit', 'V1'], ['visit', 'V1'], ['patient', 'P2'], ['patient', 'P1'], ['patient', 'P3'], ['patient', 'P1']] as const;
    expect(asked.map(([d, v]) => remembered(d, v))).toEqual(asked.map(([d, v]) => pseudonym(d, v)));
    // P3 fills the memory past its capacity of 2, so P1 is computed again after it.
    expect(calls).toEqual(['patient:P1', 'visit:V1', 'visit:V1', 'patient:P2', 'patient:P3', 'patient:P1']);
  });
});
