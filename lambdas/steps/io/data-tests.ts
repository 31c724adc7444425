// Runs the data tests (sql/tests: queries that must return no rows) and reports every result; the
// transform step fails the run on any failure, `npm run dq` prints them all.
import { describeDataTest } from '../../core/models/order-models.js';
import type { DataTestResult } from '../../core/integrity/data-test-report.js';
import type { Sql, SqlFile } from '../../ports.js';

const SAMPLE_KEYS = 5;

/**
 * One row back whatever the test finds: its count and a few keys. A badly failing batch must still
 * end as DATA_TEST_FAILED with a readable report, not as an oversized response (the Data API answers
 * at most 1 MiB per call) or a million rows held in memory. The CTE is read twice, so Postgres
 * materialises it: the test query runs once.
 */
const counted = (testSql: string): string => `with failing as (${testSql.replace(/;\s*$/, '')})
select (select count(*) from failing)::bigint as failures,
       (select coalesce(json_agg(k), '[]'::json) from (select key::text as k from failing limit ${SAMPLE_KEYS}) as s)::text as sample`;

/** Runs each test once. With keepGoing, a test whose query errors is reported instead of thrown. */
export async function evaluateDataTests(sql: Sql, tests: readonly SqlFile[], o: { keepGoing?: boolean } = {}): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const file of tests) {
    const meta = describeDataTest(file);
    try {
      const [row] = await sql.query<{ failures: number; sample: string | string[] }>(counted(file.sql));
      const sample = typeof row?.sample === 'string' ? (JSON.parse(row.sample) as string[]) : (row?.sample ?? []);
      results.push({ ...meta, failures: Number(row?.failures ?? 0), sample });
    } catch (e) {
      if (!o.keepGoing) throw e;
      results.push({ ...meta, failures: 0, sample: [], error: (e as Error).message.split('\n')[0] ?? String(e) });
    }
  }
  return results;
}
