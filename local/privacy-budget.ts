// `npm run privacy-budget`: shows the warehouse's privacy budget, or changes its totals with a reason
// (written to the audit log). The first release fixes the totals; a run's configuration cannot raise them.
import './polyfills.js';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { runCli } from './cli/run-cli.js';
import { WAREHOUSE_OPTIONS, withWarehouse } from './integrity/open-warehouse.js';
import { describeBudget, readBudget, setBudgetTotal } from './privacy/budget-command.js';

const USAGE = `usage: npm run privacy-budget -- [--epsilon-total N] [--delta-total N --reason "..."] [--dir DIR] [--database-url URL]
  with no option    print the budget: totals, spent, who fixed them
  --epsilon-total   the new total epsilon (never below what is spent)
  --delta-total     the new total delta
  --reason          why (required with a change; written to audit_log as a BUDGET_TOTAL entry)
Raise a total only if your privacy policy allows it: every release adds to the privacy loss of the same patients.`;

runCli(async () => {
  const { values } = parseArgs({
    options: {
      ...WAREHOUSE_OPTIONS,
      'epsilon-total': { type: 'string' },
      'delta-total': { type: 'string' },
      reason: { type: 'string' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  await withWarehouse({ dir: values.dir, databaseUrl: values['database-url'] }, async (wh) => {
    if (values['epsilon-total'] === undefined && values['delta-total'] === undefined) return void console.log(describeBudget(await readBudget(wh)));
    const after = await setBudgetTotal(wh, {
      epsilonTotal: num(values['epsilon-total']),
      deltaTotal: num(values['delta-total']),
      reason: values.reason ?? '',
      appUser: `privacy-budget (${userInfo().username})`,
    });
    console.log(`budget changed (audited):\n${describeBudget(after)}`);
  });
});
