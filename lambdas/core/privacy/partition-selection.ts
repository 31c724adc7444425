// DP partition selection for keys that come from the data (a diagnosis nobody put in the vocabulary).
// Each patient counts towards at most ONE candidate key (the caller picks it, e.g. their first visit's),
// so the per-key patient counts have L1 sensitivity 1. A key is released when its count plus discrete
// Laplace noise of scale 1/eps reaches the threshold tau. Keys present in both neighbouring datasets are
// covered by eps; a key only the extra patient has is released with probability P(1 + X >= tau) =
// q^(tau-1) / (1 + q), q = exp(-eps), which is the delta (Korolova et al., WWW 2009; Wilson et al.,
// "Differentially Private SQL with Bounded User Contribution", PoPETs 2020; Google's and Tumult's libraries).
import { PipelineError } from '../errors.js';
import { fromMicroEpsilon, mechanismMicroEpsilon } from './epsilon.js';
import type { BitSource } from './randomness.js';
import { noisyCount, scaleFor } from './mechanisms.js';

export interface SelectionParams {
  epsilon: number;
  delta: number;
}

/** The smallest integer threshold tau >= 1 whose delta q^(tau-1)/(1+q) is at most `delta`. */
export function selectionThreshold({ epsilon, delta }: SelectionParams): number {
  if (!(delta > 0 && delta < 1)) {
    throw new PipelineError('BAD_CONFIG', `A partition selection needs 0 < delta < 1, got ${delta}.`, 'Set privacy.deltaPerRelease (default 1e-6).');
  }
  const { t, s } = scaleFor(1, fromMicroEpsilon(mechanismMicroEpsilon(epsilon, 'A partition selection')));
  const logQ = -s / t;
  const q = Math.exp(logQ);
  let tau = 1 + Math.max(0, Math.ceil(Math.log(delta * (1 + q)) / logQ));
  while (selectionDelta(tau, logQ) > delta) tau += 1;
  return tau;
}

const selectionDelta = (tau: number, logQ: number): number => Math.exp(logQ * (tau - 1)) / (1 + Math.exp(logQ));

/** One candidate key with its true count of patients who chose it (each patient at most one key). */
export interface Candidate {
  key: string;
  patients: number;
}

/** The candidates whose noisy count reaches the threshold, sorted. Visits every candidate, whatever its count. */
export function selectPartitions(candidates: readonly Candidate[], params: SelectionParams, bits: BitSource, opts?: { noNoise?: boolean }): string[] {
  const tau = selectionThreshold(params);
  return candidates
    .filter((c) => noisyCount(c.patients, params.epsilon, bits, { noNoise: opts?.noNoise }) >= tau)
    .map((c) => c.key)
    .sort();
}
