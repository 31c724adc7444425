// Exactly one run per batch. The state machine calls the ledger first (register) and last (complete);
// a run that ends any other way (a step failed after its retries, the execution timed out or was
// stopped) is recorded from the execution's status change (execution-status.ts), never from inside the
// execution, so the failed step stays the one a redrive restarts. EventBridge delivers at least once and
// operators re-drop manifests, so:
//   - a batch nobody claimed is claimed by this run (status 'running', for one lease);
//   - the same run claiming again while it runs (a state retry) is allowed;
//   - a batch whose last run failed, or whose lease expired (its run died silently), may be claimed
//     by a new run: re-drop the manifest to run it again;
//   - a batch that succeeded is done: any claim, even by the run that loaded it, is a DUPLICATE_BATCH
//     ("already loaded as run ... on ..."), which the state machine ends quietly and the CLI reports;
//   - any other claim is a DUPLICATE_BATCH too.
// The lease lasts as long as an execution may (the state machine's TimeoutSeconds, which the definition
// passes to register), so a live run never loses its batch. The same code runs on Aurora (Data API),
// Postgres and PGlite; memoryBatchLedger is its in-memory twin for tests without a database.
import { PipelineError } from '../core/errors.js';
import type { Sql } from '../ports.js';
import type { RunState } from './run-state.js';

/** Why a run ended without success: the Step Functions error name and cause. */
export interface RunError {
  Error?: string | null;
  Cause?: string | null;
}

export interface BatchLedger {
  /** Claims the run's batch for leaseSeconds, or throws DUPLICATE_BATCH. */
  register(state: RunState, leaseSeconds: number): Promise<void>;
  complete(state: RunState): Promise<void>;
  /** The run's execution stopped without success: its batch may be claimed again. */
  fail(run: { runId: string; batchKey: string }, error: RunError): Promise<void>;
  /** The run's execution was redriven: it holds its batch again, for a fresh lease. */
  resume(runId: string): Promise<void>;
}

/** What the state machine asks of the ledger function. */
export type LedgerEvent = { action: 'register'; leaseSeconds: number; state: RunState } | { action: 'complete'; state: RunState };

/** The key a batch is known by in batch_ledger. */
export const batchKeyOf = (state: Pick<RunState, 'batchKey' | 'batchPrefix'>): string => state.batchKey ?? state.batchPrefix;

export async function applyLedger(ledger: BatchLedger, event: LedgerEvent): Promise<RunState> {
  if (event.action === 'register') {
    if (!Number.isInteger(event.leaseSeconds) || event.leaseSeconds <= 0) {
      throw new PipelineError('BAD_INPUT', `register needs a positive whole leaseSeconds, got ${JSON.stringify(event.leaseSeconds)}.`, 'The state machine definition passes its TimeoutSeconds.');
    }
    await ledger.register(event.state, event.leaseSeconds);
  } else if (event.action === 'complete') await ledger.complete(event.state);
  else throw new PipelineError('BAD_INPUT', `Unknown ledger action ${JSON.stringify((event as { action: unknown }).action)}.`, 'Use register or complete.');
  return event.state;
}

const duplicate = (batchKey: string, owner: { runId?: string | null; status?: string | null; at?: string | null } | undefined): PipelineError =>
  new PipelineError(
    'DUPLICATE_BATCH',
    owner?.status === 'succeeded'
      ? `Batch ${batchKey} was already loaded as run ${owner.runId ?? '?'} on ${owner.at ?? '?'}; this run changed nothing.`
      : `Batch ${batchKey} is already ${owner?.status ?? 'claimed'} by run ${owner?.runId ?? '?'}; this run changed nothing.`,
    'To load the same files again, upload them under a new batch id. A failed batch is retried by dropping its manifest again or redriving the execution.',
  );

