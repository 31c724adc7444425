// The pseudonym key ring: the master keys (oldest first; one until the first rotation) and the
// per-purpose subkeys derived from them with HKDF. Pseudonyms start from the first master's
// 'pseudonym' subkey and are re-keyed by each later master's 'pseudonym-rekey' subkey; per-row noise
// uses the newest master's 'row-noise' subkey only, so noise and pseudonyms never share a key.
import { deriveSubkey } from '../privacy/hkdf.js';
import { createPseudonymiser, chainPseudonymisers, type Pseudonymiser } from './pseudonym.js';
import { prepareHmacSha256 } from '../privacy/hmac-sha256.js';

export interface KeyRing {
  /** Pseudonym of a value in a domain ('patient', 'visit') under the whole chain. */
  pseudonym: Pseudonymiser;
  /** Subkey of the per-row cost noise (newest master). */
  rowNoiseKey: Uint8Array;
  /** A public fingerprint of the chain (16 hex digits), recorded in the warehouse at each rotation. */
  fingerprint: string;
  /** Number of masters in the chain (1 + rotations). */
  size: number;
}

const MIN_KEY_BYTES = 32;

export function openKeyRing(masters: readonly Uint8Array[]): KeyRing {
  if (masters.length === 0) throw new RangeError('a key ring needs at least one master key');
  for (const m of masters) if (m.byteLength < MIN_KEY_BYTES) throw new RangeError(`pseudonym key must be at least ${MIN_KEY_BYTES} bytes`);
  const [first, ...later] = masters as [Uint8Array, ...Uint8Array[]];
  const newest = masters[masters.length - 1]!;
  return {
    pseudonym: chainPseudonymisers(
      createPseudonymiser(deriveSubkey(first, 'pseudonym')),
      later.map((m) => rekeyPseudonymiser(m)),
    ),
    rowNoiseKey: deriveSubkey(newest, 'row-noise'),
    fingerprint: fingerprintOf(masters),
    size: masters.length,
  };
}

/** The re-keying step a rotation to `master` applies to existing pseudonyms. */
export const rekeyPseudonymiser = (master: Uint8Array): Pseudonymiser => createPseudonymiser(deriveSubkey(master, 'pseudonym-rekey'));

/** 64 bits of a MAC over the chain length under the newest master's fingerprint subkey: names the key, reveals nothing. */
function fingerprintOf(masters: readonly Uint8Array[]): string {
  const words = prepareHmacSha256(deriveSubkey(masters[masters.length - 1]!, 'key-fingerprint')).digestWords(`chain:${masters.length}`);
  return [words[0]!, words[1]!].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}
