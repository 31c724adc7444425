// Runs that overlap take turns at the steps that change shared tables. The lock is a transaction-level
// advisory lock: released at commit or rollback, so a crashed run can never hold it. It is polled
// (try, then wait) rather than awaited in one call, because a Data API call is cancelled after 45 s and
// a Data API transaction dies after 3 minutes idle; each poll is a short call that keeps it alive.
import { PipelineError } from '../../core/errors.js';
import type { Sql } from '../../ports.js';

export interface TurnOptions {
  /** Milliseconds since some epoch, for the wait budget. */
  now: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Longest wait for the turn before giving up with a retryable error. @default 10 minutes */
  maxWaitMs?: number;
  /** Pause between polls. @default 2 s */
  pollMs?: number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for this transaction's turn at `what` (e.g. 'transform'); the turn ends with the transaction. */
export async function takeTurn(tx: Sql, what: string, o: TurnOptions): Promise<void> {
  const started = o.now();
  const maxWait = o.maxWaitMs ?? 10 * 60_000;
  for (;;) {
    const [row] = await tx.query<{ got: boolean }>('select pg_try_advisory_xact_lock(hashtext($1)) as got', [`health-pipeline:${what}`]);
    if (row?.got) return;
    if (o.now() - started > maxWait) {
      throw new PipelineError(
        'WAREHOUSE_BUSY',
        `another run's ${what} has held the warehouse for over ${Math.round(maxWait / 1000)} s; this run waited and stopped`,
        'it is retried automatically in the cloud; offline, run the batch again when the other run has finished',
      );
    }
    await (o.sleep ?? sleepFor)(o.pollMs ?? 2000);
  }
}