/** 'Error: cause', with a Lambda function error's JSON cause ({errorType, errorMessage, trace}) reduced to its message. */
export function errorText(error: RunError): string {
  let cause = error.Cause ?? undefined;
  try {
    const parsed = cause ? (JSON.parse(cause) as { errorMessage?: unknown }) : undefined;
    if (typeof parsed?.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // Not JSON: a Step Functions cause in words.
  }
  return [error.Error, cause].filter(Boolean).join(': ').slice(0, 4000) || 'unknown error';
}

export function sqlBatchLedger(sql: () => Promise<Sql>): BatchLedger {
  return {
    async register(state, leaseSeconds) {
      const db = await sql();
      const batchKey = batchKeyOf(state);
      // One statement (the Data API runs one per call): claim, and close the books of a run whose
      // lease expired. Every CTE sees the table as it was before the claim.
      const [result] = await db.query<{ claimed: string | null; owner: string | null; owner_status: string | null; owner_at: string | null }>(
        `with previous as (
           select run_id, status, lease_expires_at < now() as expired,
                  to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') as at
           from batch_ledger where batch_key = $1
         ), claimed as (
           insert into batch_ledger (batch_key, run_id, status, lease_seconds, lease_expires_at)
           values ($1, $2, 'running', $3::integer, now() + $3::integer * interval '1 second')
           on conflict (batch_key) do update
             set run_id = excluded.run_id, status = 'running', updated_at = now(),
                 lease_seconds = excluded.lease_seconds, lease_expires_at = excluded.lease_expires_at
             where batch_ledger.status = 'failed' or (batch_ledger.run_id = excluded.run_id and batch_ledger.status = 'running')
                or (batch_ledger.status = 'running' and batch_ledger.lease_expires_at < now())
           returning run_id
         ), expired_run as (
           update pipeline_runs set status = 'failed', finished_at = now(),
             error = 'its lease on batch ' || $1 || ' expired without a word from its execution; run ' || $2 || ' claimed the batch'
           where run_id = (select run_id from previous where status = 'running' and expired and run_id <> $2)
             and status = 'running' and exists (select 1 from claimed)
         )
         select (select run_id from claimed) as claimed, (select run_id from previous) as owner, (select status from previous) as owner_status,
                (select at from previous) as owner_at`,
        [batchKey, state.runId, leaseSeconds],
      );
      if (!result?.claimed) throw duplicate(batchKey, { runId: result?.owner, status: result?.owner_status, at: result?.owner_at });
      await db.query(
        `insert into pipeline_runs (run_id, batch_key, status) values ($1, $2, 'running')
         on conflict (run_id) do update set status = 'running', finished_at = null, error = null`,
        [state.runId, batchKey],
      );
    },
    async complete(state) {
      const db = await sql();
      await db.query(`update batch_ledger set status = 'succeeded', updated_at = now() where batch_key = $1 and run_id = $2`, [batchKeyOf(state), state.runId]);
      await db.query(`update pipeline_runs set status = 'succeeded', finished_at = now(), counts = $2::jsonb where run_id = $1`, [state.runId, JSON.stringify(runCounts(state))]);
    },
    async fail(run, error) {
      const db = await sql();
      await db.query(`update batch_ledger set status = 'failed', updated_at = now(), lease_expires_at = now() where run_id = $1 and status = 'running'`, [run.runId]);
      // Upserted: an execution that failed before it registered (a bad input, a ledger outage) is on record too.
      await db.query(
        `insert into pipeline_runs (run_id, batch_key, status, finished_at, error) values ($1, $2, 'failed', now(), $3)
         on conflict (run_id) do update set status = 'failed', finished_at = now(), error = excluded.error
           where pipeline_runs.status <> 'succeeded'`,
        [run.runId, run.batchKey, errorText(error)],
      );
    },
    async resume(runId) {
      const db = await sql();
      await db.query(
        `update batch_ledger set status = 'running', updated_at = now(), lease_expires_at = now() + lease_seconds * interval '1 second'
         where run_id = $1 and status = 'failed'`,
        [runId],
      );
      await db.query(`update pipeline_runs set status = 'running', finished_at = null, error = null where run_id = $1 and status = 'failed'`, [runId]);
    },
  };
}

export interface MemoryLedgerEntry {
  runId: string;
  status: 'running' | 'succeeded' | 'failed';
  leaseSeconds: number;
  leaseExpiresAt: number;
  /** When the entry last changed (ms), for the "already loaded ... on ..." message. */
  updatedAt: number;
}

/** In-memory ledger for harness tests without a database; `now` (ms) lets tests expire leases. */
export function memoryBatchLedger(now: () => number = Date.now): BatchLedger & { readonly entries: Map<string, MemoryLedgerEntry> } {
  const entries = new Map<string, MemoryLedgerEntry>();
  const ofRun = (runId: string): MemoryLedgerEntry | undefined => [...entries.values()].find((e) => e.runId === runId);
  return {
    entries,
    async register(state, leaseSeconds) {
      const key = batchKeyOf(state);
      const owner = entries.get(key);
      const claimable = !owner || owner.status === 'failed' || (owner.status === 'running' && (owner.runId === state.runId || owner.leaseExpiresAt < now()));
      if (!claimable) throw duplicate(key, { runId: owner.runId, status: owner.status, at: new Date(owner.updatedAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' });
      entries.set(key, { runId: state.runId, status: 'running', leaseSeconds, leaseExpiresAt: now() + leaseSeconds * 1000, updatedAt: now() });
    },
    async complete(state) {
      const entry = entries.get(batchKeyOf(state));
      if (entry?.runId === state.runId) Object.assign(entry, { status: 'succeeded', updatedAt: now() });
    },
    async fail(run) {
      const entry = ofRun(run.runId);
      if (entry?.status === 'running') Object.assign(entry, { status: 'failed', leaseExpiresAt: now() });
    },
    async resume(runId) {
      const entry = ofRun(runId);
      if (entry?.status === 'failed') Object.assign(entry, { status: 'running', leaseExpiresAt: now() + entry.leaseSeconds * 1000 });
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
