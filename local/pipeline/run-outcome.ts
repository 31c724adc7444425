// How an offline run ended, read from the state machine's final state: a run that loaded its batch, or
// a batch the ledger already holds ("already loaded as run ... on ..."), which is not a success with
// zero counts but its own outcome.
import type { RunState } from '../../lambdas/steps/run-state.js';
import { DUPLICATE_BATCH_ERROR } from '../../lambdas/handlers/lambda-errors.js';

export type RunOutcome = { kind: 'loaded' } | { kind: 'already-loaded'; message: string };

export function runOutcome(final: RunState & { error?: { Error?: string; Cause?: unknown } }): RunOutcome {
  if (final.error?.Error !== DUPLICATE_BATCH_ERROR) return { kind: 'loaded' };
  const cause = typeof final.error.Cause === 'string' ? final.error.Cause : JSON.stringify(final.error.Cause);
  // The cause is "<CODE>: <message>\n  hint: ..."; the message is what a person needs.
  const message = cause.replace(/^[A-Z_]+: /, '').split('\n')[0] ?? cause;
  return { kind: 'already-loaded', message };
}
