// The privacy budget as the warehouse holds it, and the one audited way to change its totals
// (set_privacy_budget_total in 021_privacy_budget.sql). Run as the warehouse owner: the pipeline role
// cannot call it.
import { PipelineError } from '../../lambdas/core/errors.js';
import type { Sql, Warehouse } from '../../lambdas/ports.js';

export interface BudgetState {
  epsilonTotal: number;
  epsilonSpent: number;
  deltaTotal: number;
  deltaSpent: number;
  fixedAt: string;
  fixedBy: string;
  releases: number;
}

export async function readBudget(sql: Sql): Promise<BudgetState | null> {
  const [row] = await sql.query<{ epsilon_total: string; epsilon_spent: string; delta_total: string; delta_spent: string; fixed_at: Date | string; fixed_by: string; releases: number }>(
    `select epsilon_total::text, epsilon_spent::text, delta_total::text, delta_spent::text, fixed_at, fixed_by,
            (select count(*) from privacy_budget_ledger)::int as releases
     from privacy_budget where id = 1`,
  );
  if (!row) return null;
  return {
    epsilonTotal: Number(row.epsilon_total),
    epsilonSpent: Number(row.epsilon_spent),
    deltaTotal: Number(row.delta_total),
    deltaSpent: Number(row.delta_spent),
    fixedAt: new Date(row.fixed_at).toISOString(),
    fixedBy: row.fixed_by,
    releases: Number(row.releases),
  };
}

export interface TotalChange {
  epsilonTotal?: number;
  deltaTotal?: number;
  reason: string;
  /** Who asks (recorded as the audit entry's app_user). */
  appUser: string;
}

/** Changes the totals in one transaction with an audit entry; refuses a total below what is spent. */
export async function setBudgetTotal(wh: Warehouse, change: TotalChange): Promise<BudgetState> {
  if (change.epsilonTotal === undefined && change.deltaTotal === undefined) {
    throw new PipelineError('BAD_CONFIG', 'nothing to change: give --epsilon-total and/or --delta-total', 'npm run privacy-budget -- --epsilon-total 20 --reason "..."');
  }
  for (const [name, v] of [['--epsilon-total', change.epsilonTotal], ['--delta-total', change.deltaTotal]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new PipelineError('BAD_CONFIG', `${name} must be a number >= 0, got ${v}`);
  }
  if (!change.reason.trim()) throw new PipelineError('BAD_CONFIG', 'a reason is required (--reason "...")', 'the reason is written to the audit log with the change');
  await wh.transaction(async (tx) => {
    await tx.query(`select set_config('pipeline.app_user', $1, true)`, [change.appUser]);
    await tx.query('select * from set_privacy_budget_total($1::numeric, $2::numeric, $3)', [
      change.epsilonTotal === undefined ? null : String(change.epsilonTotal),
      change.deltaTotal === undefined ? null : String(change.deltaTotal),
      change.reason,
    ]);
  });
  return (await readBudget(wh))!;
}

export const describeBudget = (b: BudgetState | null): string =>
  b === null
    ? 'no release yet: the first release fixes the totals from its configuration (privacy.epsilonTotal, privacy.deltaTotal)'
    : [
        `epsilon: ${b.epsilonSpent} spent of ${b.epsilonTotal} (${Math.round((b.epsilonTotal - b.epsilonSpent) * 1e6) / 1e6} left) over ${b.releases} release(s)`,
        `delta:   ${b.deltaSpent} spent of ${b.deltaTotal}`,
        `totals fixed ${b.fixedAt} by ${b.fixedBy}`,
      ].join('\n');
