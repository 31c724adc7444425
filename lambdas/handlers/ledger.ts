// Lambda entry for the batch ledger. Two callers: the state machine (register / complete, with the
// RunState) and the execution status rule (an EventBridge "Step Functions Execution Status Change"
// event for a failed, timed-out, aborted or redriven execution).
import { readLambdaSettings } from '../config.js';
import type { RunState } from '../steps/run-state.js';
import { applyLedger, sqlBatchLedger, type LedgerEvent } from '../steps/batch-ledger.js';
import { isExecutionStatusEvent, recordExecutionStatus, type ExecutionStatusEvent, type StatusOutcome } from '../steps/execution-status.js';
import { dataApiWarehouse } from './deps.js';
import { toStateMachineError } from './lambda-errors.js';

export async function handler(event: LedgerEvent): Promise<RunState>;
export async function handler(event: ExecutionStatusEvent): Promise<{ outcome: StatusOutcome }>;
export async function handler(event: LedgerEvent | ExecutionStatusEvent): Promise<RunState | { outcome: StatusOutcome }> {
  const settings = readLambdaSettings();
  const ledger = sqlBatchLedger(async () => dataApiWarehouse(settings));
  try {
    if (isExecutionStatusEvent(event)) return { outcome: await recordExecutionStatus(ledger, event) };
    return await applyLedger(ledger, event);
  } catch (e) {
    throw toStateMachineError(e);
  }
}
