// How a failure leaves a Lambda (and the local harness): Step Functions matches Retry and Catch on the
// error *name*, so the name says what the state machine should do about it.
//   TransientError  retried with backoff (database resuming, throttling, S3 slow-down)
//   DuplicateBatch  the batch is already claimed by another run: the execution ends quietly
//   PipelineError   anything else: recorded as a failed run, then the execution fails
import { isPipelineError } from '../core/errors.js';

export const TRANSIENT_ERROR = 'TransientError';
export const DUPLICATE_BATCH_ERROR = 'DuplicateBatch';

const TRANSIENT_AWS_ERRORS = new Set(['SlowDown', 'ThrottlingException', 'RequestTimeout', 'ServiceUnavailable', 'InternalError', 'TimeoutError']);

export function toStateMachineError(e: unknown): Error {
  if (isPipelineError(e)) {
    const name = e.code === 'DB_UNREACHABLE' || e.code === 'WAREHOUSE_BUSY' ? TRANSIENT_ERROR : e.code === 'DUPLICATE_BATCH' ? DUPLICATE_BATCH_ERROR : 'PipelineError';
    return named(name, `${e.code}: ${e.describe()}`, e);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const retryable = (err as { $retryable?: unknown }).$retryable !== undefined || TRANSIENT_AWS_ERRORS.has(err.name);
  return retryable ? named(TRANSIENT_ERROR, `${err.name}: ${err.message}`, err) : err;
}

function named(name: string, message: string, cause: unknown): Error {
  const error = new Error(message, { cause });
  error.name = name;
  return error;
}
