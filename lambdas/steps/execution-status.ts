// How the ledger hears that an execution ended without success, or was redriven. Step Functions sends
// an "Step Functions Execution Status Change" event to EventBridge on every status change of a Standard
// execution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html); a rule passes the
// FAILED, TIMED_OUT and ABORTED ones, and the RUNNING ones of a redrive (redriveCount > 0), to the
// ledger function. Offline, the harness builds the same events. The execution input arrives as a JSON
// string (left out only when over 248 KB, which a RunInput never is).
import { PipelineError } from '../core/errors.js';
import { batchKeyOf, type BatchLedger } from './batch-ledger.js';

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** Statuses after which an execution can be redriven, and its batch must not stay 'running'. */
export const UNSUCCESSFUL_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | (typeof UNSUCCESSFUL_STATUSES)[number] | 'PENDING_REDRIVE';

/** The fields of the event's detail the ledger reads. */
export interface ExecutionStatusDetail {
  executionArn?: string;
  name: string;
  status: ExecutionStatus;
  input?: string | null;
  error?: string | null;
  cause?: string | null;
  redriveCount?: number;
}

export interface ExecutionStatusEvent {
  'detail-type': typeof EXECUTION_STATUS_CHANGE;
  source: 'aws.states';
  detail: ExecutionStatusDetail;
}

/** The event as EventBridge delivers it (the harness and tests build it the same way). */
export const executionStatusEvent = (detail: ExecutionStatusDetail): ExecutionStatusEvent => ({ 'detail-type': EXECUTION_STATUS_CHANGE, source: 'aws.states', detail });

export const isExecutionStatusEvent = (event: unknown): event is ExecutionStatusEvent =>
  typeof event === 'object' && event !== null && (event as Record<string, unknown>)['detail-type'] === EXECUTION_STATUS_CHANGE;

/**
 * The run an execution is, as the state machine's NormalizeEvent state derives it: an S3 manifest
 * event runs as the execution's name, in batches/<batchId>/; a direct start names its runId.
 */
export function runOfExecution(name: string, input: string | null | undefined): { runId: string; batchKey: string } {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = input ? (JSON.parse(input) as Record<string, unknown>) : {};
  } catch {
    // An unreadable input still names its run by the execution name.
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const manifestKey = str(parsed.manifestKey);
  if (manifestKey) return { runId: name, batchKey: `batches/${manifestKey.split('/')[1] ?? ''}/` };
  const batchPrefix = str(parsed.batchPrefix) ?? '(unknown batch)';
  return { runId: str(parsed.runId) ?? name, batchKey: batchKeyOf({ batchPrefix, ...(str(parsed.batchKey) ? { batchKey: str(parsed.batchKey) } : {}) }) };
}

export type StatusOutcome = 'failed' | 'resumed' | 'ignored';

/** Records what an execution's status change means for its batch. */
export async function recordExecutionStatus(ledger: BatchLedger, event: ExecutionStatusEvent): Promise<StatusOutcome> {
  const { detail } = event;
  if (typeof detail?.name !== 'string' || typeof detail.status !== 'string') {
    throw new PipelineError('BAD_INPUT', `An execution status event needs detail.name and detail.status; got ${JSON.stringify(detail).slice(0, 300)}.`);
  }
  const run = runOfExecution(detail.name, detail.input);
  if ((UNSUCCESSFUL_STATUSES as readonly string[]).includes(detail.status)) {
    await ledger.fail(run, { Error: detail.error ?? `States.${detail.status}`, Cause: detail.cause ?? `The execution ended ${detail.status}.` });
    return 'failed';
  }
  if (detail.status === 'RUNNING' && (detail.redriveCount ?? 0) > 0) {
    await ledger.resume(run.runId);
    return 'resumed';
  }
  return 'ignored';
}
