// A step Lambda emits its operational metrics from the state its step returned, and none when the
// step failed (the AWS/Lambda Errors metric and the execution's status say that). Its warehouse (the Data
// API, mocked) starts no call that the Lambda's remaining time cannot fit.
import { BeginTransactionCommand, CommitTransactionCommand, ExecuteStatementCommand, RDSDataClient, RollbackTransactionCommand } from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PipelineError } from '../../lambdas/core/errors.js';
import { stepHandler } from '../../lambdas/handlers/step-handler.js';
import type { RunState } from '../../lambdas/steps/run-state.js';

const state: RunState = { runId: 'run-1', batchPrefix: 'batches/b1/', asOf: '2025-06-30' };
const emf = (lines: string[]) =>
  lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
const capture = () => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
  return lines;
};
afterEach(() => vi.restoreAllMocks());

const rds = mockClient(RDSDataClient);
afterEach(() => {
  rds.reset();
  vi.unstubAllEnvs();
});
/** A Data API the handler's warehouse reaches; every statement returns no rows. */
const dataApi = () => {
  vi.stubEnv('DB_CLUSTER_ARN', 'arn:aws:rds:us-east-1:000000000000:cluster:c');
  vi.stubEnv('DB_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:login');
  vi.stubEnv('DB_NAME', 'warehouse');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
  rds.on(ExecuteStatementCommand).resolves({ records: [], numberOfRecordsUpdated: 1 });
  rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });
  rds.on(RollbackTransactionCommand).resolves({ transactionStatus: 'Rollback Complete' });
};
/** A step that makes three calls in its one transaction. */
const threeCalls = stepHandler('transform', async (deps, s) => {
  const wh = await deps.warehouse();
  await wh.transaction(async (tx) => {
    for (const n of [1, 2, 3]) await tx.query(`insert into t values (${n})`);
  });
  return s;
});

describe('Function: stepHandler', () => {
  it('emits the step duration and the rows it loaded, from the returned state', async () => {
    const lines = capture();
    const out = await stepHandler('load', async (_deps, s) => ({ ...s, loaded: { staged: { patients: 2, providers: 1, visits: 5 }, ms: 3 } }))(state);
    vi.restoreAllMocks();
    expect(out.loaded?.staged.visits).toBe(5);
    const docs = emf(lines);
    expect(docs).toContainEqual(expect.objectContaining({ Step: 'load', StepDuration: expect.any(Number) }));
    expect(docs).toContainEqual(expect.objectContaining({ Entity: 'visits', RowsLoaded: 5 }));
  });

  it('emits nothing for a step that failed, and names the error for the state machine', async () => {
    const lines = capture();
    const failing = stepHandler('transform', async () => Promise.reject(new PipelineError('DATA_TEST_FAILED', '3 rows')));
    await expect(failing(state)).rejects.toMatchObject({ name: 'PipelineError' });
    vi.restoreAllMocks();
    expect(emf(lines)).toEqual([]);
  });

  it('stops before a call that would outlive the Lambda, rolls its transaction back and says so', async () => {
    dataApi();
    capture();
    const left = [600_000, 61_000, 44_000];
    const failed = threeCalls(state, { getRemainingTimeInMillis: () => left.shift() ?? 0 });
    await expect(failed).rejects.toMatchObject({ name: 'PipelineError', message: expect.stringMatching(/^OUT_OF_TIME: transform stopped with 44\.0 s of its Lambda's time left, before database call 3 \(insert into t values \(3\)\)/) });
    vi.restoreAllMocks();
    expect(rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.sql)).toEqual(['insert into t values (1)', 'insert into t values (2)']);
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(1);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
  });

  it('runs every call when the Lambda has the time, and without a context (a direct call) sets no deadline', async () => {
    dataApi();
    capture();
    await threeCalls(state, { getRemainingTimeInMillis: () => 600_000 });
    await threeCalls(state);
    vi.restoreAllMocks();
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(6);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(2);
  });
});
