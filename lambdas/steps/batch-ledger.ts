// Exactly one run per batch. Step Functions calls the ledger first (register), last (complete) and from
// its Catch (fail). EventBridge delivers at least once and operators re-drop manifests, so:
//   - a batch nobody claimed is claimed by this run (status 'running');
//   - the same run claiming again while it runs (a state retry or a redrive) is allowed;
//   - a batch whose last run failed may be claimed by a new run (re-drop the manifest to retry it);
//   - a batch that succeeded is done: any claim, even by the same run, is a DUPLICATE_BATCH ("already
//     loaded as run ... on ..."), which the state machine ends quietly and the CLI reports as such;
//   - any other claim is a DUPLICATE_BATCH too.
// The same code runs on Aurora (Data API), Postgres and PGlite; the harness has an in-memory twin.
import { PipelineError } from '../core/errors.js';
import type { Sql } from '../ports.js';
import type { RunState } from './run-state.js';

export interface BatchLedger {
  register(state: RunState): Promise<void>;
  complete(state: RunState): Promise<void>;
  fail(state: RunState, error: { Error?: string; Cause?: string }): Promise<void>;
}

export type LedgerAction = 'register' | 'complete' | 'fail';

/** The ledger function's event: what to record, and the run it concerns. */
export interface LedgerEvent {
  action: LedgerAction;
  state: RunState & { error?: { Error?: string; Cause?: string } };
}

export async function applyLedger(ledger: BatchLedger, event: LedgerEvent): Promise<RunState> {
  const { error, ...state } = event.state;
  if (event.action === 'register') await ledger.register(state);
  else if (event.action === 'complete') await ledger.complete(state);
  else if (event.action === 'fail') await ledger.fail(state, error ?? {});
  else throw new PipelineError('BAD_INPUT', `Unknown ledger action ${JSON.stringify(event.action)}.`, 'Use register, complete or fail.');
  return event.state;
}

/** The ledger's key of a run's batch: the batch folder in the cloud, a digest of the files offline. */
export const batchKeyOf = (state: RunState): string => state.batchKey ?? state.batchPrefix;

const duplicate = (batchKey: string, owner: { runId?: string; status?: string; at?: string } | undefined): PipelineError =>
  new PipelineError(
    'DUPLICATE_BATCH',
    owner?.status === 'succeeded'
      ? `Batch ${batchKey} was already loaded as run ${owner.runId ?? '?'} on ${owner.at ?? '?'}; this run changed nothing.`
      : `Batch ${batchKey} is already ${owner?.status ?? 'claimed'} by run ${owner?.runId ?? '?'}; this run changed nothing.`,
    'To load the same files again, upload them under a new batch id. A failed batch is retried by dropping its manifest again or redriving the execution.',
  );

export function sqlBatchLedger(sql: () => Promise<Sql>): BatchLedger {
  return {
    async register(state) {
      const db = await sql();
      const claimed = await db.query(
        `insert into batch_ledger (batch_key, run_id, status) values ($1, $2, 'running')
         on conflict (batch_key) do update set run_id = excluded.run_id, status = 'running', updated_at = now()
           where batch_ledger.status = 'failed' or (batch_ledger.run_id = excluded.run_id and batch_ledger.status = 'running')
         returning run_id`,
        [batchKeyOf(state), state.runId],
      );
      if (claimed.length === 0) {
        const [owner] = await db.query<{ run_id: string; status: string; at: string }>(
          `select run_id, status, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') as at from batch_ledger where batch_key = $1`,
          [batchKeyOf(state)],
        );
        throw duplicate(batchKeyOf(state), owner && { runId: owner.run_id, status: owner.status, at: owner.at });
      }
      await db.query(
        `insert into pipeline_runs (run_id, batch_key, status) values ($1, $2, 'running')
         on conflict (run_id) do update set status = 'running', finished_at = null, error = null`,
        [state.runId, batchKeyOf(state)],
      );
    },
    async complete(state) {
      const db = await sql();
      await db.query(`update batch_ledger set status = 'succeeded', updated_at = now() where batch_key = $1 and run_id = $2`, [batchKeyOf(state), state.runId]);
      await db.query(`update pipeline_runs set status = 'succeeded', finished_at = now(), counts = $2::jsonb where run_id = $1`, [state.runId, JSON.stringify(runCounts(state))]);
    },
    async fail(state, error) {
      const db = await sql();
      const text = [error.Error, error.Cause].filter(Boolean).join(': ').slice(0, 4000);
      await db.query(`update batch_ledger set status = 'failed', updated_at = now() where batch_key = $1 and run_id = $2`, [batchKeyOf(state), state.runId]);
      await db.query(`update pipeline_runs set status = 'failed', finished_at = now(), error = $2 where run_id = $1`, [state.runId, text || 'unknown error']);
    },
  };
}

/** In-memory ledger for offline runs without a database, and for tests. */
export function memoryBatchLedger(): BatchLedger & { readonly entries: Map<string, { runId: string; status: string }> } {
  const entries = new Map<string, { runId: string; status: string }>();
  return {
    entries,
    async register(state) {
      const key = batchKeyOf(state);
      const owner = entries.get(key);
      const mayClaim = !owner || owner.status === 'failed' || (owner.runId === state.runId && owner.status === 'running');
      if (!mayClaim) throw duplicate(key, owner);
      entries.set(key, { runId: state.runId, status: 'running' });
    },
    async complete(state) {
      const key = batchKeyOf(state);
      if (entries.get(key)?.runId === state.runId) entries.set(key, { runId: state.runId, status: 'succeeded' });
    },
    async fail(state) {
      const key = batchKeyOf(state);
      if (entries.get(key)?.runId === state.runId) entries.set(key, { runId: state.runId, status: 'failed' });
    },
  };
}

function runCounts(state: RunState): Record<string, unknown> {
  return {
    anonymized: state.anonymized?.counts,
    staged: state.loaded?.staged,
    warehouseQuarantined: state.transformed?.quarantined,
    found: state.transformed?.found,
    added: state.transformed?.added,
    tables: state.transformed?.tables,
    releaseId: state.privatized?.releaseId,
  };
}
