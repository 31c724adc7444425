// Which fact partitions fall out of retention. Pure: given the partitions and their range bounds, a
// reference date and a number of years, it returns the plan; the caller detaches (never drops).
import { PipelineError } from '../errors.js';

export interface PartitionBound {
  name: string;
  /** pg_get_expr(relpartbound): `FOR VALUES FROM ('2017-01-01') TO ('2018-01-01')` or `DEFAULT`. */
  bound: string;
}

export interface DetachStep {
  partition: string;
  from: string;
  to: string;
  /** The name the detached table gets, so a late row for that year can get a fresh partition. */
  archivedAs: string;
}

export interface PartitionRetentionPlan {
  asOf: string;
  years: number;
  /** Partitions whose every date is before this one are detached. */
  cutoff: string;
  detach: DetachStep[];
  keep: string[];
}

const RANGE = /^FOR VALUES FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isCalendarDate = (v: string): boolean => {
  const t = Date.parse(`${v}T00:00:00Z`);
  return ISO_DATE.test(v) && !Number.isNaN(t) && new Date(t).toISOString().startsWith(v);
};

/** The date `years` before `asOf` (29 February falls back to 28 February). */
export function retentionCutoff(asOf: string, years: number): string {
  if (!isCalendarDate(asOf)) throw new PipelineError('BAD_CONFIG', `retention: as-of date ${JSON.stringify(asOf)} is not YYYY-MM-DD`, 'pass --as-of 2025-12-31');
  if (!Number.isInteger(years) || years < 1) throw new PipelineError('BAD_CONFIG', `retention: years must be a whole number of at least 1, got ${years}`, 'pass --years 7');
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y - years, m - 1, d));
  if (date.getUTCMonth() !== m - 1) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

export function planPartitionRetention(partitions: readonly PartitionBound[], asOf: string, years: number): PartitionRetentionPlan {
  const cutoff = retentionCutoff(asOf, years);
  const detach: DetachStep[] = [];
  const keep: string[] = [];
  for (const p of [...partitions].sort((a, b) => a.name.localeCompare(b.name))) {
    const range = RANGE.exec(p.bound.trim());
    // The upper bound is exclusive: a partition ending on the cutoff holds only older dates.
    if (range && range[2]! <= cutoff) detach.push({ partition: p.name, from: range[1]!, to: range[2]!, archivedAs: `${p.name}_detached` });
    else keep.push(p.name);
  }
  return { asOf, years, cutoff, detach, keep };
}

export function describePartitionPlan(plan: PartitionRetentionPlan, dryRun: boolean): string {
  const verb = dryRun ? 'would detach' : 'detached';
  const lines = [`fact partitions: keep ${plan.years} years before ${plan.asOf} (cutoff ${plan.cutoff})`];
  if (plan.detach.length === 0) lines.push('  nothing to detach');
  for (const s of plan.detach) lines.push(`  ${verb} ${s.partition} [${s.from}, ${s.to}) -> table ${s.archivedAs}`);
  lines.push(`  kept: ${plan.keep.join(', ') || '(none)'}`);
  return lines.join('\n');
}
