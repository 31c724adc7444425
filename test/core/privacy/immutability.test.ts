// Property-style: for many generated inputs, no function of the privacy module mutates what it is given.
// Inputs are deep-frozen (any write would throw in strict-mode modules) and compared with a copy after.
import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivacyConfig } from '../../../lambdas/core/config.js';
import { isPipelineError } from '../../../lambdas/core/errors.js';
import { createRowNoise } from '../../../lambdas/core/privacy/row-noise.js';
import {
  ageBandLadder,
  createSeededRandom,
  generaliseUntilK,
  noisyMeanParts,
  planRelease,
  splitEpsilon,
  smallestClass,
  suppressSmallCells,
  zip3Ladder,
  type SeededRandom,
} from '../../../lambdas/core/privacy/index.js';
import { deepFreeze } from './stats.js';

const CASES = 100;
const BANDS = ['0-17', '18-34', '35-49', '50-64', '65-89', '90+'];

const pick = <T>(r: SeededRandom, items: readonly T[]): T => items[r.uniformInt(items.length)]!;

function generateRows(r: SeededRandom): Record<string, string>[] {
  return Array.from({ length: r.uniformInt(40) }, () => ({
    age_group: pick(r, BANDS),
    gender: pick(r, ['F', 'M', 'U']),
    zip3: pick(r, ['100', '101', '940', '606', '000']),
    state: pick(r, ['NY', 'CA', 'IL']),
    patient_id: `p${r.uniformInt(1000)}`,
  }));
}

/** Runs `check` on CASES generated inputs, each from its own seed, so a failure names a reproducible case. */
function forAll<T>(name: string, generate: (r: SeededRandom) => T, check: (input: T, r: SeededRandom) => void): void {
  for (let i = 0; i < CASES; i += 1) {
    const r = createSeededRandom(`${name}-${i}`);
    const input = generate(r);
    const before = structuredClone(input);
    deepFreeze(input);
    try {
      check(input, r);
    } catch (e) {
      // A refusal (PipelineError, e.g. BUDGET_EXCEEDED) is fine; anything else, such as the TypeError of a
      // write to a frozen object or a failed assertion, is not.
      if (!isPipelineError(e)) throw new Error(`case ${i} of ${name}: ${String(e)}`, { cause: e });
    }
    expect(input, `case ${i} of ${name}`).toEqual(before);
  }
}

describe('Function: (all privacy functions)', () => {
  it('planRelease and splitEpsilon do not mutate the ledger or weights', () => {
    forAll(
      'budget',
      (r) => ({
        ledger: Array.from({ length: r.uniformInt(12) }, () => ({ epsilon: r.uniformInt(2000) / 1000, releaseId: 'x' })),
        weights: Array.from({ length: 1 + r.uniformInt(6) }, () => 1 + r.uniformInt(5)),
      }),
      ({ ledger, weights }, r) => {
        planRelease(ledger, r.uniformInt(3) / 2, 10);
        splitEpsilon(1, weights);
      },
    );
  });

  it('smallestClass and generaliseUntilK do not mutate rows or the column list', () => {
    forAll(
      'k-anon',
      (r) => ({ rows: generateRows(r), qi: ['age_group', 'gender', 'zip3', 'state'] }),
      ({ rows, qi }, r) => {
        smallestClass(rows, qi);
        const result = generaliseUntilK(rows, {
          k: 1 + r.uniformInt(5),
          quasiIdentifiers: qi,
          ladders: [zip3Ladder(), ageBandLadder(BANDS)],
        });
        expect(result.rows.every((row) => !rows.includes(row))).toBe(true);
      },
    );
  });

  it('suppressSmallCells returns new cells and leaves the old ones alone', () => {
    forAll(
      'suppress',
      (r) =>
        Array.from({ length: r.uniformInt(10) }, (_, i) => ({
          key: { age_group: BANDS[i % BANDS.length]! },
          patients: r.uniformInt(12),
          visits: r.uniformInt(40),
        })),
      (cells, r) => {
        const out = suppressSmallCells(cells, 1 + r.uniformInt(8), { complementary: r.uniformInt(2) === 1 });
        expect(out.every((cell, i) => cell !== cells[i])).toBe(true);
      },
    );
  });

  it('noisyMeanParts and createRowNoise do not mutate inputs, config or key', () => {
    forAll(
      'mechanisms',
      (r) => ({
        input: { sumCents: r.uniformInt(10_000_000), count: r.uniformInt(500) },
        bounds: { clampCents: 500_000, maxVisitsPerPatient: 1 + r.uniformInt(5), epsilon: (1 + r.uniformInt(20)) / 10 },
        cfg: { ...defaultConfig.privacy, rowCostClamp: 1 + r.uniformInt(5000) } satisfies PrivacyConfig,
        cost: r.uniformInt(1_000_000) / 100 - 100,
      }),
      ({ input, bounds, cfg, cost }, r) => {
        const key = Uint8Array.from({ length: 32 }, () => r.uniformInt(256));
        const keyCopy = Uint8Array.from(key);
        noisyMeanParts(input, bounds, r);
        createRowNoise(key, cfg)(cost, 'visit-2');
        expect(key).toEqual(keyCopy);
      },
    );
  });
});
