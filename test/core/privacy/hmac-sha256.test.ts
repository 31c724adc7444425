import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRandom, prepareHmacSha256, sha256 } from '../../../lambdas/core/privacy/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Deterministic pseudo-random bytes for test inputs. */
function bytes(seed: string, length: number): Uint8Array {
  const r = createSeededRandom(seed);
  return Uint8Array.from({ length }, () => r.uniformInt(256));
}

describe('Function: prepareHmacSha256', () => {
  it.each([
    // RFC 4231 test cases 1 and 2.
    ['0b'.repeat(20), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [Buffer.from('Jefe').toString('hex'), 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ])('matches RFC 4231 (key %s)', (keyHex, message, expected) => {
    // Prepare
    const hmac = prepareHmacSha256(Buffer.from(keyHex, 'hex'));

    // Act
    const mac = hmac.digest(message);

    // Assess
    expect(hex(mac)).toBe(expected);
  });

  it('matches node:crypto for keys of 0-150 bytes and messages of 0-300 bytes, strings and bytes', () => {
    // Prepare
    const cases = Array.from({ length: 400 }, (_, i) => ({
      key: bytes(`key-${i}`, (i * 7) % 151),
      binary: bytes(`msg-${i}`, (i * 13) % 301),
      text: `row-noise:${i % 3 === 0 ? 'ünïcødé-' : ''}${'v'.repeat((i * 11) % 120)}`,
    }));

    // Act
    const mismatches = cases.filter(({ key, binary, text }) => {
      const hmac = prepareHmacSha256(key);
      return (
        hex(hmac.digest(binary)) !== createHmac('sha256', key).update(binary).digest('hex') ||
        hex(hmac.digest(text)) !== createHmac('sha256', key).update(text).digest('hex')
      );
    });

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('reuses its words array between calls, and digest() returns fresh bytes', () => {
    // Prepare
    const hmac = prepareHmacSha256(bytes('k', 32));

    // Act
    const first = hmac.digestWords('a');
    const firstCopy = Int32Array.from(first);
    const second = hmac.digestWords('b');
    const macA = hmac.digest('a');
    const macB = hmac.digest('b');

    // Assess
    expect(second).toBe(first);
    expect(Array.from(second)).not.toEqual(Array.from(firstCopy));
    expect(macA).not.toBe(macB);
    expect(hex(macA)).toBe(Buffer.from(firstCopy.buffer).swap32().toString('hex'));
  });
});

describe('Method: digestJoinedWords', () => {
  // Parts near the one-block limit (55 bytes in all), ASCII and not, so both the fast and the long way run.
  const part = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('', ':', 'patient', 'row-noise:', 'é', '\u{1F600}', 'x'.repeat(55), 'y'.repeat(56)),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );

  it('equals createHmac over the joined parts, for random keys and parts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), part, part, part, part, (key, a, b, c, d) => {
        // Prepare
        const hmac = prepareHmacSha256(key);
        const expected = createHmac('sha256', key).update(a + b + c + d).digest('hex');

        // Act
        const words = Int32Array.from(hmac.digestJoinedWords(a, b, c, d));

        // Assess
        expect(Buffer.from(words.buffer).swap32().toString('hex')).toBe(expected);
        expect(hex(hmac.digest(a + b + c + d))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats missing parts as empty', () => {
    // Prepare
    const hmac = prepareHmacSha256(bytes('k', 32));

    // Act
    const two = Array.from(hmac.digestJoinedWords('patient', ':P1'));
    const joined = Array.from(hmac.digestWords('patient:P1'));

    // Assess
    expect(two).toEqual(joined);
  });
});

describe('Function: sha256', () => {
  it('matches node:crypto around the block boundaries', () => {
    // Prepare
    const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000];

    // Act
    const mismatches = lengths.filter((n) => {
      const message = bytes(`sha-${n}`, n);
      return hex(sha256(message)) !== createHash('sha256').update(message).digest('hex');
    });

    // Assess
    expect(mismatches).toEqual([]);
  });
});
