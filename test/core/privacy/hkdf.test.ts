import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSubkey, hkdfSha256 } from '../../../lambdas/core/privacy/hkdf.js';
import { openKeyRing, rekeyPseudonymiser } from '../../../lambdas/core/anonymize/key-ring.js';
import { createPseudonymiser } from '../../../lambdas/core/anonymize/pseudonym.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('Function: hkdfSha256', () => {
  // RFC 5869 appendix A, test cases 1, 2 and 3 (SHA-256).
  it.each([
    [
      '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
      '000102030405060708090a0b0c',
      'f0f1f2f3f4f5f6f7f8f9',
      42,
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    ],
    [
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f',
      '606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf',
      'b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
      82,
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    ],
    ['0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b', '', '', 42, '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8'],
  ])('matches RFC 5869 (ikm %s)', (ikm, salt, info, length, okm) => {
    expect(toHex(hkdfSha256(hex(ikm), hex(salt), hex(info), length))).toBe(okm);
  });

  it('agrees with node:crypto hkdfSync', () => {
    const ikm = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const salt = new TextEncoder().encode('salt');
    const info = new TextEncoder().encode('purpose:pseudonym');
    expect(toHex(hkdfSha256(ikm, salt, info, 32))).toBe(Buffer.from(hkdfSync('sha256', ikm, salt, info, 32)).toString('hex'));
  });
});

describe('Function: deriveSubkey', () => {
  const master = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

  it('gives each purpose its own 32-byte key, none equal to the master', () => {
    const keys = (['pseudonym', 'pseudonym-rekey', 'row-noise', 'key-fingerprint'] as const).map((p) => toHex(deriveSubkey(master, p)));
    expect(new Set([...keys, toHex(master)]).size).toBe(5);
    expect(keys.every((k) => k.length === 64)).toBe(true);
  });
});

describe('Function: openKeyRing', () => {
  const k0 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const k1 = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);

  it('pseudonymises under the pseudonym subkey, never under the master key itself', () => {
    const ring = openKeyRing([k0]);
    expect(ring.pseudonym('patient', 'P1')).toBe(createPseudonymiser(deriveSubkey(k0, 'pseudonym'))('patient', 'P1'));
    expect(ring.pseudonym('patient', 'P1')).not.toBe(createPseudonymiser(k0)('patient', 'P1'));
    expect(toHex(ring.rowNoiseKey)).toBe(toHex(deriveSubkey(k0, 'row-noise')));
  });

  it('re-keys pseudonyms through each later key, as rotate-key re-keys the warehouse', () => {
    const before = openKeyRing([k0]).pseudonym('visit', 'V9');
    const after = openKeyRing([k0, k1]);
    expect(after.pseudonym('visit', 'V9')).toBe(rekeyPseudonymiser(k1)('visit', before));
    expect(toHex(after.rowNoiseKey)).toBe(toHex(deriveSubkey(k1, 'row-noise')));
    expect(after.fingerprint).not.toBe(openKeyRing([k0]).fingerprint);
    expect(after.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses an empty chain and a short key', () => {
    expect(() => openKeyRing([])).toThrow(/at least one/);
    expect(() => openKeyRing([new Uint8Array(16)])).toThrow(/32 bytes/);
  });
});
