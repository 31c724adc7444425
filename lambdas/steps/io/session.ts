// Run-scoped settings the SQL models and audit entries read with current_setting(). Set per
// transaction (is_local = true), so they never leak into another run on a pooled connection.
import type { Sql } from '../../ports.js';

/** Sort memory for the batch's window functions and grouping sets: the default 4 MB spills to disk. */
const BATCH_WORK_MEM = '256MB';

export async function setRunContext(tx: Sql, runId: string, asOf: string, appUser = 'pipeline'): Promise<void> {
  await tx.query(
    `select set_config('pipeline.run_id', $1, true), set_config('pipeline.as_of', $2, true),
            set_config('pipeline.app_user', $3, true), set_config('work_mem', $4, true)`,
    [runId, asOf, appUser, BATCH_WORK_MEM],
  );
}

export async function audit(tx: Sql, action: string, table: string, count: number | null, details: Record<string, unknown> = {}): Promise<void> {
  await tx.query('select write_audit($1, $2, $3, $4::jsonb)', [action, table, count, JSON.stringify(details)]);
}

/**
 * The transform's statements each pass once over a batch: JIT compiling them cost up to 1.7 s a
 * statement at 400k patients (PostgreSQL 15) and saved less than that, so it is off for the transaction.
 * Random page reads are priced as on SSD storage (Aurora's and any current server's), not spinning
 * disk: at the default 4 the planner hashed every visit id in the warehouse to check a 10k batch's
 * 30k ids (1 s at 400k patients, growing with the warehouse) where index probes took 0.2 s.
 */
export async function planForOnePass(tx: Sql): Promise<void> {
  await tx.query("select set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)");
}
