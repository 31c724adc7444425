// Runs the data tests (sql/tests: queries that must return no rows) and reports every result; the
// transform step fails the run on any failure, `npm run dq` prints them all.
import { describeDataTest } from '../../core/models/order-models.js';
import type { DataTestResult } from '../../core/integrity/data-test-report.js';
import type { Sql, SqlFile } from '../../ports.js';

const SAMPLE_KEYS = 5;

/** Runs each test once. With keepGoing, a test whose query errors is reported instead of thrown. */
export async function evaluateDataTests(sql: Sql, tests: readonly SqlFile[], o: { keepGoing?: boolean } = {}): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of tests) {
    const meta = describeDataTest(file);
    try {
      const rows = await sql.query<{ key: unknown }>(file.sql);
      results.push({ ...meta, failures: rows.length, sample: rows.slice(0, SAMPLE_KEYS).map((r) => String(r.key)) });
    } catch (e) {
      if (!o.keepGoing) throw e;
      results.push({ ...meta, failures: 0, sample: [], error: (e as Error).message.split('\n')[0] ?? String(e) });
    }
  }
  return results;
}
