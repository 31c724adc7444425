// Epsilon as an integer count of micro-epsilon (1e-6). Floats do not add up exactly (0.1 * 10 is not 1),
// so the ledger and the samplers both work on integers: sums are exact and a noise scale becomes an
// exact rational. Values within 1e-12 of a micro-epsilon step are taken as that step.
import { PipelineError } from '../errors.js';

/** Micro-epsilon per unit of epsilon. */
export const MICRO_EPSILON = 1_000_000;

/** How a value between two micro-epsilon steps is rounded. */
export type EpsilonRounding = 'down' | 'up' | 'nearest';

/** Float slack, in micro-epsilon, accepted around an exact step (absorbs 0.3 * 1e6 = 299999.99999999994). */
const TOLERANCE = 1e-6;

/**
 * Epsilon as an integer number of micro-epsilon. Round 'down' for the epsilon a mechanism uses (it then
 * adds at least the noise asked for) and 'up' for what a ledger charges; both are exact for any value
 * given to 6 decimals.
 */
export function toMicroEpsilon(epsilon: number, rounding: EpsilonRounding = 'down'): number {
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new PipelineError(
      'BAD_CONFIG',
      `Epsilon must be a finite number >= 0, got ${epsilon}.`,
      'Set the privacy epsilon values (privacy.epsilonTotal, epsilonPerRelease, epsilonPerRowCost) to positive numbers.',
    );
  }
  const scaled = epsilon * MICRO_EPSILON;
  if (!Number.isSafeInteger(Math.ceil(scaled))) {
    throw new PipelineError('BAD_CONFIG', `Epsilon ${epsilon} is too large to account for.`);
  }
  switch (rounding) {
    case 'down':
      return Math.floor(scaled + TOLERANCE);
    case 'up':
      return Math.max(0, Math.ceil(scaled - TOLERANCE));
    case 'nearest':
      return Math.round(scaled);
  }
}

/** Micro-epsilon back to epsilon (exact to the printed 6 decimals). */
export function fromMicroEpsilon(micro: number): number {
  return micro / MICRO_EPSILON;
}

/** A strictly positive epsilon for a mechanism, in micro-epsilon (rounded down), or a clear error. */
export function mechanismMicroEpsilon(epsilon: number, what: string): number {
  const micro = Number.isFinite(epsilon) && epsilon > 0 ? toMicroEpsilon(epsilon, 'down') : 0;
  if (micro < 1) {
    throw new PipelineError(
      'BAD_CONFIG',
      `${what} needs an epsilon of at least 0.000001, got ${epsilon}.`,
      'Give each noisy statistic a positive share of the release epsilon (privacy.epsilonPerRelease).',
    );
  }
  return micro;
}
