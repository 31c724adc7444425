// Lambda entry for the batch ledger (register / complete / fail), called by the state machine.
import { readLambdaSettings } from '../config.js';
import type { RunState } from '../steps/run-state.js';
import { applyLedger, sqlBatchLedger, type LedgerEvent } from '../steps/batch-ledger.js';
import { dataApiWarehouse } from './deps.js';
import { toStateMachineError } from './lambda-errors.js';

export async function handler(event: LedgerEvent): Promise<RunState> {
  const settings = readLambdaSettings();
  try {
    return await applyLedger(sqlBatchLedger(async () => dataApiWarehouse(settings)), event);
  } catch (e) {
    throw toStateMachineError(e);
  }
}
