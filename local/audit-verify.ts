// `npm run audit:verify`: recomputes the audit log's hash chain outside the database. Prints how many
// entries verified, or the first broken link (audit_id, expected vs found) and exits 1.
import './polyfills.js';
import { parseArgs } from 'node:util';
import { describeVerdict, verifyAuditChain } from '../lambdas/core/integrity/audit-chain.js';
import { PipelineError } from '../lambdas/core/errors.js';
import { readAuditChain } from '../lambdas/steps/io/audit-chain-query.js';
import { runCli } from './cli/run-cli.js';
import { WAREHOUSE_OPTIONS, withWarehouse } from './integrity/open-warehouse.js';

const USAGE = `usage: npm run audit:verify -- [--dir DIR] [--database-url URL]
  recomputes every audit_log entry's hash and link; exit code 1 at the first broken link`;

runCli(async () => {
  const { values } = parseArgs({ options: WAREHOUSE_OPTIONS });
  if (values.help) return void console.log(USAGE);
  const entries = await withWarehouse({ dir: values.dir, databaseUrl: values['database-url'] }, readAuditChain);
  const verdict = verifyAuditChain(entries);
  if (!verdict.ok) {
    throw new PipelineError('AUDIT_CHAIN_BROKEN', describeVerdict(verdict), 'the log was changed outside the pipeline: compare with the archived entries and the database logs');
  }
  console.log(describeVerdict(verdict));
});
