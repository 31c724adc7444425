// The per-patient bounded pre-aggregate (060_patient_contributions.sql) that every release reads. The
// transform keeps it for the patients each batch touches; these rebuild it whole when what it was built
// under changes: the configured bound, or visits rewritten or removed outside a transform.
import type { Sql } from '../../ports.js';

/** Rebuilds the contributions when they were built under another maxVisitsPerPatient; true when it did. */
export async function ensureContributionBound(sql: Sql, maxVisitsPerPatient: number): Promise<boolean> {
  const [row] = await sql.query<{ max_visits_per_patient: number }>('select max_visits_per_patient from contribution_bound where id = 1');
  if (Number(row?.max_visits_per_patient) === maxVisitsPerPatient) return false;
  await sql.query('select rebuild_patient_contributions($1)', [maxVisitsPerPatient]);
  return true;
}

/** Every patient's contributions again, under the bound they have (after rotate-key or retention). */
export async function rebuildContributions(sql: Sql): Promise<void> {
  await sql.query('select rebuild_patient_contributions(max_visits_per_patient) from contribution_bound where id = 1');
}
