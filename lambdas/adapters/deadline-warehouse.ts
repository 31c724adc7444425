// A step Lambda's warehouse that will not start a database call its remaining time cannot fit. Lambda
// stops a function at its timeout (15 minutes at most) wherever it is: mid-call, with the Data API
// transaction left open until it idles out (3 minutes, holding its locks), and an error that says only
// "Task timed out". A Data API call may run for 45 s, so with less than that (and a rollback's few
// seconds) left, the step stops before the call instead: its transaction rolls back at once, and the
// error says which step, how far it got and what to do. Calls that fit run unchanged.
import { PipelineError } from '../core/errors.js';
import type { Warehouse } from '../ports.js';
import { aroundEachCall } from './around-each-call.js';

/** The longest a Data API call runs before the service cancels it. */
export const DATA_API_CALL_LIMIT_MS = 45_000;

/** Kept back at the end of the Lambda's time: one whole Data API call, and 15 s to roll back and report. */
export const DEADLINE_RESERVE_MS = DATA_API_CALL_LIMIT_MS + 15_000;

export interface Deadline {
  /** The step, for the error. */
  step: string;
  /** Milliseconds until the Lambda is stopped (its context's getRemainingTimeInMillis). */
  remainingMs(): number;
  /** @default DEADLINE_RESERVE_MS */
  reserveMs?: number;
  /** @default Date.now */
  now?: () => number;
}

// Rounded down: 59.99 s left is not 60.
const seconds = (ms: number): string => (Math.floor(ms / 100) / 10).toFixed(1);

export function deadlineWarehouse(inner: Warehouse, deadline: Deadline): Warehouse {
  const reserveMs = deadline.reserveMs ?? DEADLINE_RESERVE_MS;
  const now = deadline.now ?? Date.now;
  const started = now();
  let calls = 0;
  let slowest: { what: string; ms: number } | undefined;
  return aroundEachCall(inner, async (what, call) => {
    const left = deadline.remainingMs();
    if (left < reserveMs) {
      const done = `${calls} database call${calls === 1 ? '' : 's'} in ${seconds(now() - started)} s${slowest ? `, the slowest ${seconds(slowest.ms)} s (${slowest.what})` : ''}`;
      throw new PipelineError(
        'OUT_OF_TIME',
        `${deadline.step} stopped with ${seconds(left)} s of its Lambda's time left, before database call ${calls + 1} (${what}): ` +
          `a call may run ${seconds(DATA_API_CALL_LIMIT_MS)} s, and the Lambda would be stopped in the middle of it. ` +
          `It had made ${done}. Its transaction is rolled back, so the warehouse keeps nothing of this step.`,
        'The batch is more than one invocation of this step can finish: split it into smaller batches (docs/CLOUD.md, "How big a batch can be"), or raise the function\'s timeout if it is under 15 minutes.',
      );
    }
    const t0 = now();
    try {
      return await call();
    } finally {
      const ms = now() - t0;
      calls++;
      if (!slowest || ms > slowest.ms) slowest = { what, ms };
    }
  });
}
