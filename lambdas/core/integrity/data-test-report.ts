// The on-demand data-quality report (npm run dq). Pure: results in, text out.
export interface DataTestResult {
  name: string;
  description: string;
  table: string;
  failures: number;
  /** Up to a few keys of failing rows. */
  sample: string[];
  /** Set when the test's query itself failed (a missing table, a syntax error). */
  error?: string;
}

export const failedTests = (results: readonly DataTestResult[]): DataTestResult[] =>
  results.filter((r) => r.failures > 0 || r.error !== undefined);

export function renderDataTestReport(results: readonly DataTestResult[]): string {
  const width = Math.max(4, ...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const status = r.error ? 'ERROR' : r.failures > 0 ? 'FAIL ' : 'pass ';
    const detail = r.error ?? (r.failures > 0 ? `${r.failures} row(s), e.g. ${r.sample.join(', ')}` : '');
    return `  ${status} ${r.name.padEnd(width)}  ${r.table}: ${r.description}${detail ? `\n         ${detail}` : ''}`;
  });
  const failed = failedTests(results).length;
  lines.push('', failed ? `${failed} of ${results.length} data tests failed` : `all ${results.length} data tests passed`);
  return lines.join('\n');
}
