// `npm run retention`: detaches fact partitions older than --years (PipelineConfig.retentionYears)
// and archives audit entries older than --audit-days, both relative to --as-of. --dry-run prints the
// plan and changes nothing.
import './polyfills.js';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../lambdas/core/config.js';
import { PipelineError } from '../lambdas/core/errors.js';
import { DEFAULT_AUDIT_RETENTION_DAYS } from '../lambdas/core/integrity/audit-retention.js';
import { describePartitionPlan } from '../lambdas/core/integrity/partition-retention.js';
import { runCli } from './cli/run-cli.js';
import { applyRetention, describeAuditPlan, planRetention } from './integrity/apply-retention.js';
import { WAREHOUSE_OPTIONS, withWarehouse } from './integrity/open-warehouse.js';

const USAGE = `usage: npm run retention -- [--as-of YYYY-MM-DD] [--years N] [--audit-days N] [--only partitions|audit] [--dry-run] [--dir DIR] [--database-url URL]
  --as-of        reference date (default: today)
  --years        keep fact partitions this many years (default ${defaultConfig.retentionYears}); older ones are detached, not dropped
  --audit-days   keep audit entries this many days (default ${DEFAULT_AUDIT_RETENTION_DAYS}); older ones are archived to DIR/archive/audit and purged
  --dry-run      print the plan only`;

runCli(async () => {
  const { values } = parseArgs({
    options: {
      ...WAREHOUSE_OPTIONS,
      'as-of': { type: 'string' },
      years: { type: 'string' },
      'audit-days': { type: 'string' },
      only: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const only = parseOnly(values.only);
  const request = {
    asOf: values['as-of'] ?? new Date().toISOString().slice(0, 10),
    years: values.years === undefined ? defaultConfig.retentionYears : Number(values.years),
    auditDays: values['audit-days'] === undefined ? DEFAULT_AUDIT_RETENTION_DAYS : Number(values['audit-days']),
    only,
  };
  const dryRun = values['dry-run'] ?? false;
  const archiveDir = join(resolve(values.dir ?? '.warehouse'), 'archive', 'audit');
  await withWarehouse({ dir: values.dir, databaseUrl: values['database-url'] }, async (wh) => {
    const plan = await planRetention(wh, request);
    if (plan.partitions) console.log(describePartitionPlan(plan.partitions, dryRun));
    if (plan.audit) console.log(describeAuditPlan(plan.audit, dryRun));
    if (dryRun) return void console.log('\n(dry run: nothing changed)');
    const result = await applyRetention(wh, plan, archiveDir);
    if (result.audit?.archive) console.log(`audit log: ${result.audit.removed} entries archived to ${result.audit.archive}`);
  });
});

function parseOnly(v: string | undefined): 'partitions' | 'audit' | undefined {
  if (v === undefined || v === 'partitions' || v === 'audit') return v;
  throw new PipelineError('BAD_CONFIG', `--only ${v}: expected partitions or audit`, USAGE);
}
