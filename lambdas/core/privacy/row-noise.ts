// Per-row noise for fact_visits.cost_with_privacy (the reference system's column):
//   cost_with_privacy = (c + N) / 100,  c = clamp(cost, 0, rowCostClamp) in whole cents,
//   N ~ discrete Laplace with scale (rowCostClamp * 100) / epsilonPerRowCost cents, drawn EXACTLY by the
//   rejection sampler of mechanisms.ts from a keyed DRBG seeded with (visit pseudonym, c).
// - Exact: no floating-point logarithm, so the per-row guarantee is pure epsilon-DP for that value
//   (delta = 0, under the assumption that HMAC-SHA-256 is a PRF); the earlier 53-bit float sampler had a
//   delta from its truncated, quantised tail.
// - Keyed on the value as well as the row: the same visit with the same cost always gets the same noise
//   (no averaging over reruns), but a corrected cost gets fresh noise, so two versions of a row no longer
//   reveal the exact change between them.
// - The key is the row-noise subkey (HKDF), never the pseudonym key.
import type { PrivacyConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import { prepareHmacSha256 } from './hmac-sha256.js';
import { reseedableBits } from './keyed-bits.js';
import { sampleDiscreteLaplaceRational, scaleFor } from './mechanisms.js';

const MIN_KEY_BYTES = 32;

/** Computes cost_with_privacy in dollars for many rows with one prepared key. */
export type RowNoise = (costDollars: number, rowId: string) => number;

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    throw new PipelineError(
      'BAD_CONFIG',
      `The row-noise key must be at least ${MIN_KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.length : typeof key}.`,
      'Pass the row-noise subkey of the pseudonym key (openKeyRing(...).rowNoiseKey).',
    );
  }
}

function checkRowId(rowId: string): void {
  if (typeof rowId !== 'string' || rowId.length === 0) {
    throw new PipelineError('BAD_INPUT', `A row id for per-row noise must be a non-empty string, got ${JSON.stringify(rowId)}.`);
  }
}

function clampCents(cfg: Pick<PrivacyConfig, 'rowCostClamp'>): number {
  const cents = Math.round(cfg.rowCostClamp * 100);
  if (!(Number.isSafeInteger(cents) && cents >= 1)) {
    throw new PipelineError('BAD_CONFIG', `privacy.rowCostClamp must be a positive amount in USD, got ${cfg.rowCostClamp}.`);
  }
  return cents;
}

function clampedCents(cost: number, maxCents: number): number {
  if (!Number.isFinite(cost)) throw new PipelineError('BAD_INPUT', `A visit cost must be a finite number, got ${cost}.`);
  return Math.min(maxCents, Math.max(0, Math.round(cost * 100)));
}

/** The noise scale in cents as an exact rational (sensitivity: one clamped cost). */
export function rowNoiseScale(cfg: Pick<PrivacyConfig, 'rowCostClamp' | 'epsilonPerRowCost'>): { t: number; s: number } {
  if (!(Number.isFinite(cfg.epsilonPerRowCost) && cfg.epsilonPerRowCost > 0)) {
    throw new PipelineError(
      'BAD_CONFIG',
      `privacy.epsilonPerRowCost must be a positive number, got ${cfg.epsilonPerRowCost}.`,
      'Set it to the epsilon one visit cost may leak (default 1).',
    );
  }
  return scaleFor(clampCents(cfg), cfg.epsilonPerRowCost);
}

/**
 * The per-row cost noiser. Not clamped afterwards: the result may be negative or above the clamp, which
 * keeps it unbiased for the clamped cost. `noNoise` (tests only) returns the clamped cost exactly.
 */
export function createRowNoise(
  rowNoiseKey: Uint8Array,
  cfg: Pick<PrivacyConfig, 'rowCostClamp' | 'epsilonPerRowCost' | 'noNoise'>,
): RowNoise {
  checkKey(rowNoiseKey);
  const { t, s } = rowNoiseScale(cfg);
  const maxCents = clampCents(cfg);
  if (cfg.noNoise) {
    return (cost, rowId) => {
      checkRowId(rowId);
      return clampedCents(cost, maxCents) / 100;
    };
  }
  // One bit source for all rows, reseeded with each row's seed `row-noise:${rowId}:${cents}`.
  const bits = reseedableBits(prepareHmacSha256(rowNoiseKey));
  return (cost, rowId) => {
    checkRowId(rowId);
    const cents = clampedCents(cost, maxCents);
    bits.reseed('row-noise:', rowId, `:${cents}`);
    const noise = sampleDiscreteLaplaceRational(t, s, bits);
    return (cents + noise) / 100;
  };
}
