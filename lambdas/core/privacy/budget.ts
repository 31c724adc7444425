// The privacy budget ledger's arithmetic. Storage (an append-only table) is elsewhere; this decides
// whether a release fits and what the ledger will say after it. Under sequential composition the epsilons
// of all releases over the same data add up, so the sum must never pass the total.
import { PipelineError } from '../errors.js';
import { fromMicroEpsilon, toMicroEpsilon } from './epsilon.js';

/** What a release would leave behind. All values in epsilon, exact to 6 decimals. */
export interface ReleasePlan {
  /** Epsilon already spent by the ledger's releases. */
  spent: number;
  /** Epsilon this release is charged (the request rounded up to a micro-epsilon). */
  requested: number;
  /** spent + requested: the ledger's cumulative value after this release. */
  cumulative: number;
  /** total - cumulative. */
  remaining: number;
}

function spentMicro(ledger: readonly { readonly epsilon: number }[]): number {
  let sum = 0;
  for (const [i, entry] of ledger.entries()) {
    if (!Number.isFinite(entry.epsilon) || entry.epsilon < 0) {
      throw new PipelineError(
        'BAD_INPUT',
        `Budget ledger entry ${i} has epsilon ${entry.epsilon}; every entry must be a finite number >= 0.`,
        'The ledger is append-only: investigate how the entry was written rather than editing it.',
      );
    }
    sum += toMicroEpsilon(entry.epsilon, 'nearest');
  }
  return sum;
}

const fmt = (micro: number): string => String(fromMicroEpsilon(micro));

/**
 * Plans a release of `request` epsilon against a ledger and a total budget. Sums are taken in integer
 * micro-epsilon, so ten releases of 0.1 exactly fill a total of 1. The request is charged rounded up and
 * the total rounded down to a micro-epsilon. Throws BUDGET_EXCEEDED when spent + request > total.
 */
export function planRelease(
  ledger: readonly { readonly epsilon: number }[],
  request: number,
  total: number,
): ReleasePlan {
  if (!Number.isFinite(request) || request <= 0) {
    throw new PipelineError(
      'BAD_CONFIG',
      `A release must request a positive epsilon, got ${request}.`,
      'Set privacy.epsilonPerRelease to a positive number (default 1).',
    );
  }
  if (!Number.isFinite(total) || total <= 0) {
    throw new PipelineError(
      'BAD_CONFIG',
      `The total privacy budget must be a positive number, got ${total}.`,
      'Set privacy.epsilonTotal (default 10).',
    );
  }
  const spent = spentMicro(ledger);
  const requested = toMicroEpsilon(request, 'up');
  const totalMicro = toMicroEpsilon(total, 'down');
  const cumulative = spent + requested;
  if (cumulative > totalMicro) {
    throw new PipelineError(
      'BUDGET_EXCEEDED',
      `Privacy budget exceeded: this release requests epsilon ${fmt(requested)}, ` +
        `${fmt(spent)} of the total ${fmt(totalMicro)} is already spent over ${ledger.length} release(s), ` +
        `leaving ${fmt(Math.max(0, totalMicro - spent))}.`,
      'Keep serving the last published snapshot. To release again, lower privacy.epsilonPerRelease to at most ' +
        'the remaining budget, or raise privacy.epsilonTotal only if your privacy policy allows a larger total, ' +
        'or wait for the next budget period your policy defines (a new ledger over new data).',
    );
  }
  return {
    spent: fromMicroEpsilon(spent),
    requested: fromMicroEpsilon(requested),
    cumulative: fromMicroEpsilon(cumulative),
    remaining: fromMicroEpsilon(totalMicro - cumulative),
  };
}

/** Epsilon left in the budget (never negative). */
export function remainingBudget(ledger: readonly { readonly epsilon: number }[], total: number): number {
  return fromMicroEpsilon(Math.max(0, toMicroEpsilon(total, 'down') - spentMicro(ledger)));
}

/**
 * Splits epsilon between statistics in proportion to weights, in whole micro-epsilon, the parts adding
 * up exactly to epsilon (rounded down to a micro-epsilon): part i is the difference of the rounded-down
 * cumulative shares, so no rounding is lost or double-counted. Throws when a part would be zero.
 */
export function splitEpsilon(epsilon: number, weights: readonly number[]): number[] {
  if (weights.length === 0 || weights.some((w) => !Number.isFinite(w) || w <= 0)) {
    throw new PipelineError('BAD_INPUT', `splitEpsilon needs one or more positive weights, got [${weights.join(', ')}].`);
  }
  const micro = toMicroEpsilon(epsilon, 'down');
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const parts: number[] = [];
  let weightSoFar = 0;
  let previous = 0;
  for (const [i, w] of weights.entries()) {
    weightSoFar += w;
    const cumulative = i === weights.length - 1 ? micro : Math.min(micro, Math.floor((micro * weightSoFar) / totalWeight));
    parts.push(Math.max(0, cumulative - previous));
    previous = Math.max(previous, cumulative);
  }
  if (parts.some((p) => p < 1)) {
    throw new PipelineError(
      'BAD_CONFIG',
      `Epsilon ${epsilon} is too small to split ${weights.length} ways.`,
      'Raise privacy.epsilonPerRelease or publish fewer tables.',
    );
  }
  return parts.map(fromMicroEpsilon);
}

/** Delta as an integer count of 1e-12 (exact sums for the deltas releases use, 1e-6 and the like). */
const PICO = 1e12;
const toPico = (delta: number): number => Math.round(delta * PICO);

/**
 * Checks a release's delta against the total the way planRelease checks epsilon: in exact integer units
 * (1e-12), so ten releases of 1e-6 fill a total of 1e-5. Throws BUDGET_EXCEEDED when the total would be passed.
 */
export function planDelta(spent: number, request: number, total: number): { cumulative: number; remaining: number } {
  if (!(Number.isFinite(request) && request >= 0) || !(Number.isFinite(total) && total >= 0)) {
    throw new PipelineError('BAD_CONFIG', `Delta must be a finite number >= 0, got request ${request}, total ${total}.`, 'Set privacy.deltaPerRelease and privacy.deltaTotal.');
  }
  const cumulative = toPico(spent) + toPico(request);
  if (cumulative > toPico(total)) {
    throw new PipelineError(
      'BUDGET_EXCEEDED',
      `Privacy budget exceeded: this release requests delta ${request}, ${spent} of the total delta ${total} is already spent.`,
      'Keep serving the last published snapshot. Lower privacy.deltaPerRelease, or raise the total with npm run privacy-budget only if your policy allows.',
    );
  }
  return { cumulative: cumulative / PICO, remaining: (toPico(total) - cumulative) / PICO };
}
