// The SQL batch ledger on each database: one run per batch, failures recorded from the execution's
// status change (failed, timed out, stopped), redrives holding the batch again, and leases that let a
// new run reclaim a batch whose run died without a word.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../lambdas/ports.js';
import { sqlBatchLedger, type BatchLedger } from '../../lambdas/steps/batch-ledger.js';
import { executionStatusEvent, recordExecutionStatus, runOfExecution, type ExecutionStatusDetail } from '../../lambdas/steps/execution-status.js';
import { migrate } from '../../lambdas/steps/migrate.js';
import type { RunInput } from '../../lambdas/steps/run-state.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { testDeps } from '../helpers/run-pipeline.js';

const LEASE = 21600;
const run = (runId: string, batch: string): RunInput => ({ runId, batchPrefix: `batches/${batch}/`, asOf: '2025-06-30' });
const statusEvent = (detail: Partial<ExecutionStatusDetail> & Pick<ExecutionStatusDetail, 'name' | 'status'>) =>
  executionStatusEvent({ input: JSON.stringify(run(detail.name, 'unused')), ...detail });

describe('Function: runOfExecution', () => {
  it.each([
    ['an S3 manifest event runs as the execution name', 'exec-1', { runId: 'event-id', manifestKey: 'batches/b7/manifest.json', eventTime: 'x' }, { runId: 'exec-1', batchKey: 'batches/b7/' }],
    ['a direct start names its run', 'exec-2', { runId: 'run-9', batchPrefix: 'batches/b9/', asOf: '2025-01-01' }, { runId: 'run-9', batchKey: 'batches/b9/' }],
    ['a batch key wins over the folder', 'exec-3', { runId: 'run-3', batchPrefix: 'batches/b3/', batchKey: 'sha256:abc' }, { runId: 'run-3', batchKey: 'sha256:abc' }],
  ])('%s', (_case, name, input, expected) => {
    expect(runOfExecution(name, JSON.stringify(input))).toEqual(expected);
  });

  it('falls back on the execution name when the input was left out of the event', () => {
    expect(runOfExecution('exec-4', null)).toEqual({ runId: 'exec-4', batchKey: '(unknown batch)' });
  });
});

describe.each(DATABASES)('SQL batch ledger on $name', (kind) => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let wh: Warehouse;
  let ledger: BatchLedger;
  const row = async (batch: string) =>
    (await wh.query<{ run_id: string; status: string; live: boolean }>('select run_id, status, lease_expires_at > now() as live from batch_ledger where batch_key = $1', [`batches/${batch}/`]))[0];
  const runRow = async (runId: string) => (await wh.query<{ status: string; error: string | null }>('select status, error from pipeline_runs where run_id = $1', [runId]))[0];
  const duplicateOf = (input: RunInput) => ledger.register(input, LEASE).then(() => 'claimed', (e: Error) => e.message);

  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db);
    wh = await deps.warehouse();
    await migrate(wh, deps.sql);
    ledger = sqlBatchLedger(async () => wh);
  });
  afterAll(async () => {
    await deps.close();
    await db.drop();
  });

  it('gives a batch to one run; another run of it is a duplicate naming the owner', async () => {
    await ledger.register(run('r1', 'one'), LEASE);
    expect(await row('one')).toEqual({ run_id: 'r1', status: 'running', live: true });
    expect(await duplicateOf(run('r2', 'one'))).toMatch(/Batch batches\/one\/ is already running by run r1/);
    await ledger.register(run('r1', 'one'), LEASE); // the same run again: a retry
    expect(await row('one')).toMatchObject({ run_id: 'r1', status: 'running' });
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED'] as const)('records a %s execution, and lets the re-dropped batch run again', async (status) => {
    const batch = `ended-${status.toLowerCase()}`;
    await ledger.register(run(`${batch}-a`, batch), LEASE);
    const outcome = await recordExecutionStatus(ledger, statusEvent({ name: `${batch}-a`, status, input: JSON.stringify(run(`${batch}-a`, batch)), error: status === 'FAILED' ? 'PipelineError' : null, cause: status === 'FAILED' ? 'DATA_TEST_FAILED: 3 rows' : null }));
    expect(outcome).toBe('failed');
    expect(await row(batch)).toEqual({ run_id: `${batch}-a`, status: 'failed', live: false });
    expect(await runRow(`${batch}-a`)).toEqual({ status: 'failed', error: status === 'FAILED' ? 'PipelineError: DATA_TEST_FAILED: 3 rows' : `States.${status}: The execution ended ${status}.` });
    expect(await duplicateOf(run(`${batch}-b`, batch))).toBe('claimed');
    expect(await row(batch)).toMatchObject({ run_id: `${batch}-b`, status: 'running' });
  });

  it('keeps on record an execution that failed before it registered', async () => {
    await recordExecutionStatus(ledger, statusEvent({ name: 'never-registered', status: 'FAILED', input: JSON.stringify(run('never-registered', 'lost')), error: 'States.Runtime', cause: 'bad input' }));
    expect(await runRow('never-registered')).toEqual({ status: 'failed', error: 'States.Runtime: bad input' });
    expect(await row('lost')).toBeUndefined();
  });

  it('does not let a late failure event undo a success', async () => {
    await ledger.register(run('done-1', 'done'), LEASE);
    await ledger.complete(run('done-1', 'done'));
    await recordExecutionStatus(ledger, statusEvent({ name: 'done-1', status: 'ABORTED', input: JSON.stringify(run('done-1', 'done')) }));
    expect(await row('done')).toMatchObject({ status: 'succeeded' });
    expect(await runRow('done-1')).toMatchObject({ status: 'succeeded' });
    expect(await duplicateOf(run('done-2', 'done'))).toMatch(/was already loaded as run done-1 on \d{4}-\d\d-\d\d/);
  });

  it('lets a new run reclaim a batch whose lease expired, and closes the dead run', async () => {
    await ledger.register(run('silent-1', 'silent'), LEASE);
    expect(await duplicateOf(run('silent-2', 'silent'))).toMatch(/already running by run silent-1/);
    await wh.query("update batch_ledger set lease_expires_at = now() - interval '1 second' where batch_key = 'batches/silent/'");
    expect(await duplicateOf(run('silent-2', 'silent'))).toBe('claimed');
    expect(await row('silent')).toEqual({ run_id: 'silent-2', status: 'running', live: true });
    expect(await runRow('silent-1')).toEqual({ status: 'failed', error: expect.stringMatching(/lease on batch batches\/silent\/ expired.*run silent-2 claimed the batch/) });
  });

  it('holds a redriven run\'s batch again for a fresh lease; an ordinary start changes nothing', async () => {
    await ledger.register(run('redo-1', 'redo'), LEASE);
    await recordExecutionStatus(ledger, statusEvent({ name: 'redo-1', status: 'FAILED', input: JSON.stringify(run('redo-1', 'redo')) }));
    expect(await recordExecutionStatus(ledger, statusEvent({ name: 'redo-1', status: 'RUNNING', redriveCount: 0 }))).toBe('ignored');
    expect(await row('redo')).toMatchObject({ status: 'failed' });
    expect(await recordExecutionStatus(ledger, statusEvent({ name: 'redo-1', status: 'RUNNING', redriveCount: 1, input: JSON.stringify(run('redo-1', 'redo')) }))).toBe('resumed');
    expect(await row('redo')).toEqual({ run_id: 'redo-1', status: 'running', live: true });
    expect(await runRow('redo-1')).toEqual({ status: 'running', error: null });
    expect(await duplicateOf(run('redo-2', 'redo'))).toMatch(/already running by run redo-1/);
  });
});
