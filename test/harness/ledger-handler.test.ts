// The ledger Lambda's two callers: the execution status rule (an EventBridge event) and the state
// machine (register / complete). The Data API is mocked: this checks what the handler sends, and that an
// event the ledger does not need never reaches the database (an auto-paused cluster stays paused).
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambdas/handlers/ledger.js';
import { executionStatusEvent } from '../../lambdas/steps/execution-status.js';

const rds = mockClient(RDSDataClient);
const sent = () => rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
const manifestInput = JSON.stringify({ runId: 'event-id', manifestKey: 'batches/b1/manifest.json', eventTime: '2025-06-30T08:00:00Z' });

beforeAll(() => {
  vi.stubEnv('DB_CLUSTER_ARN', 'arn:aws:rds:us-east-1:000000000000:cluster:c');
  vi.stubEnv('DB_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:login');
  vi.stubEnv('DB_NAME', 'warehouse');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  rds.reset();
  rds.on(ExecuteStatementCommand).resolves({ records: [], numberOfRecordsUpdated: 1 });
});

describe('Function: handler (ledger)', () => {
  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'] as const)('releases the batch of a %s execution, named as the state machine names the run', async (status) => {
    const out = await handler(executionStatusEvent({ name: 'exec-1', status, input: manifestInput, error: 'States.Timeout', cause: null }));
    expect(out).toEqual({ outcome: 'failed' });
    const [ledger, runs] = sent();
    expect(ledger?.sql).toMatch(/update batch_ledger set status = 'failed'/);
    expect(JSON.stringify(ledger?.parameters)).toContain('"exec-1"');
    expect(runs?.sql).toMatch(/insert into pipeline_runs/);
    expect(JSON.stringify(runs?.parameters)).toContain('"batches/b1/"');
  });

  it('holds the batch again when the execution is redriven', async () => {
    expect(await handler(executionStatusEvent({ name: 'exec-1', status: 'RUNNING', redriveCount: 1, input: manifestInput }))).toEqual({ outcome: 'resumed' });
    expect(sent()[0]?.sql).toMatch(/update batch_ledger set status = 'running'/);
  });

  it('ignores a first start without calling the database', async () => {
    expect(await handler(executionStatusEvent({ name: 'exec-1', status: 'RUNNING', redriveCount: 0, input: manifestInput }))).toEqual({ outcome: 'ignored' });
    expect(sent()).toEqual([]);
  });

  it('still answers the state machine\'s register, with the lease it was given', async () => {
    rds.on(ExecuteStatementCommand).resolves({ records: [[{ stringValue: 'run-1' }, { stringValue: 'run-1' }, { stringValue: 'running' }]], columnMetadata: [{ name: 'claimed', typeName: 'text' }, { name: 'owner', typeName: 'text' }, { name: 'owner_status', typeName: 'text' }] });
    const state = { runId: 'run-1', batchPrefix: 'batches/b1/', asOf: '2025-06-30' };
    expect(await handler({ action: 'register', leaseSeconds: 21600, state })).toEqual(state);
    expect(JSON.stringify(sent()[0]?.parameters)).toContain('21600');
  });
});
