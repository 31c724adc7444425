// The data tests on demand, outside any run: each test runs on its own, so one that errors (a table
// missing on an old warehouse) is reported and the rest still run.
import { FsSqlSource } from '../../lambdas/adapters/local/fs-sql-source.js';
import type { DataTestResult } from '../../lambdas/core/integrity/data-test-report.js';
import type { Warehouse } from '../../lambdas/ports.js';
import { evaluateDataTests } from '../../lambdas/steps/io/data-tests.js';
import { SQL_DIR } from '../pipeline/local-deps.js';

export async function runDq(wh: Warehouse, o: { asOf?: string; sqlDir?: string } = {}): Promise<DataTestResult[]> {
  const tests = await new FsSqlSource(o.sqlDir ?? SQL_DIR).dataTests();
  // Session-wide on purpose: the tests run outside a transaction. Without --as-of, tests fall back
  // to today (pipeline_as_of()) and to every run.
  if (o.asOf) await wh.query("select set_config('pipeline.as_of', $1, false)", [o.asOf]);
  return evaluateDataTests(wh, tests, { keepGoing: true });
}
