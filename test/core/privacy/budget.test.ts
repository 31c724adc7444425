import { describe, expect, it } from 'vitest';
import { isPipelineError, type PipelineError } from '../../../lambdas/core/errors.js';
import {
  planRelease,
  remainingBudget,
  splitEpsilon,
  toMicroEpsilon,
} from '../../../lambdas/core/privacy/index.js';

const ledgerOf = (...epsilons: number[]) => epsilons.map((epsilon) => ({ epsilon }));

/** Runs fn and returns the PipelineError it throws. */
function thrown(fn: () => unknown): PipelineError {
  try {
    fn();
  } catch (e) {
    if (isPipelineError(e)) return e;
    throw e;
  }
  throw new Error('expected a PipelineError');
}

describe('Function: planRelease', () => {
  it.each([
    { ledger: [], request: 1, total: 10, cumulative: 1, remaining: 9 },
    { ledger: [1, 1], request: 1, total: 10, cumulative: 3, remaining: 7 },
    { ledger: [0.1, 0.2], request: 0.3, total: 1, cumulative: 0.6, remaining: 0.4 },
    // Nine floats of 0.1 add up to 0.8999999999999999; in micro-epsilon they are exactly 0.9.
    { ledger: Array<number>(9).fill(0.1), request: 0.1, total: 1, cumulative: 1, remaining: 0 },
    { ledger: [9], request: 1, total: 10, cumulative: 10, remaining: 0 },
  ])('ledger $ledger + $request of $total -> cumulative $cumulative', ({ ledger, request, total, cumulative, remaining }) => {
    // Act
    const plan = planRelease(ledgerOf(...ledger), request, total);

    // Assess
    expect(plan.cumulative).toBe(cumulative);
    expect(plan.remaining).toBe(remaining);
    expect(plan.spent + plan.requested).toBeCloseTo(plan.cumulative, 12);
  });

  it('refuses a release that would pass the total, naming requested, spent and total, with a hint', () => {
    // Prepare
    const ledger = ledgerOf(...Array<number>(10).fill(0.95));

    // Act
    const error = thrown(() => planRelease(ledger, 1, 10));

    // Assess
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.message).toMatch(/requests epsilon 1\b/);
    expect(error.message).toMatch(/9\.5 of the total 10 is already spent/);
    expect(error.message).toMatch(/leaving 0\.5/);
    expect(error.hint).toMatch(/epsilonTotal/);
    expect(error.hint).toMatch(/epsilonPerRelease/);
  });

  it('refuses one micro-epsilon over the total', () => {
    // Act / Assess
    expect(thrown(() => planRelease(ledgerOf(0.5), 0.500001, 1)).code).toBe('BUDGET_EXCEEDED');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a request of %s', (request) => {
    // Act / Assess
    expect(thrown(() => planRelease([], request, 10)).code).toBe('BAD_CONFIG');
  });

  it('rejects a corrupt ledger entry', () => {
    // Act / Assess
    expect(thrown(() => planRelease(ledgerOf(1, -0.5), 1, 10)).message).toMatch(/entry 1/);
  });
});

describe('Function: remainingBudget', () => {
  it('is the total minus the ledger, never negative', () => {
    // Act / Assess
    expect(remainingBudget(ledgerOf(0.1, 0.2), 1)).toBe(0.7);
    expect(remainingBudget(ledgerOf(5, 6), 10)).toBe(0);
  });
});

describe('Function: splitEpsilon', () => {
  it.each([
    { epsilon: 1, weights: [1, 1, 1], parts: [0.333333, 0.333333, 0.333334] },
    { epsilon: 1, weights: [3, 1], parts: [0.75, 0.25] },
    { epsilon: 0.7, weights: [1, 1, 1, 1, 1, 1, 1], parts: Array<number>(7).fill(0.1) },
  ])('splits $epsilon by $weights', ({ epsilon, weights, parts }) => {
    // Act
    const result = splitEpsilon(epsilon, weights);

    // Assess: exact parts, adding up to epsilon in micro-epsilon.
    expect(result).toEqual(parts);
    expect(result.reduce((sum, p) => sum + toMicroEpsilon(p, 'nearest'), 0)).toBe(toMicroEpsilon(epsilon));
  });

  it('refuses to make a zero part', () => {
    // Act / Assess
    expect(() => splitEpsilon(0.000002, [1, 1, 1])).toThrow(/too small/);
    expect(() => splitEpsilon(1, [])).toThrow(/weights/);
  });
});

describe('Function: toMicroEpsilon', () => {
  it.each([
    [0.3, 'down', 300_000],
    [0.3, 'up', 300_000],
    [1 / 3, 'down', 333_333],
    [1 / 3, 'up', 333_334],
    [0.1 + 0.2, 'down', 300_000],
    [0, 'up', 0],
  ] as const)('%s rounded %s is %s', (epsilon, rounding, micro) => {
    // Act / Assess
    expect(toMicroEpsilon(epsilon, rounding)).toBe(micro);
  });

  it('rejects negative and non-finite values', () => {
    // Act / Assess
    expect(() => toMicroEpsilon(-1)).toThrow(/>= 0/);
    expect(() => toMicroEpsilon(Number.NaN)).toThrow(/finite/);
  });
});
