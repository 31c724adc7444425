// Backoff for the Data API's transient failures: an auto-paused (0 ACU) cluster answers the first call
// with DatabaseResumingException for ~15-30 s, and bursts may be throttled.
import { PipelineError } from '../../core/errors.js';

export const TRANSIENT_DATA_API_ERRORS: readonly string[] = [
  'DatabaseResumingException',
  'DatabaseUnavailableException',
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
];

export interface RetryPolicy {
  /** Attempts in all, including the first. @default 8 */
  attempts: number;
  /** First pause; doubles each attempt, with full jitter. @default 500 ms */
  baseDelayMs: number;
  /** Longest single pause. @default 10 000 ms */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 10_000 };

export const isTransient = (e: unknown): boolean => TRANSIENT_DATA_API_ERRORS.includes((e as { name?: string })?.name ?? '');

export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isTransient(e)) throw e;
      if (attempt >= policy.attempts) {
        throw new PipelineError(
          'DB_UNREACHABLE',
          `The Data API still answered ${(e as Error).name} after ${attempt} attempts.`,
          'The cluster may be resuming from 0 ACU or throttled; the state machine retries this step (TransientError).',
          { cause: e },
        );
      }
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
}
