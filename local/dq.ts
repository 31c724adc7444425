// `npm run dq`: the warehouse's data tests (sql/tests) on demand, with a report. Exits 1 when any fails.
import './polyfills.js';
import { parseArgs } from 'node:util';
import { PipelineError } from '../lambdas/core/errors.js';
import { failedTests, renderDataTestReport } from '../lambdas/core/integrity/data-test-report.js';
import { runCli } from './cli/run-cli.js';
import { WAREHOUSE_OPTIONS, withWarehouse } from './integrity/open-warehouse.js';
import { runDq } from './integrity/run-dq.js';

const USAGE = `usage: npm run dq -- [--dir DIR] [--database-url URL] [--as-of YYYY-MM-DD] [--json]
  runs every data test in sql/tests against the warehouse; exit code 1 when any fails
  --as-of   judge "no future dates" against this date (default: today)`;

runCli(async () => {
  const { values } = parseArgs({ options: { ...WAREHOUSE_OPTIONS, 'as-of': { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (values.help) return void console.log(USAGE);
  const results = await withWarehouse({ dir: values.dir, databaseUrl: values['database-url'] }, (wh) => runDq(wh, { asOf: values['as-of'] }));
  console.log(values.json ? JSON.stringify(results) : renderDataTestReport(results));
  const failed = failedTests(results);
  if (failed.length > 0) {
    throw new PipelineError('DATA_TEST_FAILED', `${failed.length} of ${results.length} data tests failed: ${failed.map((f) => f.name).join(', ')}`, 'the report above names each failing table and sample keys');
  }
});
