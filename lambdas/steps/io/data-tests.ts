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
 * materialises it: the test query runs once. A test reads the run's id as `$1` (null on demand):
 * a parameter, not pipeline_run_id(), so the planner sees the value (a run's few rows, found by
 * index, or every row) and folds away the branch that does not apply; the `run` CTE types it.
 */
export const countedDataTest = (testSql: string): string => `with run as (select $1::text as id),
failing as (${testSql.replace(/;\s*$/, '')})
select (select count(*) from failing)::bigint as failures,
       (select coalesce(json_agg(k), '[]'::json) from (select key::text as k from failing limit ${SAMPLE_KEYS}) as s)::text as sample`;

/** The run whose rows the tests judge: the transaction's run context, or none (every row). */
async function contextRunId(sql: Sql): Promise<string | null> {
  const [row] = await sql.query<{ id: string | null }>("select nullif(current_setting('pipeline.run_id', true), '') as id");
  return row?.id ?? null;
}

/**
 * Inside a run, first tells the planner how many rows the run wrote (analyze_run_rows(), migration
 * 074): its fact partitions may be new in this transaction, and a run's million visits planned as a
 * few thousand became a million index probes per test.
 */
export const ANALYZE_RUN_ROWS = 'select analyze_run_rows()';

/** Runs each test once. With keepGoing, a test whose query errors is reported instead of thrown. */
export async function evaluateDataTests(sql: Sql, tests: readonly SqlFile[], o: { keepGoing?: boolean } = {}): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  const runId = await contextRunId(sql);
  if (runId !== null && tests.length > 0) await sql.query(ANALYZE_RUN_ROWS);
  for (const file of tests) {
    const meta = describeDataTest(file);
    try {
      const [row] = await sql.query<{ failures: number; sample: string | string[] }>(countedDataTest(file.sql), [runId]);
      const sample = typeof row?.sample === 'string' ? (JSON.parse(row.sample) as string[]) : (row?.sample ?? []);
      results.push({ ...meta, failures: Number(row?.failures ?? 0), sample });
    } catch (e) {
      if (!o.keepGoing) throw e;
      results.push({ ...meta, failures: 0, sample: [], error: (e as Error).message.split('\n')[0] ?? String(e) });
    }
  }
  return results;
}
