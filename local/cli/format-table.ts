// Plain-text table for query results in a terminal.
export function formatTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(0 rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown): string =>
    v === null || v === undefined ? '' : v instanceof Date ? isoDateOrTime(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = cols.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, 60).padEnd(widths[i]!)).join(' | ');
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n') +
    `\n(${rows.length} row${rows.length === 1 ? '' : 's'})`;
}

/** SQL dates arrive as Dates at UTC midnight: show them as the dates they are. */
const isoDateOrTime = (d: Date): string => {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
};
